using Playbook.Compiling;
using Playbook.Semantics;

namespace Playbook.CrashTest;

/// <summary>The playbook the harness kills (crash.playbook beside the tool): its convention is that every
/// step that is not idempotent appends its own name to ledger.txt in the run's directory, once per time it
/// actually ran (a step in a foreach: its name, '-', the item, once per item). The list of those steps is read from the playbook itself, so the two cannot drift apart.</summary>
public sealed class CrashPlaybook
{
    public const string FileName = "crash.playbook";

    public const string Ledger = "ledger.txt";

    private CrashPlaybook(string path, IReadOnlyList<(string Address, string Line)> writes)
    {
        Path = path;
        Writes = writes;
        Changes = writes.Select(w => w.Line).ToList();
    }

    public string Path { get; }

    /// <summary>The lines the non-idempotent steps write to the ledger: a step's name, or for a step in a foreach
    /// its name and the item (<c>put-i3</c>), once per item.</summary>
    public IReadOnlyList<string> Changes { get; }

    /// <summary>Each change with how <c>--answer</c> names it: the step, or one item's step (<c>each-item[3]/put</c>).</summary>
    public IReadOnlyList<(string Address, string Line)> Writes { get; }

    public static CrashPlaybook Load(string path)
    {
        var document = new PlaybookWorkspace().Load(path);
        if (document.Model is null || document.Check().Any(d => d.Severity == Diagnostics.Severity.Error))
            throw new InvalidOperationException($"{path} has errors: run 'playbook validate {path}'");
        var compiled = PlaybookCompiler.Compile(document.Model);
        // A foreach walks its list input's default (the harness gives no inputs).
        var (inputs, _) = EngineCore.RunParameters.Bind(compiled, new Dictionary<string, string>(), _ => null);
        var writes = new List<(string, string)>();
        foreach (var step in compiled.States.Where(s => s.Kind == StateKind.Step && !s.Idempotent))
        {
            var loop = compiled.States.FirstOrDefault(s => s.Kind == StateKind.Foreach && s.Branches[0].States.Contains(step));
            if (loop is null)
            {
                writes.Add((step.Name, step.Name));
                continue;
            }
            var items = inputs.TryGetValue(loop.Foreach!.List.Code.Trim(), out var v) && v is System.Collections.IList list ? list : throw new InvalidOperationException(
                $"{path}: foreach '{loop.Name}' must walk a list input, so the harness knows its items");
            for (var i = 0; i < items.Count; i++)
                writes.Add(($"{loop.Name}[{i + 1}]/{step.Name}", $"{step.Name}-{EngineCore.RunScope.Display(items[i])}"));
        }
        return new CrashPlaybook(System.IO.Path.GetFullPath(path), writes);
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
