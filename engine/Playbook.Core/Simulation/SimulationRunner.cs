using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.Semantics;

namespace Playbook.Simulation;

/// <summary>The action runner of a dry run: nothing is executed; each attempt returns what the
/// scenario (or a --fail/--answer option) says, or else what the state's simulate hints suggest, and
/// spends its simulated duration on the virtual clock.</summary>
public sealed class SimulationRunner : IActionRunner, IForeachScript
{
    private readonly SimulationScript _script;
    private readonly Func<CompiledPlaybook, string, CompiledPlaybook?> _resolve;
    // Callees are resolved, compiled and given an engine once per runner: Monte Carlo calls them thousands of times.
    private readonly Dictionary<(string CallerPath, string Name), (PlaybookEngine Engine, SimulationRunner Runner)?> _callees = new();

    public SimulationRunner(SimulationScript script, Func<CompiledPlaybook, string, CompiledPlaybook?> resolveCallee, Random? random = null)
    {
        _script = script;
        _resolve = resolveCallee;
        Random = random ?? new Random(0);
    }

    /// <summary>Draws durations and failures in <see cref="HintMode.Sampled"/> mode; reseeded per Monte Carlo run.</summary>
    public Random Random { get; set; }

    /// <summary>Monte Carlo: callees' engines reuse their run buffers (<see cref="PlaybookEngine.ReuseRunBuffers"/>)
    /// and keep no timeline, and a call reuses one clock. A callee's result is read at once by the calling step.</summary>
    internal bool ReuseRunBuffers { get; set; }

    private VirtualClock? _calleeClock;

    // Monte Carlo: the arguments each callee was last called with and the inputs they bound to. A call's arguments
    // are most often the same every run ("worker = \"api-gateway\""): the same arguments again reuse those inputs,
    // so the call binds nothing, and the callee's engine, handed the very same inputs, renews its scope instead of
    // clearing it and reloading every value into its expression engine (see PlaybookEngine.RunCoreAsync). Kept only
    // when every argument and input is a scalar: a list may have been changed in place by the run that read it.
    private readonly Dictionary<(string CallerPath, string Name), (Dictionary<string, object?> Arguments, Dictionary<string, object?> Values)> _lastCalls = new();

    // The results of an attempt that produced nothing but its outcome, made once: most simulated attempts.
    private static readonly AttemptResult Failed = new("fail");
    private static readonly AttemptResult TimedOut = new("timeout");

    private static AttemptResult Result(string outcome, IReadOnlyDictionary<string, object?>? outputs, IReadOnlyDictionary<string, object?>? captures)
    {
        if (outputs is not null || captures is not null) return new AttemptResult(outcome, outputs, captures);
        return outcome switch
        {
            "ok" => AttemptResult.Ok,
            "fail" => Failed,
            "timeout" => TimedOut,
            _ => new AttemptResult(outcome),
        };
    }

    public async ValueTask<AttemptResult> RunAsync(AttemptRequest request, CancellationToken cancellationToken)
    {
        var state = request.State;
        // A foreach item's states may be scripted on their own ("dead-letter[2]/move") before the state as a whole.
        var script = (_script.Steps.Count > 0 && request.Branch is { } item && item.EndsWith(']') ? _script.For(item + "/" + state.Name, request.Attempt) : null)
            ?? _script.For(state.Name, request.Attempt);
        var hint = state.Simulate;

        var outcome = script?.Outcome ?? Forced(state.Name, request.Attempt) ?? Drawn(hint) ?? "ok";
        var duration = script?.Duration ?? Duration(hint);
        if (outcome == "timeout")
        {
            // A timed-out attempt takes the whole limit (the step's timeout, or what its phase has left).
            duration = request.Limit ?? duration;
        }
        if (request.Limit is { } limit && duration > limit)
        {
            duration = limit;
            outcome = "timeout";
        }
        await request.Clock.DelayAsync(duration, cancellationToken).ConfigureAwait(false);

        var outputs = script?.Outputs ?? hint?.Outputs;
        if (outcome == "ok" && script is null && state.Action?.Script is { } code)
        {
            // An unscripted script step runs its expression: it is pure, so a dry run may evaluate it.
            try
            {
                outputs = new Dictionary<string, object?> { ["result"] = request.Scope.Evaluate(code) };
            }
            catch (ExpressionFailedException e)
            {
                return new AttemptResult("fail", Message: e.Message);
            }
        }
        return Result(outcome, outputs, script?.Captures);
    }

    /// <summary>A dry run answers from the scenario, the options or the default, never from what the question says.</summary>
    public bool ReadsPrompts => false;

    public async ValueTask<ManualAnswer> AskAsync(ManualRequest request, CancellationToken cancellationToken)
    {
        // A foreach item's manual step may be answered on its own ("write-each[2]/approve"), before the step as a whole.
        var item = (_script.Steps.Count > 0 || _script.Answers.Count > 0) && request.Branch is { } b && b.EndsWith(']') ? b + "/" + request.State.Name : null;
        var script = (item is null ? null : _script.For(item, 1)) ?? _script.For(request.State.Name, 1);
        var answered = (item is null ? null : _script.For(item, 1)?.Outcome ?? (_script.Answers.TryGetValue(item, out var ia) ? ia : null))
            ?? script?.Outcome ?? (_script.Answers.TryGetValue(request.State.Name, out var a) ? a : null);
        // Nobody answered (no scenario entry, no --answer): approve, and say it was the default.
        var answer = answered ?? "approve";
        var duration = script?.Duration ?? TimeSpan.Zero;
        if (answer == "timeout") duration = request.Timeout ?? duration;
        if (request.Timeout is { } limit && duration >= limit && answer != "timeout")
        {
            duration = limit;
            answer = "timeout";
        }
        await request.Clock.DelayAsync(duration, cancellationToken).ConfigureAwait(false);
        return new ManualAnswer(answer, answered is null ? ManualAnswer.Default : "scenario");
    }

