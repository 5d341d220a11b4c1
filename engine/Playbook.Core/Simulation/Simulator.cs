using Playbook.Compiling;
using Playbook.EngineCore;

namespace Playbook.Simulation;

/// <summary>Dry runs of one compiled playbook on a virtual clock: <c>playbook simulate</c> and
/// <c>playbook test</c> use this; so does Monte Carlo, with one engine reused for every run.</summary>
public sealed class Simulator
{
    private readonly CompiledPlaybook _playbook;
    private readonly Func<CompiledPlaybook, string, CompiledPlaybook?> _resolve;

    public Simulator(CompiledPlaybook playbook, Func<CompiledPlaybook, string, CompiledPlaybook?> resolveCallee)
    {
        _playbook = playbook;
        _resolve = resolveCallee;
    }

    /// <summary>Secrets in a dry run are placeholders: nothing real is needed, and nothing real can leak.</summary>
    public static string? PlaceholderSecret(string name) => $"<secret {name}>";

    public async ValueTask<RunResult> RunOnceAsync(SimulationScript script, IReadOnlyDictionary<string, object?> parameters, int seed = 0, CancellationToken ct = default)
    {
        var random = new Random(seed);
        var runner = new SimulationRunner(script, _resolve, random);
        var engine = new PlaybookEngine(_playbook, runner, random);
        return await engine.RunAsync(new VirtualClock(), parameters, ct).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="runs"/> dry runs drawing from the simulate hints, on
    /// <paramref name="workers"/> threads (default: every core; see <see cref="MonteCarloWorkers"/>). Run i uses
    /// a seed derived from (<paramref name="seed"/>, i) alone, so the same seed gives the same result, byte for
    /// byte, whatever the number of workers or the order they finish in. <paramref name="eachRun"/>, when given,
    /// sees every run's result (with its index) as it ends, on the worker that ran it: a report reads each
    /// phase's time from it. That result is valid only during the call: the worker refills its lists for its next run.</summary>
    public ValueTask<MonteCarloResult> MonteCarloAsync(int runs, int seed, IReadOnlyDictionary<string, object?> parameters, SimulationScript? fixedScript = null,
        IProgress<int>? progress = null, CancellationToken ct = default, int? workers = null, Action<int, RunResult>? eachRun = null)
    {
        var script = new SimulationScript { Mode = HintMode.Sampled };
        if (fixedScript is not null)
        {
            foreach (var (k, v) in fixedScript.Steps) script.Steps[k] = v;
            foreach (var (k, v) in fixedScript.Failures) script.Failures[k] = v;
            foreach (var (k, v) in fixedScript.Answers) script.Answers[k] = v;
            foreach (var (k, v) in fixedScript.Foreach) script.Foreach[k] = v;
        }
        return new MonteCarloWorkers(_playbook, _resolve, script, parameters, seed, progress) { EachRun = eachRun }
            .RunAsync(runs, workers ?? Environment.ProcessorCount, ct);
    }
}
