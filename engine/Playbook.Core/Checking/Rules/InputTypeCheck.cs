using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB3004, PB3005: inputs have a known type and a default of that type.</summary>
public sealed class InputTypeCheck : IPlaybookCheck
{
    public static readonly string[] Types = { "string", "int", "number", "bool", "duration", "list" };

    public IReadOnlyList<string> Reports { get; } = new[] { "PB3004", "PB3005" };

    public void Check(CheckContext context)
    {
        foreach (var input in context.Model.Inputs)
        {
            var type = input.Type.Text;
            if (Array.IndexOf(Types, type) < 0)
            {
                context.ReportDidYouMean(DiagnosticCatalog.UnknownType, input.Type, type, Types, type);
                continue;
            }
            if (input.Default is not { } value || value is MissingValueSyntax) continue;
            var fits = (type, value) switch
            {
                ("string", StringSyntax s) => s.IsConstant,
                ("int", NumberSyntax n) => n.IsInteger && n.Value is >= long.MinValue and <= long.MaxValue,
                ("number", NumberSyntax) => true,
                ("bool", BoolSyntax) => true,
                ("duration", DurationSyntax) => true,
                ("list", ListSyntax l) => l.Items.All(item => item is StringSyntax { IsConstant: true } or NumberSyntax),
                _ => false,
            };
            if (!fits)
                context.Report(DiagnosticCatalog.DefaultTypeMismatch, value, input.Name.Text, Example(type), Describe(value));
        }
    }

    private static string Example(string type) => type switch
    {
        "string" => "a string without ${…} (like \"api-gateway\")",
        "int" => "a whole number (like 3)",
        "number" => "a number (like 0.5)",
        "bool" => "true or false",
        "list" => "a list of fixed strings and numbers (like [\"a\", \"b\"])",
        _ => "a duration (like 30s)",
    };

    public static string Describe(ValueSyntax value) => value switch
    {
        StringSyntax s when !s.IsConstant => "a string with ${…} (defaults are fixed values; use 'let' to compute one)",
        StringSyntax s => $"the string \"{s.Template}\"",
        NumberSyntax n => n.IsInteger ? $"the number {n.Text}" : $"the decimal number {n.Text}",
        DurationSyntax d => $"the duration {d.Text}",
        PercentSyntax p => $"the percentage {p.Text}",
        BoolSyntax b => b.Value ? "true" : "false",
        ExpressionSyntax => "an expression",
        WordSyntax w => $"the word {w.Text} (put text in quotes)",
        MapSyntax => "a map",
        ListSyntax l when l.Items.FirstOrDefault(item => item is not (StringSyntax { IsConstant: true } or NumberSyntax)) is { } odd => $"a list holding {Describe(odd)}",
        ListSyntax => "a list",
        _ => "a value",
    };
}
