using Playbook.Compiling;

namespace Playbook.EngineCore;

/// <summary>The states that wait: for a time, until a condition holds, or for a person's answer.</summary>
public sealed partial class PlaybookEngine
{
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
        if (Recording(run)) Record(run, state, new TimelineEntry(startedAt, state.Name, 1, "ok", clock.Elapsed - startedAt, branch));
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
                result = await _runner.RunAsync(new AttemptRequest(_playbook, state, poll, limit, clock, Here, branch), ct).ConfigureAwait(false);
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
                        holds = Here.Test(state.Until!, result.Outputs);
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
        var prompt = _runner.ReadsPrompts ? SafeRender(state.Prompt) : "";
        // A resumed question has only what is left of its time.
        var timeout = Min(state.Timeout is { } t ? NotNegative(t - (clock.Elapsed - startedAt)) : null, Remaining(clock, deadline));
        Observer?.AttemptStarting(branch ?? "", state, 1, clock.Elapsed);
        var answer = await _runner.AskAsync(new ManualRequest(state, prompt, timeout, clock) { Branch = branch }, ct).ConfigureAwait(false);
        var deadlineHit = answer.Outcome == "timeout" && deadline is { } dl && clock.Elapsed >= dl && (state.Timeout is null || clock.Elapsed - startedAt < state.Timeout);
        if (Recording(run))
        {
            Record(run, state, new TimelineEntry(startedAt, state.Name, 1, deadlineHit ? "deadline" : answer.Outcome, clock.Elapsed - startedAt, branch, answer.Who switch
            {
                null => null,
                ManualAnswer.Default => "default answer: nobody answered",
                var who => "answered by " + who,
            }));
        }
        return new StepOutcome(answer.Outcome, DeadlineHit: deadlineHit);
    }
}
