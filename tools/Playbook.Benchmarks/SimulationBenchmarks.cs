using System.Globalization;
using BenchmarkDotNet.Attributes;
using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.Simulation;

namespace Playbook.Benchmarks;

/// <summary>Simulated runs per second of playbooks/partial-failure.playbook (one op = one run), next to
/// the bare Stateless machines firing exactly the transitions of the same runs (the ratio baseline).</summary>
/// <remarks>
/// <para><c>SimulatedRun</c> is what <see cref="Simulator.MonteCarloAsync"/> does per run (engine and runner from
/// <see cref="MonteCarloWorkers.NewEngine"/>: run buffers reused, no timeline): one
/// <see cref="PlaybookEngine"/>, <see cref="SimulationRunner"/> (HintMode.Sampled) and
/// <see cref="VirtualClock"/> reused, a fresh seeded <see cref="Random"/> per run given to runner and
/// engine, the clock <c>Reset()</c>. Only the collector (a List.Add and two dictionary updates) is left out.
/// Op i runs seed i mod <see cref="Runs"/>.</para>
/// <para><c>BareMachine</c> op i replays, with <see cref="MachineDriver.MoveAsync"/> (Stateless FireAsync, queued
/// mode, the guards the engine configures) on machines of the same shape the engine builds (one per
/// playbook's top level and one per parallel branch, callees included), every transition seed i mod
/// <see cref="Runs"/> fires — the caller's and its callees' — from the state the machine was in. No actions,
/// no expressions, no clock, no result. (Until 2026-11-23 it replayed only the most common path, 5 of the
/// caller's transitions, while a simulated run averages more and 45 % of runs also run a callee: that made
/// the ratio look worse than it is.)</para>
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

    /// <summary>Seeds both benchmarks cycle through: the baseline replays what exactly these runs fired.</summary>
    public const int Runs = 2_000;

    private Move[][] _replays = Array.Empty<Move[]>();
    private int _replayed;

    /// <summary>One transition to fire: the machine is set to <see cref="Source"/> (where it stood when the engine
    /// fired: for a phase's deadline, a state inside the phase), then moved along <see cref="Transition"/>.</summary>
    private readonly record struct Move(MachineDriver Machine, CompiledState Source, CompiledState From, CompiledTransition Transition);

    /// <summary>The bound inputs of the benchmarked playbook (for <see cref="MonteCarloCoresLoop"/>).</summary>
    internal IReadOnlyDictionary<string, object?> Values => _values;

    /// <summary>A simulator of the benchmarked playbook whose callees resolve through this benchmark's workspace.</summary>
    internal Simulator NewSimulator() => new(_playbook, ResolveCallee);

    [GlobalSetup]
    public void Setup()
    {
        Load();

        // Built as a Monte Carlo worker builds its engine (run buffers reused, no timeline kept).
        (_runner, _engine) = MonteCarloWorkers.NewEngine(_playbook, new SimulationScript { Mode = HintMode.Sampled }, ResolveCallee, new RunRandom(2026, 0), keepsTimeline: false);
        _clock = new VirtualClock();

        TypicalRun(Runs, out var summary);
        Console.WriteLine($"// {PlaybookFile}: {_playbook.States.Count} states; {summary}");
        _replays = RecordFires(Runs);
        var fires = _replays.Sum(r => r.Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// baseline replays the {fires} transitions of those {Runs} runs, callees' included: {fires / (double)Runs:F2} fires per run on average"));
        for (var i = 0; i < Runs; i++)
        {
            if (BareMachine() != _replays[i].Length) throw new InvalidOperationException("the replay did not fire every transition");
        }
    }

    /// <summary><paramref name="runs"/> simulated runs on this benchmark's engine, one after another.</summary>
    internal void RunMany(int runs)
    {
        for (var i = 0; i < runs; i++) SimulatedRun().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Loads, checks, compiles and binds the playbook, and nothing more: no run is made.</summary>
    internal void Load()
    {
        var path = Path.Combine(Corpus.RepositoryRoot(), "playbooks", PlaybookFile);
        _workspace = new PlaybookWorkspace();
        var document = _workspace.Load(path);
        if (document.HasErrors || document.Model is null) throw new InvalidOperationException($"{path} has errors");
        _playbook = PlaybookCompiler.Compile(document.Model);
        var (values, errors) = RunParameters.Bind(_playbook, new Dictionary<string, string>(), Simulator.PlaceholderSecret);
        if (errors.Count > 0) throw new InvalidOperationException(string.Join("; ", errors));
        _values = values;
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

    private ValueTask<RunResult> RunSeeded(int i) => RunSeeded(i, _runner, _engine, _clock);

    /// <summary>One seeded Monte Carlo run, as <see cref="Simulator.MonteCarloAsync"/> makes it: the engine's random
    /// source reseeded in place from (seed, i).</summary>
    private ValueTask<RunResult> RunSeeded(int i, SimulationRunner runner, PlaybookEngine engine, VirtualClock clock)
    {
        ((RunRandom)engine.Random).Reseed(2026, i); // the runner shares it
        clock.Reset();
        return engine.RunAsync(clock, _values);
    }

    /// <summary>The first run taking the most common path among <paramref name="runs"/> seeded runs.</summary>
    private RunResult TypicalRun(int runs, out string summary)
    {
        // An engine of its own that keeps every result whole (the benchmark's reuses its buffers and keeps no timeline).
        var random = new RunRandom(2026, 0);
        var runner = new SimulationRunner(new SimulationScript { Mode = HintMode.Sampled }, ResolveCallee, random);
        var engine = new PlaybookEngine(_playbook, runner, random);
        var clock = new VirtualClock();
        var byPath = new Dictionary<string, (int Count, RunResult First)>(StringComparer.Ordinal);
        long transitions = 0;
        var successes = 0;
        var calling = 0;
        for (var i = 0; i < runs; i++)
        {
            var result = RunSeeded(i, runner, engine, clock).AsTask().GetAwaiter().GetResult();
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

    /// <summary>Runs seeds 0 … <paramref name="runs"/>−1 on an engine of their own (a first pass creates every
    /// machine those runs use: callees' engines and branch machines are made on first use), listens on every
    /// machine with Stateless's OnTransitioned, runs the seeds again, and turns each fire into a move on a fresh
    /// machine of the same shape. The engine's internals are reached by reflection: this is set-up only.</summary>
    private Move[][] RecordFires(int runs)
    {
        var random = new RunRandom(2026, 0);
        var runner = new SimulationRunner(new SimulationScript { Mode = HintMode.Sampled }, ResolveCallee, random);
        var engine = new PlaybookEngine(_playbook, runner, random);
        var clock = new VirtualClock();
        void RunAll()
        {
            for (var i = 0; i < runs; i++) RunSeeded(i, runner, engine, clock).AsTask().GetAwaiter().GetResult();
        }
        RunAll();

        List<Move>? current = null;
        var seen = new HashSet<PlaybookEngine>();
        void Listen(PlaybookEngine e, SimulationRunner r)
        {
            if (!seen.Add(e)) return;
            var playbook = e.Playbook;
            Attach(e.Machine, new MachineDriver(playbook, playbook.States.Where(s => !s.InBranch)), playbook);
            var branches = (Dictionary<CompiledBranch, MachineDriver>)Field(e, "_branchMachines");
            foreach (var (branch, driver) in branches) Attach(driver, new MachineDriver(playbook, branch.States), playbook);
            var callees = (System.Collections.IDictionary)Field(r, "_callees");
            foreach (var value in callees.Values)
            {
                if (value is ValueTuple<PlaybookEngine, SimulationRunner> callee) Listen(callee.Item1, callee.Item2);
            }
        }
        void Attach(MachineDriver recorded, MachineDriver replay, CompiledPlaybook playbook) =>
            recorded.Machine.OnTransitioned(t => current?.Add(ToMove(replay, playbook, t.Source, t.Destination, t.Trigger)));
        Listen(engine, runner);

        var replays = new Move[runs][];
        for (var i = 0; i < runs; i++)
        {
            current = new List<Move>();
            RunSeeded(i, runner, engine, clock).AsTask().GetAwaiter().GetResult();
            replays[i] = current.ToArray();
        }
        current = null;
        return replays;
    }

    private static object Field(object target, string name) =>
        target.GetType().GetField(name, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)?.GetValue(target)
        ?? throw new InvalidOperationException($"{target.GetType().Name}.{name} not found: update SimulationBenchmarks.RecordFires");

    /// <summary>The move the engine made: a phase's deadline is fired from the phase (the machine standing in one
    /// of its states), anything else from the state itself.</summary>
    private static Move ToMove(MachineDriver machine, CompiledPlaybook playbook, int source, int destination, string trigger)
    {
        var at = playbook.States.First(s => s.Index == source);
        if (trigger == MachineDriver.Deadline)
        {
            for (var phase = at.Phase; phase is not null; phase = phase.Phase)
            {
                var t = phase.Transitions.Values.SelectMany(x => x).FirstOrDefault(x => x.Target?.Index == destination);
                if (t is not null) return new Move(machine, at, phase, t);
            }
            throw new InvalidOperationException($"no phase of '{at.Name}' has a deadline to state #{destination}");
        }
        var transition = at.Transitions.Values.SelectMany(x => x).First(x => x.Trigger == trigger && x.Target?.Index == destination);
        return new Move(machine, at, at, transition);
    }

    /// <summary>One simulated run of partial-failure (sampled hints, fresh seed each op).</summary>
    [Benchmark]
    public async ValueTask<RunStatus> SimulatedRun()
    {
        var result = await RunSeeded(_run++ % Runs).ConfigureAwait(false);
        return result.Status;
    }

    /// <summary>The bare machines: the transitions the same seeded run fires, fired and nothing else.</summary>
    [Benchmark(Baseline = true)]
    public int BareMachine()
    {
        var fired = 0;
        foreach (var move in _replays[_replayed++ % Runs])
        {
            move.Machine.Reset(move.Source);
            var pending = move.Machine.MoveAsync(move.From, move.Transition);
            if (!pending.IsCompletedSuccessfully) pending.AsTask().GetAwaiter().GetResult();
            fired++;
        }
        return fired;
    }

    /// <summary><c>--simulate [N]</c>: N simulated runs and N bare-machine replays in a plain loop, timed with a
    /// Stopwatch (after 20 000 warm-up runs of each): a quick figure, and a steady process to profile.</summary>
    public static void Loop(int runs, bool allocations = false)
    {
        var bench = new SimulationBenchmarks();
        bench.Setup();
        for (var i = 0; i < 20_000; i++) { bench.SimulatedRun().AsTask().GetAwaiter().GetResult(); bench.BareMachine(); }
        // --simulate N allocations: which types the simulated runs allocate (sampled), per run.
        using var sampler = allocations ? new AllocationSampler() : null;
        sampler?.Start();
        using var gc = new GcListener();
        var liveBefore = GC.GetTotalMemory(forceFullCollection: true);
        var (promotedBefore, _, collectionsBefore) = gc.Totals;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < runs; i++)
        {
            var pending = bench.SimulatedRun();
            if (!pending.IsCompletedSuccessfully) pending.AsTask().GetAwaiter().GetResult();
        }
        var simulated = watch.Elapsed.TotalSeconds;
        var perRun = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)runs;
        var (promotedAfter, _, collectionsAfter) = gc.Totals;
        var liveAfter = GC.GetTotalMemory(forceFullCollection: true);
        sampler?.Stop();
        sampler?.Print(runs);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"allocated per simulated run: {perRun:F0} bytes"));
        // The engine is reused for every run: what it still holds after them, less what it held before, is what runs leave behind.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"live after a full collection: {liveBefore / 1024.0:F0} KB before the runs, {liveAfter / 1024.0:F0} KB after ({(liveAfter - liveBefore) / (double)runs:F1} bytes a run); " +
            $"{collectionsAfter - collectionsBefore} collections during the runs promoted {(promotedAfter - promotedBefore) / 1024.0:F0} KB out of gen0 ({(promotedAfter - promotedBefore) / (double)runs:F1} bytes a run)"));
        (promotedBefore, _, collectionsBefore) = gc.Totals;
        allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        watch.Restart();
        for (var i = 0; i < runs; i++) bench.BareMachine();
        var bare = watch.Elapsed.TotalSeconds;
        // What Stateless itself allocates for the same fires: the floor under the simulated run's figure.
        var barePerRun = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)runs;
        (promotedAfter, _, collectionsAfter) = gc.Totals;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bare replays: {collectionsAfter - collectionsBefore} collections promoted {(promotedAfter - promotedBefore) / 1024.0:F0} KB out of gen0 ({(promotedAfter - promotedBefore) / (double)runs:F1} bytes a replay)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"allocated per bare replay of the same fires: {barePerRun:F0} bytes"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{runs} simulated runs: {simulated:F2} s, {runs / simulated:F0} runs/s ({simulated * 1e6 / runs:F1} us/run); bare machine: {runs / bare:F0} replays/s ({bare * 1e6 / runs:F1} us); ratio {simulated / bare:F1}x"));
    }
}
