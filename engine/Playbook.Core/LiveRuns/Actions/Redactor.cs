using System.Collections;
using System.Text;
using System.Text.RegularExpressions;

namespace Playbook.LiveRuns.Actions;

/// <summary>Replaces secret values, and every form <see cref="SecretForms"/> derives from them, with
/// <c>***</c> in what a run shows or stores (output, messages, notes, journal). Each secret has a name (its
/// variable or declaration) so that a value can say which secrets it holds.</summary>
public sealed class Redactor
{
    public const string Mask = "***";

    private readonly Regex? _secrets;
    private readonly Dictionary<string, SortedSet<string>> _owners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <summary>Secrets without names (each is named by its position).</summary>
    public Redactor(IEnumerable<string> secretValues)
        : this(secretValues.Select((v, i) => new KeyValuePair<string, string>("#" + i, v)))
    {
    }

    public Redactor(IEnumerable<KeyValuePair<string, string>> namedSecrets)
    {
        foreach (var (name, value) in namedSecrets)
        {
            if (value.Length == 0) continue;
            _values.TryAdd(name, value);
            foreach (var form in SecretForms.Of(value))
            {
                if (!_owners.TryGetValue(form, out var owners)) _owners[form] = owners = new SortedSet<string>(StringComparer.Ordinal);
                owners.Add(name);
            }
        }
        // Longest first: where one form contains another, the whole of the longer one is hidden.
        var forms = _owners.Keys.OrderByDescending(v => v.Length).ThenBy(v => v, StringComparer.Ordinal).ToList();
        if (forms.Count > 0)
        {
            _secrets = new Regex(string.Join("|", forms.Select(Regex.Escape)), RegexOptions.CultureInvariant);
            LongestForm = forms[0].Length;
        }
    }

    public static Redactor None { get; } = new(Array.Empty<string>());

    /// <summary>The length of the longest text this redactor hides: a stream redacted as it goes holds back
    /// one character less than this, the most a secret split by a chunk boundary can have shown so far.</summary>
    public int LongestForm { get; }

    /// <summary>The names of the secrets it knows, with their values.</summary>
    public IReadOnlyDictionary<string, string> Secrets => _values;

    public string Redact(string text) => _secrets is null ? text : _secrets.Replace(text, Mask);

    /// <summary>Redacted first, then cut to <paramref name="max"/> characters (with "…"): a cut never leaves
    /// the first characters of a secret behind.</summary>
    public string RedactAndCut(string text, int max)
    {
        var redacted = Redact(text);
        return redacted.Length <= max ? redacted : redacted[..(char.IsHighSurrogate(redacted[max - 1]) ? max - 1 : max)] + "…";
    }

    /// <summary>A copy with every string redacted, into maps and lists; other values as they are.</summary>
    public object? Redact(object? value) => _secrets is null ? value : value switch
    {
        string s => Redact(s),
        IDictionary<string, object?> map => map.ToDictionary(p => p.Key, p => Redact(p.Value), StringComparer.Ordinal),
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(p => p.Key, p => Redact(p.Value), StringComparer.Ordinal),
        IList list => list.Cast<object?>().Select(Redact).ToList(),
        _ => value,
    };

    /// <summary>The names of the secrets that appear (in any form) in the strings of <paramref name="value"/>.</summary>
    public IReadOnlyCollection<string> NamesIn(object? value)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (_secrets is not null) Collect(value, names);
        return names;
    }

    private void Collect(object? value, SortedSet<string> names)
    {
        switch (value)
        {
            case string s:
                foreach (Match m in _secrets!.Matches(s)) names.UnionWith(_owners[m.Value]);
                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                foreach (var (_, v) in map) Collect(v, names);
                break;
            case IList list:
                foreach (var item in list) Collect(item, names);
                break;
        }
    }

    /// <summary>Redacts the start of <paramref name="text"/> that no later text can change: every match that
    /// starts before <paramref name="safeEnd"/> (it fits in the text whole, as no form is longer than
    /// <see cref="LongestForm"/>), and the plain text up to there. Returns how much of the text it consumed;
    /// the rest waits for more text (or for <paramref name="safeEnd"/> = the text's length at its end).</summary>
    internal int RedactStart(string text, int safeEnd, StringBuilder into)
    {
        var cursor = 0;
        if (_secrets is not null)
        {
            for (var m = _secrets.Match(text); m.Success && m.Index < safeEnd; m = m.NextMatch())
            {
                into.Append(text, cursor, m.Index - cursor).Append(Mask);
                cursor = m.Index + m.Length;
            }
        }
        if (cursor < safeEnd)
        {
            into.Append(text, cursor, safeEnd - cursor);
            cursor = safeEnd;
        }
        return cursor;
    }
}
