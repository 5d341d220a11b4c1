using System.Diagnostics;
using System.Text.Json;

namespace Playbook.Fuzz;

/// <summary>What a pipeline worker said about one mutant: its answers; or that it was stopped (<paramref name="Stopped"/>:
/// a hang past the wall-clock cap, or slow past <see cref="CpuBudget.KillFactor"/> times its CPU budget, in the part
/// named by <paramref name="StoppedIn"/>: "pipeline" or "parity"); or that it died (a crash: its exit code and the
/// end of its stderr).</summary>
public sealed record WorkerOutcome(PipelineAnswer? Pipeline, ParityAnswer? Parity, Judgement? Stopped, string? StoppedIn, string? Crash);

public sealed class PipelineProcess(string fuzzDll, IReadOnlyList<string> warmUp) : IDisposable
{
    public const int RecycleAfter = 500;
    public const long MaxWorkingSet = 3L * 1024 * 1024 * 1024;

    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(3);
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private Process? _process;
    private Task<string>? _stderr;
    private int _served;

    /// <summary>Worker processes started so far (for the summary).</summary>
    public int Started { get; private set; }

    /// <summary>Runs one mutant. Each part is judged by the worker's CPU time: the pipeline against
    /// <paramref name="pipelineBudget"/>, the parity check (when asked) against <paramref name="parityBudget"/>;
    /// a part is stopped (the worker killed) past <see cref="CpuBudget.KillFactor"/> times its budget or the
    /// wall-clock cap. The caller judges a finished part by the CPU the worker reports for it.</summary>
    public WorkerOutcome Check(string path, bool parity, TimeSpan pipelineBudget, TimeSpan parityBudget)
    {
        if (_process is null) Start();
        var process = _process!;
        process.StandardInput.WriteLine(JsonSerializer.Serialize(new WorkerRequest(path, parity), s_json));
        process.StandardInput.Flush();
        _served++;

        var (pipelineLine, stopped, crash) = Answer(pipelineBudget, "P ");
        if (pipelineLine is null) return new WorkerOutcome(null, null, stopped, "pipeline", crash);
        var pipeline = JsonSerializer.Deserialize<PipelineAnswer>(pipelineLine, s_json);
        ParityAnswer? parityAnswer = null;
        if (parity)
        {
            var (parityLine, parityStopped, parityCrash) = Answer(parityBudget, "Q ");
            if (parityLine is null) return new WorkerOutcome(pipeline, null, parityStopped, "parity", parityCrash);
            parityAnswer = JsonSerializer.Deserialize<ParityAnswer>(parityLine, s_json);
        }
        RecycleIfDue();
        return new WorkerOutcome(pipeline, parityAnswer, null, null, null);
    }

    /// <summary>The next line from the worker, without its prefix; or null and the verdict that stopped it (the
    /// worker was killed), or a description of how the worker died.</summary>
    private (string? Line, Judgement? Stopped, string? Crash) Answer(TimeSpan budget, string prefix)
    {
        var process = _process!;
        var cpuBefore = ChildCpu.Of(process, TimeSpan.Zero);
        var seen = cpuBefore;
        var clock = Stopwatch.StartNew();
        var read = process.StandardOutput.ReadLineAsync();
        var stopped = CpuBudget.WaitOrStop(read, () => (seen = ChildCpu.Of(process, seen)) - cpuBefore, budget, clock);
        if (stopped is not null)
        {
            Stop(kill: true);
            return (null, stopped, null);
        }
        if (read.Result is { } line && line.StartsWith(prefix, StringComparison.Ordinal)) return (line[prefix.Length..], null, null);
        // The worker ended (a stack overflow is exit 134) or wrote something it should not have.
        var unexpected = read.Result;
        Stop(kill: unexpected is not null);
        return (null, null, $"worker {(unexpected is null ? "died" : $"wrote '{unexpected}'")}, exit {ExitCode}\n{Tail(_lastStderr)}");
    }

    private int? _lastExit;
    private string _lastStderr = "";

    private int? ExitCode => _lastExit;

    private void Start()
    {
        var start = new ProcessStartInfo(CliRun.DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(fuzzDll);
        start.ArgumentList.Add("--pipeline-worker");
        foreach (var path in warmUp) start.ArgumentList.Add(path);
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start the pipeline worker");
        _stderr = _process.StandardError.ReadToEndAsync();
        _served = 0;
        Started++;
        var ready = _process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(StartLimit) || ready.Result != PipelineWorker.Ready)
        {
            Stop(kill: true);
            throw new InvalidOperationException($"the pipeline worker did not start: exit {ExitCode}\n{Tail(_lastStderr)}");
        }
    }

    private void RecycleIfDue()
    {
        if (_process is null) return;
        _process.Refresh();
        if (_served >= RecycleAfter || _process.WorkingSet64 > MaxWorkingSet) Stop(kill: false);
    }

    /// <summary>Ends the worker: killed at once when it is busy (late), else asked to stop by closing its input.</summary>
    private void Stop(bool kill)
    {
        if (_process is null) return;
        try
        {
            if (kill) _process.Kill(entireProcessTree: true);
            else _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10))) _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // Already gone (it died, or the pipe broke as it did): nothing left to stop.
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        _process.WaitForExit();
        _lastExit = _process.ExitCode;
        _lastStderr = _stderr is not null && _stderr.Wait(TimeSpan.FromSeconds(5)) ? _stderr.Result : "";
        _process.Dispose();
        _process = null;
        _stderr = null;
    }

    private static string Tail(string text) => text.Length > 2_000 ? text[^2_000..] : text;

    public void Dispose() => Stop(kill: false);
}
