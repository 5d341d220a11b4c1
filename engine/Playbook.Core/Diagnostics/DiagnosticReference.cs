using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Playbook.Diagnostics;

/// <summary>What the language reference (grammar/README.md) says about each diagnostic ID: the anchor of its
/// group's section ("### PB1xxx — names and references") and the "meaning" and "example" cells of its table
/// row. The one place that reads those headings and tables: the language server links codes with it, and
/// SARIF fills every rule's description, help and helpUri from it, so neither can drift from the reference.</summary>
public sealed partial class DiagnosticReference
{
    /// <summary>The reference is compiled into this assembly, so a SARIF log made by an installed tool
    /// carries the same text as the reference of its own version.</summary>
    private const string ResourceName = "Playbook.Diagnostics.playbook-language.md";

    private readonly Dictionary<string, string> _anchorByGroup = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _entryById = new(StringComparer.Ordinal);

    /// <summary>One ID's row: what it means and an example that triggers it, both Markdown.</summary>
    public sealed record Entry(string Meaning, string Example);

    public DiagnosticReference(string markdown)
    {
        string? group = null;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var heading = GroupHeading().Match(line);
            if (heading.Success)
            {
                group = heading.Groups["group"].Value;
                _anchorByGroup.TryAdd(group, Slug(heading.Groups["heading"].Value));
                continue;
            }
            if (line.StartsWith("## ", StringComparison.Ordinal)) group = null;
            if (group is null) continue;
            var cells = Cells(line);
            // | ID | severity | meaning | example |
            if (cells.Count == 4 && IdCell().IsMatch(cells[0])) _entryById.TryAdd(cells[0], new Entry(cells[2], cells[3]));
        }
    }

    /// <summary>The reference this assembly was built with.</summary>
    public static DiagnosticReference Embedded { get; } = new(ReadEmbedded());

    /// <summary>The reference's Markdown, as compiled in.</summary>
    public static string ReadEmbedded()
    {
        using var stream = typeof(DiagnosticReference).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"resource {ResourceName} is missing from {typeof(DiagnosticReference).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>The heading anchor of an ID's group (PB1001 → "pb1xxx--names-and-references"), or null.</summary>
    public string? AnchorFor(string id)
    {
        if (id.Length < 3) return null;
        return _anchorByGroup.TryGetValue(id[..3] + "xxx", out var anchor) ? anchor : null;
    }

    /// <summary>The ID's table row, or null when the reference has none.</summary>
    public Entry? EntryFor(string id) => _entryById.GetValueOrDefault(id);

    /// <summary>GitHub's heading anchor: lower case, punctuation dropped, each space a hyphen.</summary>
    public static string Slug(string heading)
    {
        var sb = new StringBuilder(heading.Length);
        foreach (var c in heading.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_') sb.Append(c);
            else if (c == ' ') sb.Append('-');
        }
        return sb.ToString();
    }

    /// <summary>A Markdown table row's cells, trimmed; a '|' written as '\|' stays inside its cell.</summary>
    private static List<string> Cells(string line)
    {
        var cells = new List<string>();
        if (!line.StartsWith('|')) return cells;
        var cell = new StringBuilder();
        for (var i = 1; i < line.Length; i++)
        {
            if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] == '|') { cell.Append('|'); i++; }
            else if (line[i] == '|') { cells.Add(cell.ToString().Trim()); cell.Clear(); }
            else cell.Append(line[i]);
        }
        return cells;
    }

    [GeneratedRegex(@"^### (?<heading>(?<group>PB\dxxx)\b.*)$")]
    private static partial Regex GroupHeading();

    [GeneratedRegex(@"^PB\d{4}$")]
    private static partial Regex IdCell();
}