    public async ValueTask<RunResult> CallAsync(AttemptRequest request, CancellationToken cancellationToken)
    {
        var state = request.State;
        // A foreach item's states may be scripted on their own ("dead-letter[2]/move") before the state as a whole.
        var script = (_script.Steps.Count > 0 && request.Branch is { } item && item.EndsWith(']') ? _script.For(item + "/" + state.Name, request.Attempt) : null)
            ?? _script.For(state.Name, request.Attempt);
        if (script is not null || Forced(state.Name, request.Attempt) is not null)
        {
            // The scenario says how the call went: no need to run the callee. The time it took tells the
            // engine whether it timed out.
            var before = request.Clock.Elapsed;
            var result = await RunAsync(request, cancellationToken).ConfigureAwait(false);
            return new RunResult(result.Outcome == "ok" ? "scripted" : null,
                result.Outcome == "ok" ? RunStatus.Success : RunStatus.Failure,
                Array.Empty<string>(), Array.Empty<TimelineEntry>(), request.Clock.Elapsed - before, new Dictionary<string, object?>(), new Dictionary<string, int>(), null);
        }

        var key = (request.Playbook.Path, state.Action!.CallTarget!);
        if (!_callees.TryGetValue(key, out var known))
        {
            // The callee runs with default behaviour (every step as its hints say), on its own clock from now.
            var resolved = _resolve(request.Playbook, key.Item2);
            var runner = new SimulationRunner(new SimulationScript { Mode = _script.Mode }, _resolve, Random);
            runner.ReuseRunBuffers = ReuseRunBuffers;
            _callees[key] = known = resolved is null ? null
                : (new PlaybookEngine(resolved, runner, Random) { ReuseRunBuffers = ReuseRunBuffers, KeepsTimeline = !ReuseRunBuffers }, runner);
        }
        if (known is not { } callee0)
            return new RunResult(null, RunStatus.Aborted, Array.Empty<string>(), Array.Empty<TimelineEntry>(), TimeSpan.Zero,
                new Dictionary<string, object?>(), new Dictionary<string, int>(), $"playbook '{state.Action.CallTarget}' not found");
        var (engine, calleeRunner) = callee0;
        // Draw from this run's random source, so Monte Carlo runs stay independent and reproducible.
        engine.Random = Random;
        calleeRunner.Random = Random;
        var callee = engine.Playbook;
        var arguments = request.Scope.CallArguments(state.Action);
        Dictionary<string, object?> values;
        if (ReuseRunBuffers && _lastCalls.TryGetValue(key, out var last) && RunScope.SameValues(last.Arguments, arguments)) values = last.Values;
        else
        {
            (values, var errors) = RunParameters.BindObjects(callee, arguments, name => $"<secret {name}>");
            if (errors.Count > 0)
                return new RunResult(null, RunStatus.Aborted, Array.Empty<string>(), Array.Empty<TimelineEntry>(), TimeSpan.Zero,
                    new Dictionary<string, object?>(), new Dictionary<string, int>(), string.Join("; ", errors));
            if (ReuseRunBuffers && RunScope.AllScalars(arguments) && RunScope.AllScalars(values)) _lastCalls[key] = (arguments, values);
        }
        var clock = ReuseRunBuffers ? (_calleeClock ??= new VirtualClock()).Restart(request.Clock.Now, TimeSpan.Zero) : new VirtualClock(request.Clock.Now);
        var called = await engine.RunAsync(clock, values, cancellationToken).ConfigureAwait(false);
        var spent = request.Limit is { } limit && called.Elapsed > limit ? limit : called.Elapsed;
        await request.Clock.DelayAsync(spent, cancellationToken).ConfigureAwait(false);
        return called;
    }

    public IReadOnlyList<object?>? ItemsFor(CompiledState foreachState, Func<IReadOnlyList<object?>?> visible)
    {
        if (_script.Foreach.TryGetValue(foreachState.Name, out var given) && given.Items is not null) return given.Items;
        if (_script.Mode != HintMode.Sampled || foreachState.Foreach?.ItemsHint is not { } hint) return null;
        // Monte Carlo: a count drawn uniformly from A..B with this run's random source (so the result depends on
        // the seed and run index only). The items are the visible list repeated, or 1..n when it is empty.
        var count = hint.Min + Random.Next(hint.Max - hint.Min + 1);
        var seen = visible();
        var items = new List<object?>(count);
        for (var i = 0; i < count; i++) items.Add(seen is { Count: > 0 } ? seen[i % seen.Count] : (object)(long)(i + 1));
        return items;
    }

    public string? OutcomeFor(CompiledState foreachState, object? item) =>
        _script.Foreach.TryGetValue(foreachState.Name, out var given) && given.Outcomes.TryGetValue(RunScope.Display(item), out var outcome) ? outcome : null;

    private string? Forced(string state, int attempt) =>
        _script.Failures.TryGetValue(state, out var n) && attempt <= n ? "fail" : null;

    private string? Drawn(SimulateHint? hint)
    {
        if (_script.Mode != HintMode.Sampled || hint?.FailPercent is not { } p || p <= 0) return null;
        return Random.NextDouble() * 100 < p ? "fail" : null;
    }

    private TimeSpan Duration(SimulateHint? hint)
    {
        if (hint?.Min is not { } min) return TimeSpan.Zero;
        var max = hint.Max ?? min;
        if (_script.Mode == HintMode.Sampled)
            return min + TimeSpan.FromTicks((long)(Random.NextDouble() * (max - min).Ticks));
        return min + (max - min) / 2;
    }
}
