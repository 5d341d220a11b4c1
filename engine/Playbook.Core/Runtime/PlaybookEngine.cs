using Playbook.Compiling;
using Playbook.Semantics;
using Playbook.Text;

namespace Playbook.Runtime;

/// <summary>The engine core: drives a compiled playbook through its state machine, one state at a
/// time, asking an <see cref="IActionRunner"/> for each attempt. Retries and backoff (jitter from the
/// engine's seeded random source), timeouts, waits, polling, phase deadlines and parallel joins live
/// here and go through one <see cref="RunClock"/>; simulation and real runs differ only in the runner
/// and the clock. An engine is not thread-safe: use one per thread, and reuse it for many runs.</summary>
public sealed class PlaybookEngine
{
    /// <summary>A run that takes more transitions than this is stopped as aborted: it is looping.</summary>
    public const int MaxTransitions = 10_000;

    private readonly CompiledPlaybook _playbook;
    private readonly IActionRunner _runner;
    private readonly RunScope _scope;
    private readonly MachineDriver _machine;
    private readonly Dictionary<CompiledBranch, MachineDriver> _branchMachines = new();
    private Random _random;

    public PlaybookEngine(CompiledPlaybook playbook, IActionRunner runner, Random? random = null)
    {
        _playbook = playbook;
        _runner = runner;
        _random = random ?? new Random(0);
        _scope = new RunScope(new ExpressionRuntime(playbook));
        _machine = new MachineDriver(playbook, playbook.States.Where(s => !s.InBranch));
    }

    public CompiledPlaybook Playbook => _playbook;

    /// <summary>The random source for jitter (and for the runner, if it shares it). Monte Carlo reseeds it per run.</summary>
    public Random Random
    {
        get => _random;
        set => _random = value;
    }

    public MachineDriver Machine => _machine;

    /// <summary>Runs the playbook from its start to an end (or until it aborts).</summary>
    public async ValueTask<RunResult> RunAsync(RunClock clock, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken = default)
    {
        _scope.Clear();
        // Every capture exists from the start, as null until a step sets it: a guard that reads a capture
        // of a step that did not run (or ran without output, in a dry run) sees null, not an error.
        foreach (var name in _playbook.CaptureNames) _scope.Set(name, null);
        foreach (var (name, value) in parameters) _scope.Set(name, value);
        foreach (var let in _playbook.Lets)
        {
            try
            {
                _scope.Set(let.Name, let.Value switch
                {
                    CompiledExpression e => _scope.Evaluate(e),
                    CompiledTemplate t => _scope.Render(t),
                    var v => v,
                });
            }
            catch (ExpressionFailedException e)
            {
                return new RunResult(null, RunStatus.Aborted, Array.Empty<string>(), Array.Empty<TimelineEntry>(), TimeSpan.Zero,
                    _scope.Captures, new Dictionary<string, int>(), $"{Where(e.Expression)}: let '{let.Name}' failed: {e.Message}");
            }
        }
        var run = new Run(clock);
        _machine.Reset(_playbook.Start);
        var flow = await RunStatesAsync(_playbook.Start, run, clock, branch: null, _machine, cancellationToken).ConfigureAwait(false);
        var timeline = TimelineEntry.InOrder(run.Timeline);
        return new RunResult(
            flow.End?.Name,
            flow.End is null ? RunStatus.Aborted : flow.End.Success ? RunStatus.Success : RunStatus.Failure,
            run.Path,
            timeline,
            clock.Elapsed,
            _scope.Captures,
            run.Attempts,
            flow.Reason) { Taken = run.Taken };
    }

    /// <summary>The values the last run's expressions read (inputs, secrets, lets, captures).</summary>
    public RunScope Scope => _scope;

    private sealed class Run(RunClock clock)
    {
        public RunClock Clock { get; } = clock;
        // Sized for a typical run, so a Monte Carlo loop does not regrow them every time.
        public List<string> Path { get; } = new(32);
        public List<TimelineEntry> Timeline { get; } = new(32);
        public Dictionary<string, int> Attempts { get; } = new(32, StringComparer.Ordinal);
        public int Transitions { get; set; }
        public List<(string From, int Index)> Taken { get; } = new(32);
    }

    /// <summary>How a sequence of states finished: at an end state, by leaving a branch with an outcome, or aborted.</summary>
    private readonly record struct Flow(CompiledState? End, string? BranchOutcome, string? Reason)
    {
        public static Flow Aborted(string reason) => new(null, null, reason);
    }

