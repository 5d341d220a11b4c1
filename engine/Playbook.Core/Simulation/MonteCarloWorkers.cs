using System.Runtime.ExceptionServices;
using Playbook.Compiling;
using Playbook.EngineCore;

namespace Playbook.Simulation;

/// <summary>Monte Carlo on every core: the run indices are cut into chunks that idle workers take in turn;
/// each worker has an engine of its own (Jint engines are not thread-safe; C# programs are compiled once per
/// process and instantiated per engine) and reseeds it per run from (seed, index) alone. Each run's time
/// lands in its own slot of one array and each chunk's counts in its own partial, merged in chunk order, so
/// the result does not depend on how many workers there were or which finished first.</summary>
internal sealed class MonteCarloWorkers
{
    /// <summary>Runs per chunk at most: small enough to balance the workers' loads and to report progress
    /// every 1 000 runs, large enough that taking a chunk costs nothing next to its runs.</summary>
    internal const int MaxChunk = 1_000;

    /// <summary>More workers than this would only add engines (each a Jint engine and a state machine).</summary>
    internal const int MaxWorkers = 64;

    private readonly CompiledPlaybook _playbook;
    private readonly Func<CompiledPlaybook, string, CompiledPlaybook?> _resolve;
    private readonly SimulationScript _script;
    private readonly IReadOnlyDictionary<string, object?> _parameters;
    private readonly int _seed;
    private readonly IProgress<int>? _progress;
    private readonly object _gate = new();
    private int _nextChunk = -1;
    private int _done;
    // The lowest run index that threw, and what it threw: runs after it are not started, runs before it
    // still are, so the exception reported is the one a single worker would have met first.
    private int _failedAt = int.MaxValue;
    private ExceptionDispatchInfo? _failure;

    public MonteCarloWorkers(CompiledPlaybook playbook, Func<CompiledPlaybook, string, CompiledPlaybook?> resolve, SimulationScript script,
        IReadOnlyDictionary<string, object?> parameters, int seed, IProgress<int>? progress)
    {
        _playbook = playbook;
        _resolve = resolve;
        _script = script;
        _parameters = parameters;
        _seed = seed;
        _progress = progress;
    }

    /// <summary>Called with each run's index and result as it ends (from the worker that ran it).</summary>
    public Action<int, RunResult>? EachRun { get; init; }

    public async ValueTask<MonteCarloResult> RunAsync(int runs, int workers, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(runs);
        var times = new TimeSpan[runs];
        var chunk = Math.Clamp(runs / Math.Max(1, workers * 8), 1, MaxChunk);
        var chunks = runs == 0 ? 0 : (runs - 1) / chunk + 1;
        var partials = new MonteCarloCollector[chunks];
        workers = Math.Clamp(Math.Min(workers, chunks), 1, MaxWorkers);
        if (workers == 1)
        {
            // One worker runs on the caller's thread, as Monte Carlo always did: no hand-off, and a
            // synchronous progress callback sees every report in order.
            await WorkAsync(_resolve, runs, chunk, times, partials, ct).ConfigureAwait(false);
        }
        else
        {
            // The resolver (the CLI's compiles each callee once, into a dictionary) is not thread-safe;
            // each worker calls it once per callee, so a lock costs nothing.
            CompiledPlaybook? Resolve(CompiledPlaybook caller, string name)
            {
                lock (_gate) return _resolve(caller, name);
            }
            _ = _playbook.CaptureNames; // built lazily: build it once, before the workers read it
            var tasks = new Task[workers];
            for (var w = 0; w < workers; w++)
                tasks[w] = Task.Run(() => WorkAsync(Resolve, runs, chunk, times, partials, ct).AsTask(), ct);
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        ct.ThrowIfCancellationRequested();
        _failure?.Throw();

        var collector = new MonteCarloCollector(_playbook, _seed, times);
        foreach (var part in partials) collector.Merge(part);
        return collector.Finish();
    }

    private async ValueTask WorkAsync(Func<CompiledPlaybook, string, CompiledPlaybook?> resolve, int runs, int chunk, TimeSpan[] times,
        MonteCarloCollector[] partials, CancellationToken ct)
    {
        // One random source per worker, reseeded per run from (seed, index): the same draws as a fresh one, without making one.
        var random = new RunRandom(_seed, 0);
        var (runner, engine) = NewEngine(_playbook, _script, resolve, random, keepsTimeline: EachRun is not null);
        var clock = new VirtualClock();
        int c;
        while ((c = Interlocked.Increment(ref _nextChunk)) < partials.Length)
        {
            var first = c * chunk;
            var end = Math.Min(runs, first + chunk);
            var part = new MonteCarloCollector(_playbook, _seed, times);
            for (var i = first; i < end; i++)
            {
                ct.ThrowIfCancellationRequested();
                if (i > Volatile.Read(ref _failedAt)) break;
                random.Reseed(_seed, i);
                clock.Reset();
                RunResult result;
                try
                {
                    result = await engine.RunAsync(clock, _parameters, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    Fail(i, e);
                    return;
                }
                part.Add(i, result);
                EachRun?.Invoke(i, result);
            }
            partials[c] = part;
            var done = Interlocked.Add(ref _done, end - first);
            _progress?.Report(done);
        }
    }

    /// <summary>A worker's engine and runner. They reuse their run buffers: each result is read (collected, handed to
    /// <see cref="EachRun"/>) before the next run starts. The timeline is kept only when <see cref="EachRun"/> reads it.
    /// The benchmark builds its engine here too, so it measures what Monte Carlo does.</summary>
    internal static (SimulationRunner Runner, PlaybookEngine Engine) NewEngine(CompiledPlaybook playbook, SimulationScript script,
        Func<CompiledPlaybook, string, CompiledPlaybook?> resolve, Random random, bool keepsTimeline)
    {
        var runner = new SimulationRunner(script, resolve, random) { ReuseRunBuffers = true };
        var engine = new PlaybookEngine(playbook, runner, random) { ReuseRunBuffers = true, KeepsTimeline = keepsTimeline };
        return (runner, engine);
    }

    private void Fail(int index, Exception e)
    {
        lock (_gate)
        {
            if (index >= _failedAt) return;
            _failedAt = index;
            _failure = ExceptionDispatchInfo.Capture(e);
        }
    }
}
