using Playbook.Syntax;

namespace Playbook.Compiling;

/// <summary>Literal values of the language as plain .NET values: string, long, double, bool,
/// TimeSpan, maps as <c>Dictionary&lt;string, object?&gt;</c> and lists as <c>List&lt;object?&gt;</c>.</summary>
public static class Values
{
    public static object? FromSyntax(ValueSyntax value) => value switch
    {
        StringSyntax s => s.Template,
        NumberSyntax { IsInteger: true } n => (long)n.Value,
        NumberSyntax n => n.Value,
        BoolSyntax b => b.Value,
        DurationSyntax d => d.Value,
        PercentSyntax p => p.Value / 100.0,
        WordSyntax w => w.Text,
        MapSyntax m => FromMap(m),
        ListSyntax l => l.Items.Select(FromSyntax).ToList(),
        _ => null,
    };

    public static Dictionary<string, object?> FromMap(MapSyntax map)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var entry in map.Entries) result[entry.Key.Text] = FromSyntax(entry.Value);
        return result;
    }
}
