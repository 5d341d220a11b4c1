using System.Collections;
using System.Globalization;
using Playbook.Compiling;

namespace Playbook.EngineCore;

/// <summary>Foreach: the body (a child machine, like a parallel's branch) once per item of the list.
/// On a virtual clock items are laid out on <c>parallel</c> lanes, each item starting when a lane is free,
/// so the simulated time is what K at once would take; on a real clock up to K items really run at once
/// (<see cref="ForeachAtOnceAsync"/>).</summary>
public sealed partial class PlaybookEngine
{
    /// <summary>How many failing items a note names before it says "and N more".</summary>
    private const int NamedFailures = 10;

    private async ValueTask<StepOutcome> ForeachAsync(CompiledState state, Run run, RunClock clock, string? branch, TimeSpan? deadline, CancellationToken ct,
        FlowResume? resume)
    {
        var spec = state.Foreach!;
        var startedAt = resume?.EnteredAt ?? clock.Elapsed;
        var flowName = branch ?? "";
        run.SetAttempt(state.Name, 1);
        // Ended before the run stopped: its results came back with the journaled captures.
        if (Finished(resume) is { } ended) return ended;

        var before = resume?.Foreach;
        var script = _runner as IForeachScript;
        var (read, failure) = before is not null
            // The list the run started with, not what the expression would give now.
            ? (before.Items, null)
            : ReadList(state, script);
        if (read is null) return FailForeach(state, run, clock, branch, startedAt, failure!);
        var items = read;
        if (before is null) Observer?.ForeachStarted(flowName, state, items, clock.Elapsed);
        if (clock.IsRealTime) return await ForeachAtOnceAsync(state, run, clock, branch, deadline, ct, before, items, startedAt).ConfigureAwait(false);

        var body = state.Branches.Count > 0 ? state.Branches[0] : null;
        var captured = CapturedIn(body);
        var results = new List<object?>(items.Count);
        var failed = new List<string>();
        var lanes = new TimeSpan[Math.Max(1, Math.Min(spec.Parallel, Math.Max(1, items.Count)))];
        Array.Fill(lanes, startedAt);
        var end = startedAt;
        var virtualClock = clock as VirtualClock;

        // Items the phase's deadline cut off while they ran, and items it left unstarted (a lane was free only after it).
        int cut = 0, unstarted = 0;
        for (var i = 0; i < items.Count && body is not null; i++)
        {
            ct.ThrowIfCancellationRequested();
            var item = items[i];
            ItemResume? itemBefore = null;
            before?.Started.TryGetValue(i, out itemBefore);
            // One item never reads another's captures: the body's names are cleared before each item.
            foreach (var name in captured) _scope.Forget(name);
            if (itemBefore is not null)
                foreach (var (name, v) in itemBefore.Captures) _scope.Capture(name, v);
            var lane = 0;
            for (var l = 1; l < lanes.Length; l++)
                if (lanes[l] < lanes[lane]) lane = l;
            var startsAt = virtualClock is not null ? lanes[lane] : clock.Elapsed;
            string outcome;
            var neverStarted = false;
            if (itemBefore?.Outcome is { } done)
            {
                // Finished before the run stopped: never run again.
                outcome = done;
            }
            else if (itemBefore is null && deadline is { } dl0 && startsAt >= dl0)
            {
                // The phase's budget ran out before a lane was free: the item never starts (nothing is journaled for it).
                outcome = ItemCutOff;
                neverStarted = true;
                unstarted++;
            }
            else if (script?.OutcomeFor(state, item) is { } told)
            {
                // The scenario gave this item's outcome: its body does not run, and it takes no time.
                _scope.Set(spec.Item, item);
                outcome = told == "ok" ? "ok" : "fail";
                // A rehearsal journals it as any item (a dry run has no observer): its journal says every item started and ended.
                Observer?.ItemStarted(flowName, state, i, item, startsAt);
                run.Add(new TimelineEntry(startsAt, state.Name, 1, told, TimeSpan.Zero, ItemLabel(state, i), ScenarioItemNote));
                Observer?.ItemEnded(flowName, state, i, outcome, startsAt, ScenarioGiven);
            }
            else
            {
                _scope.Set(spec.Item, item);
                var itemClock = virtualClock is null ? clock
                    : _reusing ? ChildClock(state).Restart(virtualClock.StartedAt, lanes[lane]) : new VirtualClock(virtualClock.StartedAt, lanes[lane]);
                var label = _reusing ? ReusedItemLabel(state, i) : ItemLabel(state, i);
                var machine = MachineFor(body);
                var from = itemBefore?.Flow?.State ?? body.Entry;
                machine.Reset(from);
                if (itemBefore is null) Observer?.ItemStarted(flowName, state, i, item, itemClock.Elapsed);
                var flow = await RunStatesAsync(from, run, itemClock, label, machine, ct, itemBefore?.Flow, deadline).ConfigureAwait(false);
                outcome = ItemOutcome(state, run, itemClock, label, flow);
                Observer?.ItemEnded(flowName, state, i, outcome, itemClock.Elapsed);
                lanes[lane] = itemClock.Elapsed;
                if (itemClock.Elapsed > end) end = itemClock.Elapsed;
            }
            if (outcome == ItemCutOff && !neverStarted) cut++;
            if (outcome == "fail") failed.Add(RunScope.Display(item));
            var itemCaptures = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var name in captured)
                if (_scope.TryGetValue(name, out var v)) itemCaptures[name] = v;
            results.Add(ItemResult(item, i, outcome, itemCaptures));
        }
        _scope.Forget(spec.Item);
        SetResults(state, flowName, results, clock);
        return Joined(state, run, clock, branch, deadline, startedAt, end, items.Count, failed, cut, unstarted);
    }

    private readonly Dictionary<CompiledBranch, List<string>> _capturedIn = new(ReferenceEqualityComparer.Instance);

    /// <summary>The names a foreach body captures (cleared before each item), worked out once per body and engine.
    /// Only dry runs walk items here (one thread), so the cache needs no lock.</summary>
    private List<string> CapturedIn(CompiledBranch? body)
    {
        if (body is null) return new List<string>();
        if (!_capturedIn.TryGetValue(body, out var names))
            _capturedIn[body] = names = body.States.SelectMany(s => s.Captures).Select(c => c.Name).Distinct(StringComparer.Ordinal).ToList();
        return names;
    }

    /// <summary>An item's outcome when the phase's deadline cut it off (or left it unstarted): neither ok nor failed.</summary>
    internal const string ItemCutOff = "cancelled";

    /// <summary>Why an item ended at once in a dry run or rehearsal: the scenario said so.</summary>
    internal const string ScenarioItemNote = "item outcome given by scenario";

    /// <summary>The <c>given</c> of an <c>item-ended</c> record whose outcome the scenario gave (a rehearsal's).</summary>
    internal const string ScenarioGiven = "scenario";

    /// <summary>How an item's flow ended, as the item's outcome: <c>ok</c>, <c>fail</c>, or <see cref="ItemCutOff"/>
    /// when its phase's deadline passed inside it (its step in flight was stopped at the deadline, as a timeout is).</summary>
    private static string ItemOutcome(CompiledState state, Run run, RunClock clock, string label, Flow flow)
    {
        if (flow.BranchOutcome == CutOff)
        {
            run.Add(new TimelineEntry(clock.Elapsed, state.Name, 1, ItemCutOff, TimeSpan.Zero, label,
                state.Phase is { Budget: { } budget } phase ? $"cut off: phase '{phase.Name}' ran out of its {Text.DurationText.Format(budget)} budget" : "cut off by its phase's deadline"));
            return ItemCutOff;
        }
        if (flow.Reason is not null && flow.BranchOutcome is null && flow.End is null)
            run.Add(new TimelineEntry(clock.Elapsed, state.Name, 1, "item aborted", TimeSpan.Zero, label, flow.Reason));
        return BranchSucceeded(flow.BranchOutcome) ? "ok" : "fail";
    }

    /// <summary>The foreach's own outcome once its items are done: <c>ok</c>, <c>fail</c>, or its phase's deadline when
    /// that cut items off or left some unstarted (or the items ran past it), so the run takes the phase's <c>on timeout</c>.</summary>
    private StepOutcome Joined(CompiledState state, Run run, RunClock clock, string? branch, TimeSpan? deadline, TimeSpan startedAt, TimeSpan end,
        int count, List<string> failed, int cut, int unstarted)
    {
        var outcome = failed.Count == 0 ? "ok" : "fail";
        var deadlineHit = cut > 0 || unstarted > 0;
        if (deadline is { } dl && (deadlineHit || end > dl))
        {
            if (end > dl) end = dl;
            deadlineHit = true;
            outcome = "timeout";
        }
        clock.JoinAt(end);
        if (Recording(run))
            Record(run, state, new TimelineEntry(startedAt, state.Name, 1, deadlineHit ? "deadline" : outcome, end - startedAt, branch, ForeachNote(state, count, failed, cut, unstarted)));
        return new StepOutcome(outcome, DeadlineHit: deadlineHit);
    }

    /// <summary>The list a foreach walks (a dry run's script may give it), or why it cannot walk one: the
    /// expression failed, gave no list, or a list longer than <c>max</c>.</summary>
    private (IList? Items, string? Failure) ReadList(CompiledState state, IForeachScript? script)
    {
        var spec = state.Foreach!;
        object? value;
        try
        {
            // A dry run may be told the list (a scenario's items, a drawn count): the expression is then not read.
            value = script?.ItemsFor(state, () => Here.Evaluate(spec.List) as IReadOnlyList<object?>) is { } given
                ? given as IList ?? given.ToList()
                : Here.Evaluate(spec.List);
        }
        catch (ExpressionFailedException e)
        {
            return (null, $"its list could not be read: {e.Message}");
        }
        if (value is not IList list)
            return (null, $"its list is {(value is null ? "null" : "not a list")}: 'each' needs a list");
        if (spec.Max is { } max && list.Count > max)
            return (null, $"its list has {list.Count} items, more than max {max}: nothing was run");
        return (list, null);
    }

    private static Dictionary<string, object?> ItemResult(object? item, int index, string outcome, Dictionary<string, object?> captures) =>
        new(StringComparer.Ordinal)
        {
            ["item"] = item,
            ["index"] = (long)index,
            ["outcome"] = outcome,
            ["captures"] = captures,
        };

    private readonly Dictionary<CompiledState, List<string>> _itemLabels = new(ReferenceEqualityComparer.Instance);

    /// <summary><see cref="ItemLabel"/>, made once per foreach and index for a Monte Carlo engine (<see cref="ReuseRunBuffers"/>).</summary>
    private string ReusedItemLabel(CompiledState foreachState, int index)
    {
        if (!_itemLabels.TryGetValue(foreachState, out var labels)) _itemLabels[foreachState] = labels = new List<string>();
        while (labels.Count <= index) labels.Add(ItemLabel(foreachState, labels.Count));
        return labels[index];
    }

    /// <summary>The address of one item's states: <c>FOREACH[index]</c>, numbered from 1 as people count.</summary>
    internal static string ItemLabel(CompiledState foreachState, int index) =>
        foreachState.Name + "[" + (index + 1).ToString(CultureInfo.InvariantCulture) + "]";

    private static string ForeachNote(CompiledState state, int count, List<string> failed, int cut = 0, int unstarted = 0)
    {
        var named = string.Join(", ", failed.Take(NamedFailures));
        var more = failed.Count > NamedFailures ? $" and {failed.Count - NamedFailures} more" : "";
        if (cut == 0 && unstarted == 0)
            return failed.Count == 0 ? $"{count} of {count} items ok" : $"{failed.Count} of {count} items failed: {named}{more}";
        var ok = count - failed.Count - cut - unstarted;
        var failures = failed.Count == 0 ? "" : $", {failed.Count} failed: {named}{more}";
        var phase = state.Phase is { Budget: { } budget } p ? $"phase '{p.Name}' ran out of its {Text.DurationText.Format(budget)} budget" : "its phase ran out of time";
        return $"{ok} of {count} items ok{failures}; {phase}: {cut} cut off, {unstarted} not started";
    }

    private StepOutcome FailForeach(CompiledState state, Run run, RunClock clock, string? branch, TimeSpan startedAt, string why)
    {
        SetResults(state, branch ?? "", new List<object?>(), clock);
        Record(run, state, new TimelineEntry(startedAt, state.Name, 1, "fail", clock.Elapsed - startedAt, branch, $"foreach '{state.Name}': {why}"));
        return new StepOutcome("fail");
    }

    /// <summary>Sets <c>NAME.results</c> and journals it (before the foreach's outcome), so a resume anywhere
    /// after the foreach gives guards the same results.</summary>
    private void SetResults(CompiledState state, string flowName, List<object?> results, RunClock clock)
    {
        var value = new Dictionary<string, object?>(StringComparer.Ordinal) { ["results"] = results };
        _scope.Set(state.Foreach!.ResultsName, value);
        Observer?.ForeachEnded(flowName, state, value, clock.Elapsed);
    }
}
