using System.Text;
using System.Text.RegularExpressions;

namespace Playbook.LanguageServer.Features;

/// <summary>Where each diagnostic ID is documented: the grammar/README.md section of its group
/// ("### PB1xxx — names and references"), as a link an editor can open. The reference is shipped beside
/// the server (playbook-language.md), so the link works offline and always matches the server's version.</summary>
public sealed partial class DiagnosticLinks
{
    private readonly string _documentUri;
    private readonly Dictionary<string, string> _anchorByGroup;

    public DiagnosticLinks(string documentUri, string markdown)
    {
        _documentUri = documentUri;
        _anchorByGroup = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in GroupHeading().Matches(markdown))
        {
            _anchorByGroup.TryAdd(m.Groups["group"].Value, Slug(m.Groups["heading"].Value));
        }
    }

    /// <summary>The reference shipped beside the server, or null when it is missing (then no links are given).</summary>
    public static DiagnosticLinks? FromInstalledReference()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "playbook-language.md");
        return File.Exists(path) ? new DiagnosticLinks(DocumentPaths.ToUri(path), File.ReadAllText(path)) : null;
    }

    /// <summary>The link for an ID such as PB1001, or null when its group has no section.</summary>
    public string? For(string id)
    {
        if (id.Length < 3) return null;
        var group = id[..3] + "xxx";
        return _anchorByGroup.TryGetValue(group, out var anchor) ? _documentUri + "#" + anchor : null;
    }

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

    [GeneratedRegex(@"^### (?<heading>(?<group>PB\dxxx)\b.*)$", RegexOptions.Multiline)]
    private static partial Regex GroupHeading();
}
