using Playbook.Compiling;
using Playbook.Semantics;

namespace Playbook.CrashTest;

/// <summary>The playbook the harness kills (crash.playbook beside the tool): its convention is that every
/// step that is not idempotent appends its own name to ledger.txt in the run's directory, once per time it
/// actually ran. The list of those steps is read from the playbook itself, so the two cannot drift apart.</summary>
public sealed class CrashPlaybook
{
    public const string FileName = "crash.playbook";

    public const string Ledger = "ledger.txt";

    private CrashPlaybook(string path, IReadOnlyList<string> changes)
    {
        Path = path;
        Changes = changes;
    }

    public string Path { get; }

    /// <summary>The non-idempotent steps, which are also the lines each writes to the ledger.</summary>
    public IReadOnlyList<string> Changes { get; }

    public static CrashPlaybook Load(string path)
    {
        var document = new PlaybookWorkspace().Load(path);
        if (document.Model is null || document.Check().Any(d => d.Severity == Diagnostics.Severity.Error))
            throw new InvalidOperationException($"{path} has errors: run 'playbook validate {path}'");
        var compiled = PlaybookCompiler.Compile(document.Model);
        var changes = compiled.States.Where(s => s.Kind == StateKind.Step && !s.Idempotent).Select(s => s.Name).ToList();
        return new CrashPlaybook(System.IO.Path.GetFullPath(path), changes);
    }

    /// <summary>The playbook shipped beside the running assembly (the tool's or the tests').</summary>
    public static CrashPlaybook Beside() => Load(System.IO.Path.Combine(AppContext.BaseDirectory, FileName));

    /// <summary>A fresh directory for one run: the playbook copied in, no ledger yet.</summary>
    public string CopyInto(string directory)
    {
        Directory.CreateDirectory(directory);
        var copy = System.IO.Path.Combine(directory, FileName);
        File.Copy(Path, copy, overwrite: true);
        return copy;
    }

    /// <summary>The ledger's lines as the steps wrote them (none before the first change ran).</summary>
    public static IReadOnlyList<string> ReadLedger(string directory)
    {
        var path = System.IO.Path.Combine(directory, Ledger);
        return File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToList() : Array.Empty<string>();
    }
}
