using System.Globalization;
using BenchmarkDotNet.Attributes;
using Playbook.Compiling;
using Playbook.Runtime;
using Playbook.Simulation;

namespace Playbook.Benchmarks;

/// <summary>Simulated runs per second of playbooks/partial-failure.playbook (one op = one run), next to
/// the bare Stateless machine firing the same transitions a typical run takes (the ratio baseline).</summary>
/// <remarks>
/// <para><c>SimulatedRun</c> is what <see cref="Simulator.MonteCarloAsync"/> does per run: one
/// <see cref="PlaybookEngine"/>, <see cref="SimulationRunner"/> (HintMode.Sampled) and
/// <see cref="VirtualClock"/> reused, a fresh seeded <see cref="Random"/> per run given to runner and
/// engine, the clock <c>Reset()</c>. Only the collector (a List.Add and two dictionary updates) is left out.</para>
/// <para><c>BareMachine</c> replays, with <see cref="MachineDriver.MoveAsync"/> (Stateless FireAsync, queued
/// mode, a guard per transition) on the same machines the engine builds (the top-level one and one per
/// parallel branch), the (state, transition) sequence of one real run: the most common path of 2 000
/// seeded runs. No actions, no expressions, no clock, no result.</para>
/// </remarks>
[MemoryDiagnoser]
public class SimulationBenchmarks
{
    public const string PlaybookFile = "partial-failure.playbook";

    private readonly Dictionary<string, CompiledPlaybook?> _callees = new(StringComparer.Ordinal);
    private PlaybookWorkspace _workspace = null!;
    private CompiledPlaybook _playbook = null!;
    private Dictionary<string, object?> _values = null!;
    private PlaybookEngine _engine = null!;
    private SimulationRunner _runner = null!;
    private VirtualClock _clock = null!;
    private int _run;

    private MachineDriver _top = null!;
    private Move[] _replay = Array.Empty<Move>();

    /// <summary>One transition to fire; <see cref="ResetTo"/> is set where the engine (re)starts a branch's
    /// machine at the branch's entry (the top-level machine is reset once per run, as the engine does).</summary>
    private readonly record struct Move(MachineDriver Machine, CompiledState? ResetTo, CompiledState From, CompiledTransition Transition);

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(Corpus.RepositoryRoot(), "playbooks", PlaybookFile);
        _workspace = new PlaybookWorkspace();
        var document = _workspace.Load(path);
        if (document.HasErrors || document.Model is null) throw new InvalidOperationException($"{path} has errors");
        _playbook = PlaybookCompiler.Compile(document.Model);
        var (values, errors) = RunParameters.Bind(_playbook, new Dictionary<string, string>(), Simulator.PlaceholderSecret);
        if (errors.Count > 0) throw new InvalidOperationException(string.Join("; ", errors));
        _values = values;

        var random = new Random(0);
        _runner = new SimulationRunner(new SimulationScript { Mode = HintMode.Sampled }, ResolveCallee, random);
        _engine = new PlaybookEngine(_playbook, _runner, random);
        _clock = new VirtualClock();

        var typical = TypicalRun(2_000, out var summary);
        Console.WriteLine($"// {PlaybookFile}: {_playbook.States.Count} states; {summary}");
        BuildReplay(typical);
        Console.WriteLine($"// baseline replays {_replay.Length} transitions ({_replay.Count(m => m.ResetTo is not null)} branch machine resets) of a run ending '{typical.End}': {string.Join(", ", typical.Taken.Select(t => $"{t.From}#{t.Index}"))}");
        if (BareMachine() != _replay.Length) throw new InvalidOperationException("the replay did not fire every transition");
    }

    /// <summary>Called playbooks, each loaded through the one workspace and compiled once.</summary>
    private CompiledPlaybook? ResolveCallee(CompiledPlaybook caller, string name)
    {
        var model = _workspace.Resolve(caller.Model, name, out var path);
        if (model is null) return null;
        var key = Path.GetFullPath(path);
        if (_callees.TryGetValue(key, out var known)) return known;
        var document = _workspace.Load(path);
        return _callees[key] = document.HasErrors || document.Model is null ? null : PlaybookCompiler.Compile(document.Model);
    }

    /// <summary>One seeded Monte Carlo run, as <see cref="Simulator.MonteCarloAsync"/> makes it.</summary>
    private ValueTask<RunResult> RunSeeded(int i)
    {
        var runRandom = new Random(unchecked((2026 * 1_000_003) ^ (i * 486_187_739) ^ 0x5bd1e995));
        _runner.Random = runRandom;
        _engine.Random = runRandom;
        _clock.Reset();
        return _engine.RunAsync(_clock, _values);
    }

