using Playbook.Compiling;
using Playbook.Graphs;
using Playbook.Diagnostics;
using Playbook.EngineCore;
using Playbook.Simulation;

namespace Playbook.Fuzz;

/// <summary>What the in-process pipeline did with one file.</summary>
/// <param name="Diagnostics">"line:col ID message", in the order Check() gives them.</param>
/// <param name="CheckTime">Reading, parsing and checking: what <c>playbook validate</c> spends.</param>
/// <param name="Failure">An exception that escaped the pipeline (a bug), or null.</param>
/// <param name="TimedOut">Still running after the time allowed (the thread is left behind).</param>
/// <param name="CheckCpu">The process's CPU time (all threads) spent reading, parsing and checking.</param>
/// <param name="Cpu">The process's CPU time spent on the whole pipeline: what the fuzz bound judges.</param>
public sealed record PipelineOutcome(IReadOnlyList<string> Diagnostics, bool Valid, bool Simulated, TimeSpan CheckTime, TimeSpan Elapsed, Exception? Failure, bool TimedOut,
    TimeSpan CheckCpu = default, TimeSpan Cpu = default);

/// <summary>The front end and the dry-run engine on one playbook file, in process: read → parse → check,
/// then for a file without errors compile → graph export (Mermaid and DOT) → one simulated run and a few
/// Monte Carlo runs. It runs on its own thread with a large stack, so that a recursion the depth limits
/// missed is reported as an exception or a time-out instead of killing the host; the out-of-process
/// CLI runs are what see a stack overflow as a crash.</summary>
public static class FuzzPipeline
{
    private const int StackSize = 256 * 1024 * 1024;

    public static PipelineOutcome Run(string path, TimeSpan timeout, bool simulate = true)
    {
        PipelineOutcome? outcome = null;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var thread = new Thread(() => outcome = RunHere(path, simulate), StackSize) { IsBackground = true, Name = "fuzz pipeline" };
        thread.Start();
        if (!thread.Join(timeout))
            return new PipelineOutcome(Array.Empty<string>(), false, false, watch.Elapsed, watch.Elapsed, null, TimedOut: true);
        return outcome!;
    }

    /// <summary>Only the diagnostics of a file (read → parse → check), for line-ending parity: "line:col ID".
    /// Messages are left out: PB0006 rightly names the offset of the bad byte in the file, which moves
    /// when LF becomes CRLF.</summary>
    public static IReadOnlyList<string> Diagnostics(string path) =>
        new PlaybookWorkspace().Load(path).Check().Select(d => $"{d.Start.Line}:{d.Start.Column} {d.Id}").ToList();

    private static IReadOnlyList<string> Format(IReadOnlyList<Diagnostic> diagnostics) =>
        diagnostics.Select(d => $"{d.Start.Line}:{d.Start.Column} {d.Id} {d.Message}").ToList();

    /// <summary>The pipeline on the calling thread, with no time-out (a pipeline worker is killed from outside instead).</summary>
    public static PipelineOutcome RunHere(string path, bool simulate)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var cpuAtStart = Environment.CpuUsage.TotalTime;
        TimeSpan CpuSoFar() => Environment.CpuUsage.TotalTime - cpuAtStart;
        IReadOnlyList<string> diagnostics = Array.Empty<string>();
        var checkTime = TimeSpan.Zero;
        var checkCpu = TimeSpan.Zero;
        var valid = false;
        var simulated = false;
        try
        {
            var workspace = new PlaybookWorkspace();
            var document = workspace.Load(path);
            var found = document.Check();
            checkTime = watch.Elapsed;
            checkCpu = CpuSoFar();
            diagnostics = Format(found);
            foreach (var d in found)
            {
                // Every position a diagnostic prints must lie in the file.
                if (d.Span.Start < 0 || d.Span.End > d.Source.Text.Length)
                    throw new InvalidOperationException($"{d.Id} span {d.Span} lies outside the text ({d.Source.Text.Length} characters)");
            }
            valid = document.Model is not null && !found.Any(d => d.Severity == Severity.Error);
            if (valid)
            {
                var compiled = PlaybookCompiler.Compile(document.Model!);
                _ = GraphExport.ToMermaid(compiled);
                _ = GraphExport.ToDot(compiled);
                var (values, errors) = RunParameters.Bind(compiled, new Dictionary<string, string>(), Simulator.PlaceholderSecret);
                if (simulate && errors.Count == 0)
                {
                    var callees = new Dictionary<string, CompiledPlaybook?>(StringComparer.Ordinal);
                    CompiledPlaybook? Resolve(CompiledPlaybook caller, string name)
                    {
                        if (callees.TryGetValue(name, out var known)) return known;
                        var model = workspace.Resolve(caller.Model, name, out var calleePath);
                        var callee = model is null || workspace.Load(calleePath).HasErrors ? null : PlaybookCompiler.Compile(model);
                        return callees[name] = callee;
                    }
                    var simulator = new Simulator(compiled, Resolve);
                    simulator.RunOnceAsync(new SimulationScript(), values, seed: 1).AsTask().GetAwaiter().GetResult();
                    simulator.MonteCarloAsync(20, seed: 1, values).AsTask().GetAwaiter().GetResult();
                    simulated = true;
                }
            }
            return new PipelineOutcome(diagnostics, valid, simulated, checkTime, watch.Elapsed, null, false, checkCpu, CpuSoFar());
        }
        catch (Exception e)
        {
            return new PipelineOutcome(diagnostics, valid, simulated, checkTime == TimeSpan.Zero ? watch.Elapsed : checkTime, watch.Elapsed, e, false,
                checkCpu == TimeSpan.Zero ? CpuSoFar() : checkCpu, CpuSoFar());
        }
    }

    /// <summary>The same file with every line break as LF, as CR and as CRLF. Done on bytes: CR and LF
    /// never occur inside a UTF-8 sequence, so this is exact even for a file that is not valid UTF-8.</summary>
    public static (byte[] Lf, byte[] Cr, byte[] CrLf) LineEndingVariants(byte[] bytes)
    {
        var lf = new List<byte>(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\r') { lf.Add(bytes[i]); continue; }
            lf.Add((byte)'\n');
            if (i + 1 < bytes.Length && bytes[i + 1] == (byte)'\n') i++;
        }
        var cr = lf.Select(b => b == (byte)'\n' ? (byte)'\r' : b).ToArray();
        var crlf = new List<byte>(lf.Count + lf.Count / 16);
        foreach (var b in lf)
        {
            if (b == (byte)'\n') crlf.Add((byte)'\r');
            crlf.Add(b);
        }
        return (lf.ToArray(), cr, crlf.ToArray());
    }

    /// <summary>The time a file of <paramref name="bytes"/> may take: 2 s per MiB plus a fixed allowance
    /// for everything that does not grow with the file (start-up, JIT; for wall-clock time, a loaded machine).</summary>
    public static TimeSpan Allowed(long bytes, TimeSpan allowance) =>
        allowance + TimeSpan.FromSeconds(2.0 * bytes / (1024 * 1024));
}