    /// <summary>The result of one state: its outcome, or that its phase's deadline passed, or the decide's choice.</summary>
    private readonly record struct StepOutcome(string Outcome, bool DeadlineHit = false, CompiledTransition? Chosen = null, string? AbortReason = null,
        IReadOnlyDictionary<string, object?>? Outputs = null);

    private async ValueTask<Flow> RunStatesAsync(CompiledState start, Run run, RunClock clock, string? branch, MachineDriver machine, CancellationToken ct)
    {
        var state = start;
        CompiledState? phase = null;
        TimeSpan? deadline = null;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (++run.Transitions > MaxTransitions)
                return Flow.Aborted($"the run took more than {MaxTransitions} transitions: it is looping (last state '{state.Name}')");
            if (state.Phase != phase)
            {
                phase = state.Phase;
                deadline = phase?.Budget is { } budget ? clock.Elapsed + budget : null;
            }
            run.Path.Add(state.Name);
            if (state.Kind == StateKind.End) return new Flow(state, null, null);

            var result = await ExecuteAsync(state, run, clock, branch, deadline, ct).ConfigureAwait(false);
            if (result.AbortReason is not null) return Flow.Aborted(result.AbortReason);

            CompiledState from;
            CompiledTransition? transition;
            if (result.DeadlineHit)
            {
                from = phase!;
                transition = Choose(phase!.TransitionsFor("timeout"), null, out var why);
                if (why is not null) return Flow.Aborted(why);
                if (transition is null)
                    return Flow.Aborted($"phase '{phase.Name}' ran out of its {DurationText.Format(phase.Budget!.Value)} budget in '{state.Name}' and has no 'on timeout'");
            }
            else
            {
                from = state;
                if (state.Kind == StateKind.Decide)
                {
                    transition = result.Chosen;
                }
                else
                {
                    // 'on … when' guards read the result of the state's last attempt.
                    transition = Choose(state.TransitionsFor(result.Outcome), result.Outputs, out var why);
                    if (why is not null) return Flow.Aborted(why);
                }
                if (transition is null)
                {
                    if (branch is not null) return new Flow(null, result.Outcome, null);
                    return Flow.Aborted(state.Kind == StateKind.Decide
                        ? $"decide '{state.Name}': no guard held and it has no 'else'"
                        : $"{state.Symbol.KindName} '{state.Name}' ended '{result.Outcome}' and has no transition for it");
                }
            }
            await machine.MoveAsync(from, transition).ConfigureAwait(false);
            run.Taken.Add((from.Name, transition.Index));
            state = transition.Target!;
        }
    }

    /// <summary>The first transition whose guard holds. A guard that fails to evaluate stops the run
    /// with a message pointing at the guard.</summary>
    private CompiledTransition? Choose(IReadOnlyList<CompiledTransition> transitions, IReadOnlyDictionary<string, object?>? outputs, out string? failure)
    {
        failure = null;
        for (var i = 0; i < transitions.Count; i++) // not foreach: the interface's enumerator would be boxed
        {
            var t = transitions[i];
            if (t.Guard is null) return t;
            try
            {
                if (_scope.Test(t.Guard, outputs)) return t;
            }
            catch (ExpressionFailedException e)
            {
                failure = $"{Where(e.Expression)}: the guard `{e.Expression.Code}` failed: {e.Message}";
                return null;
            }
        }
        return null;
    }

    private string Where(CompiledExpression expression)
    {
        var p = _playbook.Model.Source.GetPosition(expression.Syntax.CodeSpan.Start);
        return $"{_playbook.Path}:{p.Line}:{p.Column}";
    }

    private static TimeSpan? Remaining(RunClock clock, TimeSpan? deadline) => deadline is { } d ? d - clock.Elapsed : null;

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private ValueTask<StepOutcome> ExecuteAsync(CompiledState state, Run run, RunClock clock, string? branch, TimeSpan? deadline, CancellationToken ct) =>
        state.Kind switch
        {
            StateKind.Step => StepAsync(state, run, clock, branch, deadline, ct),
            StateKind.Decide => ValueTask.FromResult(Decide(state, run, clock, branch)),
            StateKind.Wait => state.Until is null ? PauseAsync(state, run, clock, branch, deadline, ct) : PollAsync(state, run, clock, branch, deadline, ct),
            StateKind.Manual => ManualAsync(state, run, clock, branch, deadline, ct),
            StateKind.Parallel => ParallelAsync(state, run, clock, deadline, ct),
            _ => ValueTask.FromResult(new StepOutcome("ok")),
        };

    private async ValueTask<StepOutcome> StepAsync(CompiledState state, Run run, RunClock clock, string? branch, TimeSpan? deadline, CancellationToken ct)
    {
        var outcome = "fail";
        IReadOnlyDictionary<string, object?>? lastOutputs = null;
        for (var attempt = 1; attempt <= state.Retry.MaxAttempts; attempt++)
        {
            var limit = Min(state.Timeout, Remaining(clock, deadline));
            var startedAt = clock.Elapsed;
            run.Attempts[state.Name] = attempt;
            if (limit is { } l && l <= TimeSpan.Zero)
                return new StepOutcome("timeout", DeadlineHit: true);

            var request = new AttemptRequest(_playbook, state, attempt, limit, clock, _scope, branch);
            AttemptResult result;
            string? note = null;
            if (state.Action?.CallTarget is not null)
            {
                var called = await _runner.CallAsync(request, ct).ConfigureAwait(false);
                // A callee that outran the step's limit timed out, however it would have ended.
                result = limit is { } callLimit && called.Elapsed >= callLimit && clock.Elapsed - startedAt >= callLimit
                    ? new AttemptResult("timeout")
                    : called.Status == RunStatus.Success ? AttemptResult.Ok : new AttemptResult("fail");
                note = $"{state.Action.CallTarget} ended {called.End ?? "aborted"}";
            }
            else
            {
                result = await _runner.RunAsync(request, ct).ConfigureAwait(false);
                note = result.Message;
            }
            outcome = result.Outcome;
            lastOutputs = result.Outputs;
            if (outcome == "ok") (outcome, note) = Settle(state, result, note);
            else if (outcome == "fail" && result.Outputs is not null) CaptureQuietly(state, result.Outputs);

            var deadlineHit = outcome == "timeout" && deadline is { } dl && clock.Elapsed >= dl && (state.Timeout is null || clock.Elapsed - startedAt < state.Timeout);
            run.Timeline.Add(new TimelineEntry(startedAt, state.Name, attempt, deadlineHit ? "deadline" : outcome, clock.Elapsed - startedAt, branch, note));
            if (deadlineHit) return new StepOutcome("timeout", DeadlineHit: true);
            if (outcome == "ok") return new StepOutcome("ok", Outputs: lastOutputs);

            if (attempt < state.Retry.MaxAttempts)
            {
                var wait = state.Retry.WaitBefore(attempt, _random);
                if (Remaining(clock, deadline) is { } left && wait >= left)
                {
                    await clock.DelayAsync(left, ct).ConfigureAwait(false);
                    return new StepOutcome("timeout", DeadlineHit: true);
                }
                await clock.DelayAsync(wait, ct).ConfigureAwait(false);
            }
        }
        return new StepOutcome(outcome, Outputs: lastOutputs);
    }

    /// <summary>A failed attempt that still produced output (a non-zero exit, an error response) keeps
    /// what its captures can read, so later states can tell why it failed; a capture that cannot be
    /// evaluated on it is simply left as it was.</summary>
    private void CaptureQuietly(CompiledState state, IReadOnlyDictionary<string, object?> outputs)
    {
        foreach (var capture in state.Captures)
        {
            try
            {
                _scope.Capture(capture.Name, _scope.Evaluate(capture.Value, outputs));
            }
            catch (ExpressionFailedException)
            {
                // Nothing to keep from this attempt.
            }
        }
    }

    /// <summary>After an action succeeded: take its captures and check its expect. A capture or expect
    /// that throws, or an expect that is false, makes the attempt a failure.</summary>
    private (string Outcome, string? Note) Settle(CompiledState state, AttemptResult result, string? note)
    {
        if (result.Captures is not null)
        {
            foreach (var (name, value) in result.Captures) _scope.Capture(name, value);
        }
        if (result.Outputs is null) return ("ok", note);
        try
        {
            foreach (var capture in state.Captures)
            {
                if (result.Captures?.ContainsKey(capture.Name) == true) continue;
                _scope.Capture(capture.Name, _scope.Evaluate(capture.Value, result.Outputs));
            }
            if (state.Expect is { } expect && !_scope.Test(expect, result.Outputs))
                return ("fail", $"expect `{expect.Code}` is false");
        }
        catch (ExpressionFailedException e)
        {
            return ("fail", $"{Where(e.Expression)}: `{e.Expression.Code}` failed: {e.Message}");
        }
        return ("ok", note);
    }

    private StepOutcome Decide(CompiledState state, Run run, RunClock clock, string? branch)
    {
        run.Attempts[state.Name] = 1;
        var chosen = Choose(state.TransitionsFor("decide"), null, out var failure);
        if (failure is not null) return new StepOutcome("fail", AbortReason: failure);
        run.Timeline.Add(new TimelineEntry(clock.Elapsed, state.Name, 1, chosen is null ? "none" : "-> " + chosen.TargetName, TimeSpan.Zero, branch));
        return new StepOutcome(chosen is null ? "none" : "decide", Chosen: chosen);
    }

    private async ValueTask<StepOutcome> PauseAsync(CompiledState state, Run run, RunClock clock, string? branch, TimeSpan? deadline, CancellationToken ct)
    {
        var startedAt = clock.Elapsed;
        run.Attempts[state.Name] = 1;
        var wait = state.WaitFor ?? TimeSpan.Zero;
        if (Remaining(clock, deadline) is { } left && wait >= left && deadline is not null)
        {
            await clock.DelayAsync(left, ct).ConfigureAwait(false);
            run.Timeline.Add(new TimelineEntry(startedAt, state.Name, 1, "deadline", left, branch));
            return new StepOutcome("timeout", DeadlineHit: true);
        }
        await clock.DelayAsync(wait, ct).ConfigureAwait(false);
        run.Timeline.Add(new TimelineEntry(startedAt, state.Name, 1, "ok", wait, branch));
        return new StepOutcome("ok");
    }

    /// <summary><c>wait … until `cond` every D</c>: probe, capture, test; repeat every D until the condition
    /// holds (ok) or the wait's timeout passes (timeout).</summary>
    private async ValueTask<StepOutcome> PollAsync(CompiledState state, Run run, RunClock clock, string? branch, TimeSpan? deadline, CancellationToken ct)
    {
        var startedAt = clock.Elapsed;
        var ends = state.Timeout is { } t ? startedAt + t : (TimeSpan?)null;
        var every = state.Every is { } e && e > TimeSpan.Zero ? e : TimeSpan.FromSeconds(1);
        for (var poll = 1; ; poll++)
        {
            run.Attempts[state.Name] = poll;
            var limit = Min(Remaining(clock, ends), Remaining(clock, deadline));
            AttemptResult result = AttemptResult.Ok;
            string? note = null;
            var probeStart = clock.Elapsed;
            if (state.Action is not null)
                result = await _runner.RunAsync(new AttemptRequest(_playbook, state, poll, limit, clock, _scope, branch), ct).ConfigureAwait(false);
            var holds = false;
            if (result.Outcome == "ok" && state.Action is not null && result.Outputs is null && result.Captures is null)
            {
                // A dry run that says nothing about this probe: the condition holds, as any unmentioned state succeeds.
                holds = true;
            }
            else if (result.Outcome == "ok")
            {
                (var settled, note) = Settle(state, result, result.Message);
                if (settled == "ok")
                {
                    try
                    {
                        holds = _scope.Test(state.Until!, result.Outputs);
                    }
                    catch (ExpressionFailedException ex)
                    {
                        note = $"{Where(ex.Expression)}: `{ex.Expression.Code}` failed: {ex.Message}";
                    }
                }
            }
            if (holds)
            {
                run.Timeline.Add(new TimelineEntry(probeStart, state.Name, poll, "ok", clock.Elapsed - probeStart, branch, note));
                return new StepOutcome("ok", Outputs: result.Outputs);
            }
            if (deadline is { } dl && clock.Elapsed + every >= dl && (ends is null || dl <= ends))
            {
                await clock.DelayAsync(dl - clock.Elapsed, ct).ConfigureAwait(false);
                run.Timeline.Add(new TimelineEntry(probeStart, state.Name, poll, "deadline", clock.Elapsed - probeStart, branch, note));
                return new StepOutcome("timeout", DeadlineHit: true);
            }
            if (ends is { } end && (clock.Elapsed + every >= end || result.Outcome == "timeout"))
            {
                if (clock.Elapsed < end) await clock.DelayAsync(end - clock.Elapsed, ct).ConfigureAwait(false);
                run.Timeline.Add(new TimelineEntry(probeStart, state.Name, poll, "timeout", clock.Elapsed - probeStart, branch, note));
                return new StepOutcome("timeout");
            }
            if (ends is null && poll >= MaxTransitions)
                return new StepOutcome("timeout", AbortReason: $"wait '{state.Name}' polled {poll} times without its condition holding and has no timeout");
            run.Timeline.Add(new TimelineEntry(probeStart, state.Name, poll, "not yet", clock.Elapsed - probeStart, branch, note));
            await clock.DelayAsync(every, ct).ConfigureAwait(false);
        }
    }

    private async ValueTask<StepOutcome> ManualAsync(CompiledState state, Run run, RunClock clock, string? branch, TimeSpan? deadline, CancellationToken ct)
    {
        var startedAt = clock.Elapsed;
        run.Attempts[state.Name] = 1;
        var prompt = SafeRender(state.Prompt);
        var timeout = Min(state.Timeout, Remaining(clock, deadline));
        var answer = await _runner.AskAsync(new ManualRequest(state, prompt, timeout, clock), ct).ConfigureAwait(false);
        var deadlineHit = answer.Outcome == "timeout" && deadline is { } dl && clock.Elapsed >= dl && (state.Timeout is null || clock.Elapsed - startedAt < state.Timeout);
        run.Timeline.Add(new TimelineEntry(startedAt, state.Name, 1, deadlineHit ? "deadline" : answer.Outcome, clock.Elapsed - startedAt, branch, answer.Who is null ? null : "answered by " + answer.Who));
        return new StepOutcome(answer.Outcome, DeadlineHit: deadlineHit);
    }

    private string SafeRender(CompiledTemplate? template)
    {
        try
        {
            return _scope.Render(template);
        }
        catch (ExpressionFailedException e)
        {
            return $"(could not render: {e.Message})";
        }
    }

    /// <summary>Runs each branch as a child machine on its own clock, then joins: <c>all</c> succeeds when
    /// every branch does, <c>any</c> when one does, <c>K</c> when K do — at the moment that becomes known.</summary>
    private async ValueTask<StepOutcome> ParallelAsync(CompiledState state, Run run, RunClock clock, TimeSpan? deadline, CancellationToken ct)
    {
        var startedAt = clock.Elapsed;
        run.Attempts[state.Name] = 1;
        var finishes = new List<(bool Ok, TimeSpan At)>(state.Branches.Count);
        foreach (var branch in state.Branches)
        {
            var branchClock = clock.Fork();
            if (!_branchMachines.TryGetValue(branch, out var machine))
                _branchMachines[branch] = machine = new MachineDriver(_playbook, branch.States);
            machine.Reset(branch.Entry);
            var flow = await RunStatesAsync(branch.Entry, run, branchClock, branch.Name, machine, ct).ConfigureAwait(false);
            if (flow.Reason is not null && flow.BranchOutcome is null && flow.End is null)
                run.Timeline.Add(new TimelineEntry(branchClock.Elapsed, state.Name, 1, "branch aborted", TimeSpan.Zero, branch.Name, flow.Reason));
            finishes.Add((flow.BranchOutcome == "ok", branchClock.Elapsed));
        }
        var needed = state.Join switch
        {
            JoinMode.Any => 1,
            JoinMode.AtLeast => state.JoinCount,
            _ => state.Branches.Count,
        };
        var successes = new List<TimeSpan>(finishes.Count);
        var failures = new List<TimeSpan>(finishes.Count);
        foreach (var (branchOk, at) in finishes) (branchOk ? successes : failures).Add(at);
        successes.Sort();
        failures.Sort();
        var ok = successes.Count >= needed;
        // The join is decided the moment its result is known: success when the needed-th branch succeeds
        // (for all: the last one), failure when so many have failed that too few can still succeed.
        var joinedAt = ok
            ? (needed == 0 ? startedAt : successes[needed - 1])
            : failures.Count == 0 ? startedAt : failures[Math.Min(failures.Count, finishes.Count - needed + 1) - 1];
        var outcome = ok ? "ok" : "fail";
        var limit = Min(state.Timeout is { } t ? startedAt + t : null, deadline);
        var deadlineHit = false;
        if (limit is { } lim && joinedAt > lim)
        {
            joinedAt = lim;
            deadlineHit = deadline is { } dl && lim == dl && (state.Timeout is null || startedAt + state.Timeout.Value > dl);
            outcome = "timeout";
        }
        clock.JoinAt(joinedAt);
        run.Timeline.Add(new TimelineEntry(startedAt, state.Name, 1, deadlineHit ? "deadline" : outcome, joinedAt - startedAt, null,
            $"{successes.Count} of {state.Branches.Count} branches succeeded (join {(state.Join == JoinMode.AtLeast ? state.JoinCount.ToString(System.Globalization.CultureInfo.InvariantCulture) : state.Join.ToString().ToLowerInvariant())})"));
        return new StepOutcome(outcome, DeadlineHit: deadlineHit);
    }
}
