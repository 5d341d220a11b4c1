using Playbook.Cli.Output;
using Playbook.Compiling;
using Playbook.Diagnostics;
using Playbook.Semantics;
using Playbook.Timing;

namespace Playbook.Cli.Commands;

/// <summary>A playbook that validated without errors and compiled, with the workspace that resolves its
/// <c>call</c>s (each callee compiled once, and only if it has no errors either).</summary>
internal sealed class LoadedPlaybook
{
    private readonly Dictionary<string, CompiledPlaybook?> _callees = new(StringComparer.Ordinal);

    public LoadedPlaybook(PlaybookWorkspace workspace, PlaybookDocument document, CompiledPlaybook compiled)
    {
        Workspace = workspace;
        Document = document;
        Compiled = compiled;
    }

    public PlaybookWorkspace Workspace { get; }

    public PlaybookDocument Document { get; }

    public PlaybookModel Model => Compiled.Model;

    public CompiledPlaybook Compiled { get; }

    /// <summary>For <see cref="Simulation.Simulator"/>: a called playbook, compiled; null when it is missing
    /// or has errors (the call then aborts the run with a message).</summary>
    public CompiledPlaybook? ResolveCallee(CompiledPlaybook caller, string name)
    {
        var model = Workspace.Resolve(caller.Model, name, out var path);
        if (model is null) return null;
        var key = Path.GetFullPath(path);
        if (_callees.TryGetValue(key, out var known)) return known;
        var document = Workspace.Load(path);
        return _callees[key] = document.HasErrors || document.Model is null ? null : PlaybookCompiler.Compile(document.Model);
    }

    /// <summary>The worst case of a called playbook, as the checker computes it.</summary>
    public TimeBound CalleeWorstCase(string name) => Workspace.WorstCase(Model, name);
}

/// <summary>Reads, validates and compiles the one playbook a command works on. A playbook with errors
/// is never simulated or drawn: its diagnostics go to stderr (text format, as validate prints them) and
/// the command exits 2.</summary>
internal static class PlaybookLoader
{
    public static LoadedPlaybook? Load(string path, TextWriter stderr, bool color, string verb)
    {
        if (path.Length == 0 || Directory.Exists(path) || !File.Exists(path))
        {
            var why = Directory.Exists(path) ? "it is a directory: give one playbook file" : "no such file or directory";
            stderr.WriteLine($"playbook: cannot read '{path}': {why}");
            return null;
        }
        var workspace = new PlaybookWorkspace();
        var document = workspace.Load(path);
        var diagnostics = document.Check();
        if (document.Model is null || diagnostics.Any(d => d.Severity == Severity.Error))
        {
            var report = new ValidationReport(new[] { new CheckedFile(path, diagnostics) });
            new TextFormatter(color).Write(report, stderr);
            stderr.WriteLine($"playbook: '{path}' has errors: fix them before you {verb} it");
            return null;
        }
        return new LoadedPlaybook(workspace, document, PlaybookCompiler.Compile(document.Model));
    }
}
