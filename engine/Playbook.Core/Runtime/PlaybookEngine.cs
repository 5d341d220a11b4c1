using Playbook.Compiling;
using Playbook.Semantics;
using Playbook.Text;

namespace Playbook.Runtime;

/// <summary>The engine core: drives a compiled playbook through its state machine, one state at a
/// time, asking an <see cref="IActionRunner"/> for each attempt. Retries and backoff (jitter from the
/// engine's seeded random source), timeouts, waits, polling, phase deadlines and parallel joins live
/// here and go through one <see cref="RunClock"/>; simulation and real runs differ only in the runner
/// and the clock. On a virtual clock the branches of a parallel run one after the other, each on its own
/// forked clock; on a real clock they run at once. An engine runs one run at a time: use one per thread,
/// and reuse it for many runs.</summary>
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
    // Set for a run on a real clock, whose branches run concurrently: engine state shared between
    // branches (the random source, the branch machines) is locked on it.
    private object? _sync;

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

    /// <summary>Hears every event of a run (a real run journals them); null in a dry run.</summary>
    public IRunObserver? Observer { get; set; }

    /// <summary>Runs the playbook from its start to an end (or until it aborts).</summary>
    public ValueTask<RunResult> RunAsync(RunClock clock, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken = default) =>
        RunCoreAsync(clock, parameters, null, cancellationToken);

    /// <summary>Continues a stopped run from where its journal says it stood. <paramref name="parameters"/>
    /// are its inputs and secrets; the captures it had made come with <paramref name="resume"/>.</summary>
    public ValueTask<RunResult> ResumeAsync(RunClock clock, IReadOnlyDictionary<string, object?> parameters, RunResume resume, CancellationToken cancellationToken = default) =>
        RunCoreAsync(clock, parameters, resume, cancellationToken);

    private async ValueTask<RunResult> RunCoreAsync(RunClock clock, IReadOnlyDictionary<string, object?> parameters, RunResume? resume, CancellationToken cancellationToken)
    {
        _sync = clock.IsRealTime ? new object() : null;
        _scope.Sync = _sync;
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
        var run = new Run(clock, _sync);
        var start = _playbook.Start;
        if (resume is not null)
        {
            foreach (var (name, value) in resume.Captures) _scope.Capture(name, value);
            run.Restore(resume);
            start = resume.Main.State;
        }
        _machine.Reset(start);
        var flow = await RunStatesAsync(start, run, clock, branch: null, _machine, cancellationToken, resume?.Main).ConfigureAwait(false);
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

    /// <summary>What a run has done so far. On a real clock several branches add to it at once, so every
    /// change goes through a method that locks then.</summary>
    private sealed class Run(RunClock clock, object? sync)
    {
        private int _transitions;

        public RunClock Clock { get; } = clock;
        // Sized for a typical run, so a Monte Carlo loop does not regrow them every time.
        public List<string> Path { get; } = new(32);
        public List<TimelineEntry> Timeline { get; } = new(32);
        public Dictionary<string, int> Attempts { get; } = new(32, StringComparer.Ordinal);
        public List<(string From, int Index)> Taken { get; } = new(32);

        /// <summary>Counts a transition; true when the run has taken too many.</summary>
        public bool Step()
        {
            if (sync is null) return ++_transitions > MaxTransitions;
            return Interlocked.Increment(ref _transitions) > MaxTransitions;
        }

        public void Enter(string state)
        {
            if (sync is null) Path.Add(state);
            else lock (sync) Path.Add(state);
        }

        public void Add(TimelineEntry entry)
        {
            if (sync is null) Timeline.Add(entry);
            else lock (sync) Timeline.Add(entry);
        }

        public void SetAttempt(string state, int attempt)
        {
            if (sync is null) Attempts[state] = attempt;
            else lock (sync) Attempts[state] = attempt;
        }

        public void Took(string from, int index)
        {
            if (sync is null) Taken.Add((from, index));
            else lock (sync) Taken.Add((from, index));
        }

        public void Restore(RunResume resume)
        {
            Path.AddRange(resume.Path);
            Timeline.AddRange(resume.Timeline);
            foreach (var (name, n) in resume.Attempts) Attempts[name] = n;
            Taken.AddRange(resume.Taken);
            _transitions = resume.Taken.Count;
        }
    }

    /// <summary>How a sequence of states finished: at an end state, by leaving a branch with an outcome, or aborted.</summary>
    private readonly record struct Flow(CompiledState? End, string? BranchOutcome, string? Reason)
    {
        public static Flow Aborted(string reason) => new(null, null, reason);
    }

    /// <summary>The result of one state: its outcome, or that its phase's deadline passed, or the decide's choice.</summary>
    private readonly record struct StepOutcome(string Outcome, bool DeadlineHit = false, CompiledTransition? Chosen = null, string? AbortReason = null,
        IReadOnlyDictionary<string, object?>? Outputs = null);

    private async ValueTask<Flow> RunStatesAsync(CompiledState start, Run run, RunClock clock, string? branch, MachineDriver machine, CancellationToken ct,
        FlowResume? resume = null)
    {
        var state = start;
        CompiledState? phase = null;
        TimeSpan? deadline = null;
        var flowName = branch ?? "";
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (resume is null && run.Step())
                return Flow.Aborted($"the run took more than {MaxTransitions} transitions: it is looping (last state '{state.Name}')");
            if (state.Phase != phase)
            {
                phase = state.Phase;
                // A resumed flow keeps the deadline its phase had: the time it was down counts.
                var enteredAt = resume?.PhaseEnteredAt ?? clock.Elapsed;
                deadline = phase?.Budget is { } budget ? enteredAt + budget : null;
            }
            if (resume is not { Entered: true })
            {
                run.Enter(state.Name);
                Observer?.StateEntered(flowName, state, clock.Elapsed);
                if (resume is not null) resume = null;
            }
            if (state.Kind == StateKind.End) return new Flow(state, null, null);

            var result = await ExecuteAsync(state, run, clock, branch, deadline, ct, resume).ConfigureAwait(false);
            resume = null;
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
            run.Took(from.Name, transition.Index);
            Observer?.Moved(flowName, from, transition, clock.Elapsed);
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

    private static TimeSpan NotNegative(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t;

    /// <summary>Adds a timeline entry and tells the observer: the completion record of an attempt.</summary>
    private void Record(Run run, CompiledState state, TimelineEntry entry, IReadOnlyDictionary<string, object?>? outputs = null)
    {
        run.Add(entry);
        Observer?.AttemptEnded(entry.Branch ?? "", state, entry, outputs);
    }

    private void Capture(CompiledState state, string? branch, string name, object? value)
    {
        _scope.Capture(name, value);
        Observer?.Captured(branch ?? "", state, name, value);
    }

    private TimeSpan WaitBefore(CompiledState state, int attempt)
    {
        if (_sync is null) return state.Retry.WaitBefore(attempt, _random);
        lock (_sync) return state.Retry.WaitBefore(attempt, _random);
    }

    private ValueTask<StepOutcome> ExecuteAsync(CompiledState state, Run run, RunClock clock, string? branch, TimeSpan? deadline, CancellationToken ct, FlowResume? resume) =>
        state.Kind switch
        {
            StateKind.Step => StepAsync(state, run, clock, branch, deadline, ct, resume),
            StateKind.Decide => ValueTask.FromResult(Decide(state, run, clock, branch)),
            StateKind.Wait => state.Until is null ? PauseAsync(state, run, clock, branch, deadline, ct, resume) : PollAsync(state, run, clock, branch, deadline, ct, resume),
            StateKind.Manual => ManualAsync(state, run, clock, branch, deadline, ct, resume),
            StateKind.Parallel => clock.IsRealTime ? ParallelAtOnceAsync(state, run, clock, deadline, ct, resume) : ParallelAsync(state, run, clock, deadline, ct),
            _ => ValueTask.FromResult(new StepOutcome("ok")),
        };

    private async ValueTask<StepOutcome> StepAsync(CompiledState state, Run run, RunClock clock, string? branch, TimeSpan? deadline, CancellationToken ct, FlowResume? resume)
    {
        var outcome = "fail";
        IReadOnlyDictionary<string, object?>? lastOutputs = null;
        var first = 1;
        RunResume? callee = null;
        if (resume is { Attempt: > 0 } r)
        {
            // Continue where the journal says the step stood: after its last finished attempt, or at the one in flight.
            var ended = r.LastOutcome;
            var endedAt = r.LastEndedAt;
            if (ended is null)
            {
                switch (r.InFlight)
                {
                    case InFlightChoice.Skip:
                        Record(run, state, new TimelineEntry(clock.Elapsed, state.Name, r.Attempt, "ok", TimeSpan.Zero, branch, "not run again: skipped on resume"));
                        return new StepOutcome("ok");
                    case InFlightChoice.Fail:
                        ended = "fail";
                        endedAt = clock.Elapsed;
                        Record(run, state, new TimelineEntry(clock.Elapsed, state.Name, r.Attempt, "fail", TimeSpan.Zero, branch, "not run again: counted as failed on resume"));
                        break;
                    default:
                        first = r.Attempt;
                        callee = r.Callee;
                        break;
                }
            }
            if (ended is not null)
            {
                if (ended == "ok") return new StepOutcome("ok", Outputs: r.LastOutputs);
                if (ended == "deadline") return new StepOutcome("timeout", DeadlineHit: true);
                if (r.Attempt >= state.Retry.MaxAttempts) return new StepOutcome(ended, Outputs: r.LastOutputs);
                // It was waiting to retry: wait what is left of that wait.
                var wait = NotNegative(WaitBefore(state, r.Attempt) - (clock.Elapsed - endedAt));
                if (await BackoffHitsDeadlineAsync(clock, deadline, wait, ct).ConfigureAwait(false)) return new StepOutcome("timeout", DeadlineHit: true);
                first = r.Attempt + 1;
            }
        }
        for (var attempt = first; attempt <= state.Retry.MaxAttempts; attempt++)
        {
            var limit = Min(state.Timeout, Remaining(clock, deadline));
            var startedAt = clock.Elapsed;
            run.SetAttempt(state.Name, attempt);
            if (limit is { } l && l <= TimeSpan.Zero)
                return new StepOutcome("timeout", DeadlineHit: true);

            Observer?.AttemptStarting(branch ?? "", state, attempt, startedAt);
            var request = new AttemptRequest(_playbook, state, attempt, limit, clock, _scope, branch) { CalleeResume = callee };
            callee = null;
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
            if (outcome == "ok") (outcome, note) = Settle(state, branch, result, note);
            else if (outcome == "fail" && result.Outputs is not null) CaptureQuietly(state, branch, result.Outputs);

            var deadlineHit = outcome == "timeout" && deadline is { } dl && clock.Elapsed >= dl && (state.Timeout is null || clock.Elapsed - startedAt < state.Timeout);
            Record(run, state, new TimelineEntry(startedAt, state.Name, attempt, deadlineHit ? "deadline" : outcome, clock.Elapsed - startedAt, branch, note), lastOutputs);
            if (deadlineHit) return new StepOutcome("timeout", DeadlineHit: true);
            if (outcome == "ok") return new StepOutcome("ok", Outputs: lastOutputs);

            if (attempt < state.Retry.MaxAttempts
                && await BackoffHitsDeadlineAsync(clock, deadline, WaitBefore(state, attempt), ct).ConfigureAwait(false))
                return new StepOutcome("timeout", DeadlineHit: true);
        }
        return new StepOutcome(outcome, Outputs: lastOutputs);
    }

    /// <summary>Waits before a retry; true when the phase's deadline comes first (then only that is waited).</summary>
    private static async ValueTask<bool> BackoffHitsDeadlineAsync(RunClock clock, TimeSpan? deadline, TimeSpan wait, CancellationToken ct)
    {
        if (Remaining(clock, deadline) is { } left && wait >= left)
        {
            await clock.DelayAsync(NotNegative(left), ct).ConfigureAwait(false);
            return true;
        }
        await clock.DelayAsync(wait, ct).ConfigureAwait(false);
        return false;
    }

    /// <summary>A failed attempt that still produced output (a non-zero exit, an error response) keeps
    /// what its captures can read, so later states can tell why it failed; a capture that cannot be
    /// evaluated on it is simply left as it was.</summary>
    private void CaptureQuietly(CompiledState state, string? branch, IReadOnlyDictionary<string, object?> outputs)
    {
        foreach (var capture in state.Captures)
        {
            try
            {
                Capture(state, branch, capture.Name, _scope.Evaluate(capture.Value, outputs));
            }
            catch (ExpressionFailedException)
            {
                // Nothing to keep from this attempt.
            }
        }
    }

    /// <summary>After an action succeeded: take its captures and check its expect. A capture or expect
    /// that throws, or an expect that is false, makes the attempt a failure.</summary>
    private (string Outcome, string? Note) Settle(CompiledState state, string? branch, AttemptResult result, string? note)
    {
        if (result.Captures is not null)
        {
            foreach (var (name, value) in result.Captures) Capture(state, branch, name, value);
        }
        if (result.Outputs is null) return ("ok", note);
        try
        {
            foreach (var capture in state.Captures)
            {
                if (result.Captures?.ContainsKey(capture.Name) == true) continue;
                Capture(state, branch, capture.Name, _scope.Evaluate(capture.Value, result.Outputs));
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
        run.SetAttempt(state.Name, 1);
        var chosen = Choose(state.TransitionsFor("decide"), null, out var failure);
        if (failure is not null) return new StepOutcome("fail", AbortReason: failure);
        Record(run, state, new TimelineEntry(clock.Elapsed, state.Name, 1, chosen is null ? "none" : "-> " + chosen.TargetName, TimeSpan.Zero, branch));
        return new StepOutcome(chosen is null ? "none" : "decide", Chosen: chosen);
    }

    private async ValueTask<StepOutcome> PauseAsync(CompiledState state, Run run, RunClock clock, string? branch, TimeSpan? deadline, CancellationToken ct, FlowResume? resume)
    {
        var startedAt = resume?.EnteredAt ?? clock.Elapsed;
        run.SetAttempt(state.Name, 1);
        if (Finished(resume) is { } done) return done;
        // A resumed wait waits only what is left of it.
        var wait = NotNegative((state.WaitFor ?? TimeSpan.Zero) - (clock.Elapsed - startedAt));
        if (Remaining(clock, deadline) is { } left && wait >= left && deadline is not null)
        {
            await clock.DelayAsync(NotNegative(left), ct).ConfigureAwait(false);
            Record(run, state, new TimelineEntry(startedAt, state.Name, 1, "deadline", clock.Elapsed - startedAt, branch));
            return new StepOutcome("timeout", DeadlineHit: true);
        }
        await clock.DelayAsync(wait, ct).ConfigureAwait(false);
        Record(run, state, new TimelineEntry(startedAt, state.Name, 1, "ok", clock.Elapsed - startedAt, branch));
        return new StepOutcome("ok");
    }

    /// <summary><c>wait … until `cond` every D</c>: probe, capture, test; repeat every D until the condition
    /// holds (ok) or the wait's timeout passes (timeout).</summary>
    private async ValueTask<StepOutcome> PollAsync(CompiledState state, Run run, RunClock clock, string? branch, TimeSpan? deadline, CancellationToken ct, FlowResume? resume)
    {
        var startedAt = resume?.EnteredAt ?? clock.Elapsed;
        var ends = state.Timeout is { } t ? startedAt + t : (TimeSpan?)null;
        var every = state.Every is { } e && e > TimeSpan.Zero ? e : TimeSpan.FromSeconds(1);
        var first = 1;
        if (resume is { Attempt: > 0 } r)
        {
            // A probe only reads, so one in flight is simply probed again.
            switch (r.LastOutcome)
            {
                case null:
                    first = r.Attempt;
                    break;
                case "ok":
                    return new StepOutcome("ok", Outputs: r.LastOutputs);
                case "deadline":
                    return new StepOutcome("timeout", DeadlineHit: true);
                case "timeout":
                    return new StepOutcome("timeout");
                default:
                    var wait = NotNegative(every - (clock.Elapsed - r.LastEndedAt));
                    if (ends is { } end0 && clock.Elapsed + wait >= end0) wait = NotNegative(end0 - clock.Elapsed);
                    await clock.DelayAsync(wait, ct).ConfigureAwait(false);
                    first = r.Attempt + 1;
                    break;
            }
        }
        for (var poll = first; ; poll++)
        {
            run.SetAttempt(state.Name, poll);
            var limit = Min(Remaining(clock, ends), Remaining(clock, deadline));
            AttemptResult result = AttemptResult.Ok;
            string? note = null;
            var probeStart = clock.Elapsed;
            if (state.Action is not null)
            {
                Observer?.AttemptStarting(branch ?? "", state, poll, probeStart);
                result = await _runner.RunAsync(new AttemptRequest(_playbook, state, poll, limit, clock, _scope, branch), ct).ConfigureAwait(false);
            }
            var holds = false;
            if (result.Outcome == "ok" && state.Action is not null && result.Outputs is null && result.Captures is null)
            {
                // A dry run that says nothing about this probe: the condition holds, as any unmentioned state succeeds.
                holds = true;
            }
            else if (result.Outcome == "ok")
            {
                (var settled, note) = Settle(state, branch, result, result.Message);
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
            else
            {
                note = result.Message;
            }
            if (holds)
            {
                Record(run, state, new TimelineEntry(probeStart, state.Name, poll, "ok", clock.Elapsed - probeStart, branch, note), result.Outputs);
                return new StepOutcome("ok", Outputs: result.Outputs);
            }
            if (deadline is { } dl && clock.Elapsed + every >= dl && (ends is null || dl <= ends))
            {
                await clock.DelayAsync(NotNegative(dl - clock.Elapsed), ct).ConfigureAwait(false);
                Record(run, state, new TimelineEntry(probeStart, state.Name, poll, "deadline", clock.Elapsed - probeStart, branch, note), result.Outputs);
                return new StepOutcome("timeout", DeadlineHit: true);
            }
            if (ends is { } end && (clock.Elapsed + every >= end || result.Outcome == "timeout"))
            {
                if (clock.Elapsed < end) await clock.DelayAsync(end - clock.Elapsed, ct).ConfigureAwait(false);
                Record(run, state, new TimelineEntry(probeStart, state.Name, poll, "timeout", clock.Elapsed - probeStart, branch, note), result.Outputs);
                return new StepOutcome("timeout");
            }
            if (ends is null && poll >= MaxTransitions)
                return new StepOutcome("timeout", AbortReason: $"wait '{state.Name}' polled {poll} times without its condition holding and has no timeout");
            Record(run, state, new TimelineEntry(probeStart, state.Name, poll, "not yet", clock.Elapsed - probeStart, branch, note), result.Outputs);
            await clock.DelayAsync(every, ct).ConfigureAwait(false);
        }
    }

    private async ValueTask<StepOutcome> ManualAsync(CompiledState state, Run run, RunClock clock, string? branch, TimeSpan? deadline, CancellationToken ct, FlowResume? resume)
    {
        var startedAt = resume?.EnteredAt ?? clock.Elapsed;
        run.SetAttempt(state.Name, 1);
        if (Finished(resume) is { } answered) return answered;
        var prompt = SafeRender(state.Prompt);
        // A resumed question has only what is left of its time.
        var timeout = Min(state.Timeout is { } t ? NotNegative(t - (clock.Elapsed - startedAt)) : null, Remaining(clock, deadline));
        Observer?.AttemptStarting(branch ?? "", state, 1, clock.Elapsed);
        var answer = await _runner.AskAsync(new ManualRequest(state, prompt, timeout, clock) { Branch = branch }, ct).ConfigureAwait(false);
        var deadlineHit = answer.Outcome == "timeout" && deadline is { } dl && clock.Elapsed >= dl && (state.Timeout is null || clock.Elapsed - startedAt < state.Timeout);
        Record(run, state, new TimelineEntry(startedAt, state.Name, 1, deadlineHit ? "deadline" : answer.Outcome, clock.Elapsed - startedAt, branch, answer.Who is null ? null : "answered by " + answer.Who));
        return new StepOutcome(answer.Outcome, DeadlineHit: deadlineHit);
    }

    /// <summary>A resumed state whose journal already has its result: that result, not a second go.</summary>
    private static StepOutcome? Finished(FlowResume? resume) => resume?.LastOutcome switch
    {
        null => null,
        "deadline" => new StepOutcome("timeout", DeadlineHit: true),
        var outcome => new StepOutcome(outcome, Outputs: resume.LastOutputs),
    };

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

    private MachineDriver MachineFor(CompiledBranch branch)
    {
        if (!_branchMachines.TryGetValue(branch, out var machine))
            _branchMachines[branch] = machine = new MachineDriver(_playbook, branch.States);
        return machine;
    }

    /// <summary>A branch ends when an outcome has no transition: it succeeded on <c>ok</c> (or a manual
    /// step's <c>approve</c>), and failed on anything else.</summary>
    private static bool BranchSucceeded(string? outcome) => outcome is "ok" or "approve";

    private static int Needed(CompiledState parallel) => parallel.Join switch
    {
        JoinMode.Any => 1,
        JoinMode.AtLeast => parallel.JoinCount,
        _ => parallel.Branches.Count,
    };

    private static string JoinNote(CompiledState state, int successes) =>
        $"{successes} of {state.Branches.Count} branches succeeded (join {(state.Join == JoinMode.AtLeast ? state.JoinCount.ToString(System.Globalization.CultureInfo.InvariantCulture) : state.Join.ToString().ToLowerInvariant())})";

    /// <summary>Runs each branch as a child machine on its own clock, then joins: <c>all</c> succeeds when
    /// every branch does, <c>any</c> when one does, <c>K</c> when K do — at the moment that becomes known.</summary>
    private async ValueTask<StepOutcome> ParallelAsync(CompiledState state, Run run, RunClock clock, TimeSpan? deadline, CancellationToken ct)
    {
        var startedAt = clock.Elapsed;
        run.SetAttempt(state.Name, 1);
        var finishes = new List<(bool Ok, TimeSpan At)>(state.Branches.Count);
        foreach (var branch in state.Branches)
        {
            var branchClock = clock.Fork();
            var machine = MachineFor(branch);
            machine.Reset(branch.Entry);
            var flow = await RunStatesAsync(branch.Entry, run, branchClock, branch.Name, machine, ct).ConfigureAwait(false);
            if (flow.Reason is not null && flow.BranchOutcome is null && flow.End is null)
                run.Add(new TimelineEntry(branchClock.Elapsed, state.Name, 1, "branch aborted", TimeSpan.Zero, branch.Name, flow.Reason));
            finishes.Add((BranchSucceeded(flow.BranchOutcome), branchClock.Elapsed));
        }
        var needed = Needed(state);
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
        run.Add(new TimelineEntry(startedAt, state.Name, 1, deadlineHit ? "deadline" : outcome, joinedAt - startedAt, null, JoinNote(state, successes.Count)));
        return new StepOutcome(outcome, DeadlineHit: deadlineHit);
    }

    /// <summary>A parallel on a real clock: every branch runs at once. The join is decided as branches
    /// finish, the same rule as <see cref="ParallelAsync"/>; once it is decided (or the parallel's time is
    /// up), the branches still going are cancelled, their processes stopped.</summary>
    private async ValueTask<StepOutcome> ParallelAtOnceAsync(CompiledState state, Run run, RunClock clock, TimeSpan? deadline, CancellationToken ct, FlowResume? resume)
    {
        var startedAt = resume?.EnteredAt ?? clock.Elapsed;
        run.SetAttempt(state.Name, 1);
        if (Finished(resume) is { } joined) return joined;
        var needed = Needed(state);
        var total = state.Branches.Count;
        var flowName = "";
        int successes = 0, failures = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var going = new List<Task<(string Branch, string Outcome, TimeSpan At)>>();
        foreach (var branch in state.Branches)
        {
            BranchResume? before = null;
            resume?.Branches.TryGetValue(branch.Name, out before);
            if (before?.Outcome is { } done)
            {
                if (done == "ok") successes++;
                else failures++;
                continue;
            }
            var machine = MachineFor(branch);
            machine.Reset(before?.Flow?.State ?? branch.Entry);
            going.Add(RunBranchAsync(state, branch, machine, run, clock, before?.Flow, stop.Token, ct));
        }
        var limit = Min(state.Timeout is { } t ? startedAt + t : null, deadline);
        var timer = limit is { } lim ? clock.DelayAsync(NotNegative(lim - clock.Elapsed), stop.Token).AsTask() : null;
        var timedOut = false;
        while (successes < needed && failures <= total - needed && going.Count > 0)
        {
            var next = timer is null ? await Task.WhenAny(going).ConfigureAwait(false) : await Task.WhenAny(going.Append(timer)).ConfigureAwait(false);
            if (next == timer)
            {
                timedOut = !ct.IsCancellationRequested;
                break;
            }
            var finished = (Task<(string Branch, string Outcome, TimeSpan At)>)next;
            going.Remove(finished);
            var (name, outcome, at) = await finished.ConfigureAwait(false);
            if (outcome == "ok") successes++;
            else failures++;
            Observer?.BranchEnded(flowName, state, name, outcome, at);
        }
        var joinedAt = clock.Elapsed;
        // Decided: what is still going is not needed any more.
        await stop.CancelAsync().ConfigureAwait(false);
        foreach (var task in going)
        {
            try
            {
                var (name, outcome, at) = await task.ConfigureAwait(false);
                Observer?.BranchEnded(flowName, state, name, outcome, at);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // Cancelled because the join was decided: recorded in RunBranchAsync.
            }
        }
        if (timer is not null)
        {
            try { await timer.ConfigureAwait(false); } catch (OperationCanceledException) { /* the join came first */ }
        }
        ct.ThrowIfCancellationRequested();
        var result = successes >= needed ? "ok" : "fail";
        var deadlineHit = false;
        if (timedOut)
        {
            result = "timeout";
            deadlineHit = deadline is { } dl && limit == dl && (state.Timeout is null || startedAt + state.Timeout.Value > dl);
        }
        Record(run, state, new TimelineEntry(startedAt, state.Name, 1, deadlineHit ? "deadline" : result, joinedAt - startedAt, null, JoinNote(state, successes)));
        return new StepOutcome(result, DeadlineHit: deadlineHit);
    }

    private async Task<(string Branch, string Outcome, TimeSpan At)> RunBranchAsync(CompiledState parallel, CompiledBranch branch, MachineDriver machine, Run run,
        RunClock clock, FlowResume? resume, CancellationToken ct, CancellationToken runToken)
    {
        // Off the caller's thread, so every branch starts now rather than when the one before it first waits.
        await Task.Yield();
        try
        {
            var flow = await RunStatesAsync(resume?.State ?? branch.Entry, run, clock, branch.Name, machine, ct, resume).ConfigureAwait(false);
            if (flow.Reason is not null && flow.BranchOutcome is null && flow.End is null)
                run.Add(new TimelineEntry(clock.Elapsed, parallel.Name, 1, "branch aborted", TimeSpan.Zero, branch.Name, flow.Reason));
            return (branch.Name, BranchSucceeded(flow.BranchOutcome) ? "ok" : "fail", clock.Elapsed);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && !runToken.IsCancellationRequested)
        {
            run.Add(new TimelineEntry(clock.Elapsed, parallel.Name, 1, "cancelled", TimeSpan.Zero, branch.Name, "not needed once the join was decided"));
            Observer?.BranchEnded("", parallel, branch.Name, "cancelled", clock.Elapsed);
            throw;
        }
    }
}
