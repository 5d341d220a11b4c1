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
        var captured = body is null ? new List<string>() : body.States.SelectMany(s => s.Captures).Select(c => c.Name).Distinct(StringComparer.Ordinal).ToList();
        var results = new List<object?>(items.Count);
        var failed = new List<string>();
        var lanes = new TimeSpan[Math.Max(1, Math.Min(spec.Parallel, Math.Max(1, items.Count)))];
        Array.Fill(lanes, startedAt);
        var end = startedAt;
        var virtualClock = clock as VirtualClock;

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
            string outcome;
            if (itemBefore?.Outcome is { } done)
            {
                // Finished before the run stopped: never run again.
                outcome = done;
            }
            else if (script?.OutcomeFor(state, item) is { } told)
            {
                // The scenario gave this item's outcome: its body does not run, and it takes no time.
                _scope.Set(spec.Item, item);
                outcome = told == "ok" ? "ok" : "fail";
                var at = virtualClock is not null ? lanes.Min() : clock.Elapsed;
                // A rehearsal journals it as any item (a dry run has no observer): its journal says every item started and ended.
                Observer?.ItemStarted(flowName, state, i, item, at);
                run.Add(new TimelineEntry(at, state.Name, 1, told, TimeSpan.Zero, ItemLabel(state, i), "item outcome given by scenario"));
                Observer?.ItemEnded(flowName, state, i, outcome, at);
            }
            else
            {
                _scope.Set(spec.Item, item);
                var lane = 0;
                for (var l = 1; l < lanes.Length; l++)
                    if (lanes[l] < lanes[lane]) lane = l;
                var itemClock = virtualClock is not null ? new VirtualClock(virtualClock.StartedAt, lanes[lane]) : clock;
                var label = ItemLabel(state, i);
                var machine = MachineFor(body);
                var from = itemBefore?.Flow?.State ?? body.Entry;
                machine.Reset(from);
                if (itemBefore is null) Observer?.ItemStarted(flowName, state, i, item, itemClock.Elapsed);
                var flow = await RunStatesAsync(from, run, itemClock, label, machine, ct, itemBefore?.Flow).ConfigureAwait(false);
                if (flow.Reason is not null && flow.BranchOutcome is null && flow.End is null)
                    run.Add(new TimelineEntry(itemClock.Elapsed, state.Name, 1, "item aborted", TimeSpan.Zero, label, flow.Reason));
                outcome = BranchSucceeded(flow.BranchOutcome) ? "ok" : "fail";
                Observer?.ItemEnded(flowName, state, i, outcome, itemClock.Elapsed);
                lanes[lane] = itemClock.Elapsed;
                if (itemClock.Elapsed > end) end = itemClock.Elapsed;
            }
            if (outcome != "ok") failed.Add(RunScope.Display(item));
            var itemCaptures = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var name in captured)
                if (_scope.Values.TryGetValue(name, out var v)) itemCaptures[name] = v;
            results.Add(ItemResult(item, i, outcome, itemCaptures));
        }
        _scope.Forget(spec.Item);
        SetResults(state, flowName, results, clock);

        var foreachOutcome = failed.Count == 0 ? "ok" : "fail";
        var deadlineHit = false;
        if (deadline is { } dl && end > dl)
        {
            end = dl;
            deadlineHit = true;
            foreachOutcome = "timeout";
        }
        clock.JoinAt(end);
        Record(run, state, new TimelineEntry(startedAt, state.Name, 1, deadlineHit ? "deadline" : foreachOutcome, end - startedAt, branch, ForeachNote(items.Count, failed)));
        return new StepOutcome(foreachOutcome, DeadlineHit: deadlineHit);
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

    /// <summary>The address of one item's states: <c>FOREACH[index]</c>, numbered from 1 as people count.</summary>
    internal static string ItemLabel(CompiledState foreachState, int index) =>
        foreachState.Name + "[" + (index + 1).ToString(CultureInfo.InvariantCulture) + "]";

    private static string ForeachNote(int count, List<string> failed)
    {
        if (failed.Count == 0) return $"{count} of {count} items ok";
        var named = string.Join(", ", failed.Take(NamedFailures));
        var more = failed.Count > NamedFailures ? $" and {failed.Count - NamedFailures} more" : "";
        return $"{failed.Count} of {count} items failed: {named}{more}";
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
