using System.Collections.Concurrent;
using Playbook.Compiling;
using Playbook.Diagnostics;
using Playbook.LiveRuns;
using Playbook.Reporting;

namespace Playbook.Web.Playbooks;

/// <summary>A playbook file that checked without errors and compiled, with the workspace that resolves its calls.</summary>
public sealed class CatalogPlaybook(string path, string sha256, PlaybookWorkspace workspace, CompiledPlaybook compiled)
{
    private readonly ConcurrentDictionary<string, CompiledPlaybook?> _callees = new(StringComparer.Ordinal);

    public string Path { get; } = path;

    public string Sha256 { get; } = sha256;

    public CompiledPlaybook Compiled { get; } = compiled;

    /// <summary>A called playbook, compiled; null when it is missing or has errors.</summary>
    public CompiledPlaybook? ResolveCallee(CompiledPlaybook caller, string name)
    {
        var model = workspace.Resolve(caller.Model, name, out var calleePath);
        if (model is null) return null;
        return _callees.GetOrAdd(System.IO.Path.GetFullPath(calleePath), p =>
        {
            var document = workspace.Load(p);
            return document.HasErrors || document.Model is null ? null : PlaybookCompiler.Compile(document.Model);
        });
    }

    /// <summary>The plan the library shows: the graph, phases and the worst case to each end (no simulation: a page
    /// must come back at once).</summary>
    public ReportPlan Plan() => ReportPlan.Of(Compiled, name => workspace.WorstCase(Compiled.Model, name), null);
}

/// <summary>Reads playbooks for the pages: the library's files, and the playbook a run started from (only while
/// the file is byte for byte what the run started with: the journal keeps its sha256). Compiled once per content.</summary>
public sealed class PlaybookCatalog
{
    private readonly ConcurrentDictionary<string, CatalogPlaybook?> _bySha = new(StringComparer.Ordinal);

    /// <summary>The playbook at <paramref name="path"/>, or null with <paramref name="problem"/> saying why not.</summary>
    public CatalogPlaybook? Load(string path, out string? problem)
    {
        problem = null;
        string sha;
        try
        {
            if (path.Length == 0 || !File.Exists(path))
            {
                problem = $"the playbook {path} is not there";
                return null;
            }
            sha = LiveRun.Sha256Of(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"the playbook {path} cannot be read: {e.Message}";
            return null;
        }
        var loaded = _bySha.GetOrAdd(path + "\n" + sha, _ =>
        {
            var workspace = new PlaybookWorkspace();
            var document = workspace.Load(path);
            if (document.Model is null || document.Check().Any(d => d.Severity == Severity.Error)) return null;
            return new CatalogPlaybook(path, sha, workspace, PlaybookCompiler.Compile(document.Model));
        });
        if (loaded is null) problem = $"the playbook {path} has errors ('playbook validate' shows them)";
        return loaded;
    }

    /// <summary>The playbook <paramref name="run"/> started from, when it is unchanged.</summary>
    public CatalogPlaybook? For(JournaledRun run)
    {
        var loaded = Load(run.PlaybookPath, out _);
        return loaded is not null && loaded.Sha256 == run.Sha256 ? loaded : null;
    }
}