    /// <summary>The first run taking the most common path among <paramref name="runs"/> seeded runs.</summary>
    private RunResult TypicalRun(int runs, out string summary)
    {
        var byPath = new Dictionary<string, (int Count, RunResult First)>(StringComparer.Ordinal);
        long transitions = 0;
        var successes = 0;
        var calling = 0;
        for (var i = 0; i < runs; i++)
        {
            var result = RunSeeded(i).AsTask().GetAwaiter().GetResult();
            transitions += result.Taken.Count;
            if (result.Status == RunStatus.Success) successes++;
            if (result.Timeline.Any(t => _playbook.ByName.TryGetValue(t.State, out var s) && s.Action?.CallTarget is not null)) calling++;
            var key = string.Join(" ", result.Path);
            byPath[key] = byPath.TryGetValue(key, out var known) ? (known.Count + 1, known.First) : (1, result);
        }
        var (count, first) = byPath.Values.MaxBy(v => v.Count);
        summary = string.Create(CultureInfo.InvariantCulture,
            $"{runs} runs: {successes * 100.0 / runs:F1}% success, {byPath.Count} distinct paths, {transitions / (double)runs:F1} transitions per run on average (callees' not counted), {calling * 100.0 / runs:F1}% call another playbook; the most common path ({count} runs) has {first.Taken.Count}");
        return first;
    }

    private void BuildReplay(RunResult run)
    {
        _top = new MachineDriver(_playbook, _playbook.States.Where(s => !s.InBranch));
        var branchOf = new Dictionary<CompiledState, CompiledBranch>();
        foreach (var branch in _playbook.States.SelectMany(s => s.Branches))
            foreach (var state in branch.States) branchOf[state] = branch;
        var machines = new Dictionary<CompiledBranch, MachineDriver>();
        var current = new Dictionary<MachineDriver, int> { [_top] = _playbook.Start.Index };
        var moves = new List<Move>();
        foreach (var (fromName, index) in run.Taken)
        {
            var from = _playbook.ByName[fromName];
            var transition = from.Transitions.Values.SelectMany(t => t).First(t => t.Index == index);
            var machine = _top;
            CompiledState? reset = null;
            if (branchOf.TryGetValue(from, out var branch))
            {
                if (!machines.TryGetValue(branch, out machine!)) machines[branch] = machine = new MachineDriver(_playbook, branch.States);
                // A branch's machine restarts at its entry each time the parallel runs it.
                if (!current.TryGetValue(machine, out var at) || (at != from.Index && from.Kind != Semantics.StateKind.Phase))
                    reset = branch.Entry;
            }
            moves.Add(new Move(machine, reset, from, transition));
            current[machine] = transition.Target!.Index;
        }
        _replay = moves.ToArray();
    }

    /// <summary>One simulated run of partial-failure (sampled hints, fresh seed each op).</summary>
    [Benchmark]
    public async ValueTask<RunStatus> SimulatedRun()
    {
        var result = await RunSeeded(_run++).ConfigureAwait(false);
        return result.Status;
    }

    /// <summary>The bare machine: the same transitions as a typical run, fired and nothing else.</summary>
    [Benchmark(Baseline = true)]
    public int BareMachine()
    {
        _top.Reset(_playbook.Start);
        var fired = 0;
        foreach (var move in _replay)
        {
            if (move.ResetTo is not null) move.Machine.Reset(move.ResetTo);
            var pending = move.Machine.MoveAsync(move.From, move.Transition);
            if (!pending.IsCompletedSuccessfully) pending.AsTask().GetAwaiter().GetResult();
            fired++;
        }
        return fired;
    }

    /// <summary><c>--simulate [N]</c>: N simulated runs and N bare-machine replays in a plain loop, timed with a
    /// Stopwatch (after 20 000 warm-up runs of each): a quick figure, and a steady process to profile.</summary>
    public static void Loop(int runs)
    {
        var bench = new SimulationBenchmarks();
        bench.Setup();
        for (var i = 0; i < 20_000; i++) { bench.SimulatedRun().AsTask().GetAwaiter().GetResult(); bench.BareMachine(); }
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < runs; i++)
        {
            var pending = bench.SimulatedRun();
            if (!pending.IsCompletedSuccessfully) pending.AsTask().GetAwaiter().GetResult();
        }
        var simulated = watch.Elapsed.TotalSeconds;
        watch.Restart();
        for (var i = 0; i < runs; i++) bench.BareMachine();
        var bare = watch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{runs} simulated runs: {simulated:F2} s, {runs / simulated:F0} runs/s ({simulated * 1e6 / runs:F1} us/run); bare machine: {runs / bare:F0} replays/s ({bare * 1e6 / runs:F1} us); ratio {simulated / bare:F1}x"));
    }
}
