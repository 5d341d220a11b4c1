using System.Collections;
using System.Text.RegularExpressions;

namespace Playbook.LiveRuns.Actions;

/// <summary>Replaces secret values with <c>***</c> in what a run shows or stores (output, messages, journal).</summary>
public sealed class Redactor
{
    public const string Mask = "***";

    private readonly Regex? _secrets;

    public Redactor(IEnumerable<string> secretValues)
    {
        // Longest first: where one secret contains another, the whole of the longer one is hidden.
        var values = secretValues.Where(v => v.Length > 0).Distinct(StringComparer.Ordinal)
            .OrderByDescending(v => v.Length).ThenBy(v => v, StringComparer.Ordinal).ToList();
        if (values.Count > 0)
            _secrets = new Regex(string.Join("|", values.Select(Regex.Escape)), RegexOptions.CultureInvariant);
    }

    public static Redactor None { get; } = new(Array.Empty<string>());

    public string Redact(string text) => _secrets is null ? text : _secrets.Replace(text, Mask);

    /// <summary>A copy with every string redacted, into maps and lists; other values as they are.</summary>
    public object? Redact(object? value) => _secrets is null ? value : value switch
    {
        string s => Redact(s),
        IDictionary<string, object?> map => map.ToDictionary(p => p.Key, p => Redact(p.Value), StringComparer.Ordinal),
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(p => p.Key, p => Redact(p.Value), StringComparer.Ordinal),
        IList list => list.Cast<object?>().Select(Redact).ToList(),
        _ => value,
    };
}
