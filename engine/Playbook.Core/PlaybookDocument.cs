using Playbook.Checking;
using Playbook.Diagnostics;
using Playbook.Parsing;
using Playbook.Semantics;
using Playbook.Text;

namespace Playbook;

/// <summary>One playbook file: its text, syntax tree, model and diagnostics.
/// <c>PlaybookDocument.Load(path).Check()</c> is the whole front end in one sentence.</summary>
public sealed class PlaybookDocument
{
    private readonly PlaybookWorkspace _workspace;
    private IReadOnlyList<Diagnostic>? _checked;

    private PlaybookDocument(PlaybookWorkspace workspace, SourceFile source, ParseResult? parse, Diagnostic? loadProblem)
    {
        _workspace = workspace;
        Source = source;
        Parse = parse;
        LoadProblem = loadProblem;
        Model = parse?.Syntax is { } syntax ? PlaybookModel.Build(source, syntax) : null;
    }

    public SourceFile Source { get; }

    public ParseResult? Parse { get; }

    /// <summary>Why the file could not be read as text (binary, invalid UTF-8, too large, unreadable, not a regular file).</summary>
    public Diagnostic? LoadProblem { get; }

    public PlaybookModel? Model { get; }

    public static PlaybookDocument Load(string path) => new PlaybookWorkspace().Load(path);

    /// <summary>Parses text that is not on disk (tests, editors); <c>call</c> resolves beside <paramref name="path"/>.</summary>
    public static PlaybookDocument FromText(string path, string text) =>
        Create(new PlaybookWorkspace(), new SourceFile(path, text), null);

    internal static PlaybookDocument Read(string path, PlaybookWorkspace workspace)
    {
        var contents = BoundedFileReader.Read(path, SourceLoader.MaxBytes);
        if (contents.Bytes is not { } bytes)
        {
            var empty = new SourceFile(path, "");
            var problem = contents switch
            {
                { Special: { } special } => DiagnosticCatalog.NotRegularFile.Create(empty, default, special),
                { TooLarge: { } size } => SourceLoader.TooLarge(empty, size),
                _ => DiagnosticCatalog.NotText.Create(empty, default, $"cannot read the file ({contents.Error})"),
            };
            return new PlaybookDocument(workspace, empty, null, problem);
        }
        var (source, loadProblem) = SourceLoader.FromBytes(path, bytes);
        return Create(workspace, source, loadProblem);
    }

    private static PlaybookDocument Create(PlaybookWorkspace workspace, SourceFile source, Diagnostic? problem) =>
        problem is not null
            ? new PlaybookDocument(workspace, source, null, problem)
            : new PlaybookDocument(workspace, source, PlaybookParser.Parse(source), null);

    /// <summary>All diagnostics of this file: reading, parsing and every check.</summary>
    public IReadOnlyList<Diagnostic> Check()
    {
        if (_checked is not null) return _checked;
        if (LoadProblem is not null) return _checked = new[] { LoadProblem };
        var parse = Parse!;
        if (Model is null) return _checked = parse.Diagnostics;
        return _checked = parse.Diagnostics.Concat(PlaybookChecker.Check(Model, _workspace))
            .OrderBy(d => d.Span.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
    }

    public bool HasErrors => Check().Any(d => d.Severity == Severity.Error);
}
