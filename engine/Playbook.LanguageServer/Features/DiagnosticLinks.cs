using Playbook.Diagnostics;

namespace Playbook.LanguageServer.Features;

/// <summary>Where each diagnostic ID is documented, as a link an editor can open: the reference shipped beside
/// the server (playbook-language.md), so the link works offline and always matches the server's version. The
/// anchors come from <see cref="DiagnosticReference"/>, the same mapping SARIF's helpUri uses.</summary>
public sealed class DiagnosticLinks
{
    private readonly string _documentUri;
    private readonly DiagnosticReference _reference;

    public DiagnosticLinks(string documentUri, string markdown)
    {
        _documentUri = documentUri;
        _reference = new DiagnosticReference(markdown);
    }

    /// <summary>The reference shipped beside the server, or null when it is missing (then no links are given).</summary>
    public static DiagnosticLinks? FromInstalledReference()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "playbook-language.md");
        return File.Exists(path) ? new DiagnosticLinks(DocumentPaths.ToUri(path), File.ReadAllText(path)) : null;
    }

    /// <summary>The link for an ID such as PB1001, or null when its group has no section.</summary>
    public string? For(string id) => _reference.AnchorFor(id) is { } anchor ? _documentUri + "#" + anchor : null;

    /// <summary>GitHub's heading anchor (see <see cref="DiagnosticReference.Slug"/>).</summary>
    public static string Slug(string heading) => DiagnosticReference.Slug(heading);
}
