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

    /// <summary>Runs <paramref name="runs"/> dry runs drawing from the simulate hints. Run i uses a seed
    /// derived from (<paramref name="seed"/>, i), so the same seed gives the same result, byte for byte,
    /// whatever else changes.</summary>
    public async ValueTask<MonteCarloResult> MonteCarloAsync(int runs, int seed, IReadOnlyDictionary<string, object?> parameters, SimulationScript? fixedScript = null,
        IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var script = new SimulationScript { Mode = HintMode.Sampled };
        if (fixedScript is not null)
        {
            foreach (var (k, v) in fixedScript.Steps) script.Steps[k] = v;
            foreach (var (k, v) in fixedScript.Failures) script.Failures[k] = v;
            foreach (var (k, v) in fixedScript.Answers) script.Answers[k] = v;
        }
        var random = new Random(seed);
        var runner = new SimulationRunner(script, _resolve, random);
        var engine = new PlaybookEngine(_playbook, runner, random);
        var clock = new VirtualClock();
        var collector = new MonteCarloCollector(_playbook, runs, seed);
        for (var i = 0; i < runs; i++)
        {
            var runRandom = new Random(unchecked((seed * 1_000_003) ^ (i * 486_187_739) ^ 0x5bd1e995)); // not HashCode.Combine: it is randomized per process
            runner.Random = runRandom;
            engine.Random = runRandom;
            clock.Reset();
            var result = await engine.RunAsync(clock, parameters, ct).ConfigureAwait(false);
            collector.Add(result);
            if (progress is not null && (i + 1) % 1000 == 0) progress.Report(i + 1);
        }
        return collector.Finish();
    }
}
