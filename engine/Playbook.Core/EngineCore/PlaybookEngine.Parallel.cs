using Playbook.Compiling;

namespace Playbook.EngineCore;

/// <summary>Parallels: branches as child machines, one after the other on a virtual clock, at once on a real one; the join.</summary>
public sealed partial class PlaybookEngine
{
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

    private string JoinNote(CompiledState state, int successes) => _notes.Joined(state, successes, cached: _sync is null);

    /// <summary>Runs each branch as a child machine on its own clock, then joins: <c>all</c> succeeds when
    /// every branch does, <c>any</c> when one does, <c>K</c> when K do — at the moment that becomes known.</summary>
    private async ValueTask<StepOutcome> ParallelAsync(CompiledState state, Run run, RunClock clock, TimeSpan? deadline, CancellationToken ct)
    {
        var startedAt = clock.Elapsed;
        run.SetAttempt(state.Name, 1);
        // When each branch finished, successes and failures apart (two arrays, not three lists: a Monte Carlo run
        // joins this parallel every time).
        var successes = new TimeSpan[state.Branches.Count];
        var failures = new TimeSpan[state.Branches.Count];
        int succeeded = 0, failed = 0;
        for (var b = 0; b < state.Branches.Count; b++) // not foreach: the interface's enumerator would be boxed
        {
            var branch = state.Branches[b];
            var branchClock = _reusing && clock is VirtualClock virtualClock ? ChildClock(state).Restart(virtualClock.StartedAt, virtualClock.Elapsed) : clock.Fork();
            var machine = MachineFor(branch);
            machine.Reset(branch.Entry);
            var flow = await RunStatesAsync(branch.Entry, run, branchClock, branch.Name, machine, ct).ConfigureAwait(false);
            if (flow.Reason is not null && flow.BranchOutcome is null && flow.End is null)
                run.Add(new TimelineEntry(branchClock.Elapsed, state.Name, 1, "branch aborted", TimeSpan.Zero, branch.Name, flow.Reason));
            if (BranchSucceeded(flow.BranchOutcome)) successes[succeeded++] = branchClock.Elapsed;
            else failures[failed++] = branchClock.Elapsed;
        }
        var needed = Needed(state);
        Array.Sort(successes, 0, succeeded);
        Array.Sort(failures, 0, failed);
        var ok = succeeded >= needed;
        // The join is decided the moment its result is known: success when the needed-th branch succeeds
        // (for all: the last one), failure when so many have failed that too few can still succeed.
        var joinedAt = ok
            ? (needed == 0 ? startedAt : successes[needed - 1])
            : failed == 0 ? startedAt : failures[Math.Min(failed, state.Branches.Count - needed + 1) - 1];
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
        if (Recording(run)) run.Add(new TimelineEntry(startedAt, state.Name, 1, deadlineHit ? "deadline" : outcome, joinedAt - startedAt, null, JoinNote(state, succeeded)));
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
