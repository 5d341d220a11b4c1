using Playbook.Checking;
using Playbook.Diagnostics;
using Playbook.Parsing;
using Playbook.Semantics;
using Playbook.Text;
using Playbook.Timing;

namespace Playbook;

/// <summary>The playbooks of one validate (or run): each file is read and parsed once, however many
/// other playbooks call it, and <c>call NAME</c> resolves to NAME.playbook beside the caller.</summary>
public sealed class PlaybookWorkspace : IPlaybookResolver
{
    private readonly Dictionary<string, PlaybookDocument> _documents = new(StringComparer.Ordinal);
    private readonly HashSet<string> _worstCaseInProgress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeBound> _worstCases = new(StringComparer.Ordinal);

    /// <summary>Loads (or returns the already loaded) document at <paramref name="path"/>.</summary>
    public PlaybookDocument Load(string path)
    {
        var key = Path.GetFullPath(path);
        if (_documents.TryGetValue(key, out var doc)) return doc;
        doc = PlaybookDocument.Read(path, this);
        _documents[key] = doc;
        return doc;
    }

    public PlaybookModel? Resolve(PlaybookModel caller, string name, out string expectedPath)
    {
        var directory = Path.GetDirectoryName(caller.Source.Path) ?? "";
        expectedPath = Path.Combine(directory, name + ".playbook");
        if (!File.Exists(expectedPath)) return null;
        return Load(expectedPath).Model;
    }

    public TimeBound WorstCase(PlaybookModel caller, string name)
    {
        var callee = Resolve(caller, name, out var path);
        if (callee is null) return TimeBound.Unbounded($"playbook '{name}' was not found");
        var key = Path.GetFullPath(path);
        if (_worstCases.TryGetValue(key, out var known)) return known;
        if (!_worstCaseInProgress.Add(key)) return TimeBound.Unbounded($"playbook '{name}' calls itself");
        try
        {
            var worst = WorstCaseAnalysis.Analyze(callee, n => WorstCase(callee, n))
                .Select(w => w.Total)
                .Aggregate(TimeBound.Zero, TimeBound.Max);
            return _worstCases[key] = worst;
        }
        finally
        {
            _worstCaseInProgress.Remove(key);
        }
    }
}

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

    /// <summary>Why the file could not be read as text (binary, invalid UTF-8, too large, unreadable).</summary>
    public Diagnostic? LoadProblem { get; }

    public PlaybookModel? Model { get; }

    public static PlaybookDocument Load(string path) => new PlaybookWorkspace().Load(path);

    /// <summary>Parses text that is not on disk (tests, editors); <c>call</c> resolves beside <paramref name="path"/>.</summary>
    public static PlaybookDocument FromText(string path, string text) =>
        Create(new PlaybookWorkspace(), new SourceFile(path, text), null);

    internal static PlaybookDocument Read(string path, PlaybookWorkspace workspace)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > SourceLoader.MaxBytes)
            {
                // Refuse a huge file without reading it.
                var empty = new SourceFile(path, "");
                return new PlaybookDocument(workspace, empty, null, SourceLoader.TooLarge(empty, info.Length));
            }
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var empty = new SourceFile(path, "");
            return new PlaybookDocument(workspace, empty, null, DiagnosticCatalog.NotText.Create(empty, default, $"cannot read the file ({e.Message})"));
        }
        var (source, problem) = SourceLoader.FromBytes(path, bytes);
        return Create(workspace, source, problem);
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

public sealed record FileValidation(string Path, IReadOnlyList<Diagnostic> Diagnostics);

public sealed record ValidationResult(IReadOnlyList<FileValidation> Files)
{
    public int ErrorCount => Files.Sum(f => f.Diagnostics.Count(d => d.Severity == Severity.Error));

    public int WarningCount => Files.Sum(f => f.Diagnostics.Count(d => d.Severity == Severity.Warning));
}

/// <summary>Validates a set of playbook files together (so calls between them are read once).</summary>
public static class PlaybookValidator
{
    public static ValidationResult Validate(IReadOnlyList<string> playbookFiles)
    {
        var workspace = new PlaybookWorkspace();
        return new ValidationResult(playbookFiles.Select(f => new FileValidation(f, workspace.Load(f).Check())).ToList());
    }
}
