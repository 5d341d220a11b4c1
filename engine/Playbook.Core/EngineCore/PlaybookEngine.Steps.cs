using Playbook.Compiling;

namespace Playbook.EngineCore;

/// <summary>Steps (attempts, retries and backoff, captures and expect) and decides.</summary>
public sealed partial class PlaybookEngine
{
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
                // The crash came between the attempt and its retry: ask the condition again, on the journaled result.
                if (RetryStopped(state, r.LastOutputs) is not null) return new StepOutcome(ended, Outputs: r.LastOutputs);
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
            var request = _reusing && callee is null
                ? (_reusedRequest ??= new AttemptRequest(_playbook, state, attempt, limit, clock, Here, branch)).Reuse(state, attempt, limit, clock, Here, branch)
                : new AttemptRequest(_playbook, state, attempt, limit, clock, Here, branch) { CalleeResume = callee };
            callee = null;
            AttemptResult result;
            string? note = null;
            if (state.Action?.CallTarget is not null)
            {
                RunResult called;
                try
                {
                    called = await _runner.CallAsync(request, ct).ConfigureAwait(false);
                }
                catch (ExpressionFailedException e)
                {
                    // An argument of the call failed to evaluate: the callee never started. Every runner (dry or
                    // real) evaluates the arguments first, so the attempt fails here the same way for all of them.
                    called = new RunResult(null, RunStatus.Aborted, Array.Empty<string>(), Array.Empty<TimelineEntry>(), TimeSpan.Zero,
                        new Dictionary<string, object?>(), new Dictionary<string, int>(), null);
                    note = $"{Where(e.Expression)}: `{e.Expression.Code}` failed: {e.Message}";
                }
                // A callee that outran the step's limit timed out, however it would have ended.
                result = limit is { } callLimit && called.Elapsed >= callLimit && clock.Elapsed - startedAt >= callLimit
                    ? new AttemptResult("timeout")
                    : called.Status == RunStatus.Success ? AttemptResult.Ok : new AttemptResult("fail");
                note ??= _notes.Called(state.Action.CallTarget, called.End, cached: _sync is null);
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
            // Decided before the attempt is recorded, so the journal and the report say why retrying stopped.
            var stopped = !deadlineHit && outcome != "ok" && attempt < state.Retry.MaxAttempts ? RetryStopped(state, lastOutputs) : null;
            if (stopped is not null) note = note is null ? stopped : $"{note}; {stopped}";
            if (Recording(run))
                Record(run, state, new TimelineEntry(startedAt, state.Name, attempt, deadlineHit ? "deadline" : outcome, clock.Elapsed - startedAt, branch, note), lastOutputs);
            if (deadlineHit) return new StepOutcome("timeout", DeadlineHit: true);
            if (outcome == "ok") return new StepOutcome("ok", Outputs: lastOutputs);
            if (stopped is not null) return new StepOutcome(outcome, Outputs: lastOutputs);

            if (attempt < state.Retry.MaxAttempts
                && await BackoffHitsDeadlineAsync(clock, deadline, WaitBefore(state, attempt), ct).ConfigureAwait(false))
                return new StepOutcome("timeout", DeadlineHit: true);
        }
        return new StepOutcome(outcome, Outputs: lastOutputs);
    }

    /// <summary><c>retry … when `expr`</c> after a failed attempt: why retrying stops (the condition is false on
    /// the attempt's result), or null to retry. A condition that cannot be read on the result (a timeout has no
    /// <c>exit_code</c>) does not stop retrying: the retry count and the worst case stay the bound either way.</summary>
    private string? RetryStopped(CompiledState state, IReadOnlyDictionary<string, object?>? outputs)
    {
        if (state.RetryWhen is not { } condition) return null;
        try
        {
            return Here.Test(condition, outputs ?? EmptyOutputs) ? null : $"not retried: retry when `{condition.Code}` is false";
        }
        catch (ExpressionFailedException)
        {
            return null;
        }
    }

    private static readonly IReadOnlyDictionary<string, object?> EmptyOutputs = new Dictionary<string, object?>();

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
                var value = Here.Evaluate(capture.Value, outputs);
                // A value not of the capture's type is never kept, not even from a failed attempt.
                if (capture.Type is { } type && !CaptureTypes.TryConvert(type, value, out value)) continue;
                Capture(state, branch, capture.Name, value);
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
                var raw = Here.Evaluate(capture.Value, result.Outputs);
                var value = raw;
                if (capture.Type is { } type && !CaptureTypes.TryConvert(type, raw, out value))
                    return ("fail", CaptureTypes.Mismatch(capture, raw));
                Capture(state, branch, capture.Name, value);
            }
            if (state.Expect is { } expect && !Here.Test(expect, result.Outputs))
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
        if (Recording(run))
            Record(run, state, new TimelineEntry(clock.Elapsed, state.Name, 1, chosen is null ? "none" : _notes.Decided(chosen, cached: _sync is null), TimeSpan.Zero, branch));
        return new StepOutcome(chosen is null ? "none" : "decide", Chosen: chosen);
    }
}
