using System.Collections.Concurrent;
using Playbook.LanguageServer.Features;

namespace Playbook.LanguageServer;

/// <summary>One open editor buffer: its text at a version, and the checked document made from it (built on
/// first use, with the same parse → check pipeline as <c>playbook validate</c>).</summary>
public sealed class OpenDocument
{
    private readonly Lazy<PlaybookDocument> _document;
    private readonly Lazy<NameIndex> _names;

    public OpenDocument(string uri, int version, string text)
    {
        Uri = uri;
        Version = version;
        Text = text;
        Path = DocumentPaths.ToPath(uri);
        _document = new Lazy<PlaybookDocument>(() => PlaybookDocument.FromText(Path, text));
        _names = new Lazy<NameIndex>(() => NameIndex.Build(Document));
    }

    /// <summary>A playbook that is not open in the editor, read from disk.</summary>
    private OpenDocument(string path, PlaybookDocument document)
    {
        Path = path;
        Uri = DocumentPaths.ToUri(path);
        Text = document.Source.Text;
        _document = new Lazy<PlaybookDocument>(document);
        _names = new Lazy<NameIndex>(() => NameIndex.Build(Document));
    }

    public static OpenDocument FromDisk(string path) => new(path, PlaybookDocument.Load(path));

    /// <summary>Every name declared and used in the document (built on first use, once per version).</summary>
    public NameIndex Names => _names.Value;

    public string Uri { get; }

    /// <summary>The editor's version; null for a file read from disk.</summary>
    public int? Version { get; }

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

    /// <summary>Playbook files read from disk for cross-file requests: a folder holding more is refused (each
    /// would be parsed on every request), never half-searched.</summary>
    public const int MaxSiblings = 500;

    /// <summary>The playbook at <paramref name="path"/>: its open buffer, else the file on disk, else null.</summary>
    public OpenDocument? ByPath(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        foreach (var open in _byUri.Values)
        {
            if (string.Equals(System.IO.Path.GetFullPath(open.Path), full, StringComparison.Ordinal)) return open;
        }
        return File.Exists(full) ? OpenDocument.FromDisk(full) : null;
    }

    /// <summary>The playbooks that can call, or be called by, the one at <paramref name="path"/>: every
    /// <c>*.playbook</c> in its folder (a call resolves beside its caller), open buffers before disk.</summary>
    /// <exception cref="WorkspaceTooLargeException">the folder holds more than <see cref="MaxSiblings"/> playbooks:
    /// an answer from some of them would be a rename that misses callers, or references that look complete and are not.</exception>
    public IReadOnlyList<OpenDocument> Siblings(string path)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".";
        var files = Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*.playbook").Take(MaxSiblings + 1).ToList()
            : [];
        if (files.Count > MaxSiblings) throw new WorkspaceTooLargeException(directory);

        var siblings = new List<OpenDocument>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var open in _byUri.Values)
        {
            var full = System.IO.Path.GetFullPath(open.Path);
            if (System.IO.Path.GetDirectoryName(full) == directory && seen.Add(full)) siblings.Add(open);
        }
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            if (seen.Add(System.IO.Path.GetFullPath(file))) siblings.Add(OpenDocument.FromDisk(file));
        }
        return siblings;
    }
}

/// <summary>A request that has to look at every playbook of a folder holding more than
/// <see cref="OpenDocuments.MaxSiblings"/>: refused, with words for the editor to show.</summary>
public sealed class WorkspaceTooLargeException(string directory)
    : Exception($"{directory} holds more than {OpenDocuments.MaxSiblings} playbooks: the language server does not search a folder that large for calls across files " +
                "(references to and renames of a playbook or its inputs); split the folder, or search it with grep");

/// <summary>file:// URIs to paths and back.</summary>
public static class DocumentPaths
{
    public static string ToPath(string uri) =>
        System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile ? parsed.LocalPath : uri;

    public static string ToUri(string path) => new System.Uri(System.IO.Path.GetFullPath(path)).AbsoluteUri;
}
