using System.Collections.Concurrent;

namespace Playbook.LanguageServer;

/// <summary>One open editor buffer: its text at a version, and the checked document made from it (built on
/// first use, with the same parse → check pipeline as <c>playbook validate</c>).</summary>
public sealed class OpenDocument
{
    private readonly Lazy<PlaybookDocument> _document;

    public OpenDocument(string uri, int version, string text)
    {
        Uri = uri;
        Version = version;
        Text = text;
        Path = DocumentPaths.ToPath(uri);
        _document = new Lazy<PlaybookDocument>(() => PlaybookDocument.FromText(Path, text));
    }

    public string Uri { get; }

    public int Version { get; }

    public string Text { get; }

    /// <summary>The file path (for <c>call</c> resolution beside it, and in messages).</summary>
    public string Path { get; }

    public PlaybookDocument Document => _document.Value;
}

/// <summary>The buffers the client has open, by URI. A newer version replaces the older one whole.</summary>
public sealed class OpenDocuments
{
    private readonly ConcurrentDictionary<string, OpenDocument> _byUri = new(StringComparer.Ordinal);

    public OpenDocument Set(string uri, int version, string text) => _byUri[uri] = new OpenDocument(uri, version, text);

    public OpenDocument? Get(string uri) => _byUri.GetValueOrDefault(uri);

    public void Remove(string uri) => _byUri.TryRemove(uri, out _);
}

/// <summary>file:// URIs to paths and back.</summary>
public static class DocumentPaths
{
    public static string ToPath(string uri) =>
        System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile ? parsed.LocalPath : uri;

    public static string ToUri(string path) => new System.Uri(System.IO.Path.GetFullPath(path)).AbsoluteUri;
}
