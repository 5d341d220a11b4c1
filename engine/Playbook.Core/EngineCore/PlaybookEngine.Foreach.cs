using System.Collections;
using System.Globalization;
using Playbook.Compiling;

namespace Playbook.EngineCore;

/// <summary>Foreach: the body (a child machine, like a parallel's branch) once per item of the list.
/// On a virtual clock items are laid out on <c>parallel</c> lanes, each item starting when a lane is free,
/// so the simulated time is what K at once would take; on a real clock items run one after another
/// (never more than K at once).</summary>
public sealed partial class PlaybookEngine
{
    /// <summary>How many failing items a note names before it says "and N more".</summary>
    private const int NamedFailures = 10;

    private async ValueTask<StepOutcome> ForeachAsync(CompiledState state, Run run, RunClock clock, TimeSpan? deadline, CancellationToken ct)
    {
        var spec = state.Foreach!;
        var startedAt = clock.Elapsed;
        run.SetAttempt(state.Name, 1);

        object? value;
        var script = _runner as IForeachScript;
        try
        {
            // A dry run may be told the list (a scenario's items, a drawn count): the expression is then not read.
            value = script?.ItemsFor(state, () => _scope.Evaluate(spec.List) as IReadOnlyList<object?>) is { } given
                ? given as IList ?? given.ToList()
                : _scope.Evaluate(spec.List);
        }
        catch (ExpressionFailedException e)
        {
            return FailForeach(state, run, clock, startedAt, $"its list could not be read: {e.Message}");
        }
        if (value is not IList items)
            return FailForeach(state, run, clock, startedAt, $"its list is {(value is null ? "null" : "not a list")}: 'each' needs a list");
        if (spec.Max is { } max && items.Count > max)
            return FailForeach(state, run, clock, startedAt, $"its list has {items.Count} items, more than max {max}: nothing was run");

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
            // One item never reads another's captures: the body's names are cleared before each item.
            foreach (var name in captured) _scope.Forget(name);
            _scope.Set(spec.Item, item);

            var lane = 0;
            for (var l = 1; l < lanes.Length; l++)
                if (lanes[l] < lanes[lane]) lane = l;
            var itemClock = virtualClock is not null ? new VirtualClock(virtualClock.StartedAt, lanes[lane]) : clock;
            var label = ItemLabel(state, i);
            bool ok;
            if (script?.OutcomeFor(state, item) is { } told)
            {
                // The scenario gave this item's outcome: its body does not run, and it takes no time.
                ok = told == "ok";
                run.Add(new TimelineEntry(itemClock.Elapsed, state.Name, 1, told, TimeSpan.Zero, label, "item outcome given by scenario"));
            }
            else
            {
                var machine = MachineFor(body);
                machine.Reset(body.Entry);
                var flow = await RunStatesAsync(body.Entry, run, itemClock, label, machine, ct).ConfigureAwait(false);
                if (flow.Reason is not null && flow.BranchOutcome is null && flow.End is null)
                    run.Add(new TimelineEntry(itemClock.Elapsed, state.Name, 1, "item aborted", TimeSpan.Zero, label, flow.Reason));
                ok = BranchSucceeded(flow.BranchOutcome);
            }
            if (!ok) failed.Add(RunScope.Display(item));
            var itemCaptures = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var name in captured)
                if (_scope.Values.TryGetValue(name, out var v)) itemCaptures[name] = v;
            results.Add(new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["item"] = item,
                ["index"] = (long)i,
                ["outcome"] = ok ? "ok" : "fail",
                ["captures"] = itemCaptures,
            });
            lanes[lane] = itemClock.Elapsed;
            if (itemClock.Elapsed > end) end = itemClock.Elapsed;
        }
        _scope.Forget(spec.Item);
        _scope.Set(spec.ResultsName, new Dictionary<string, object?>(StringComparer.Ordinal) { ["results"] = results });

        var outcome = failed.Count == 0 ? "ok" : "fail";
        var deadlineHit = false;
        if (deadline is { } dl && end > dl)
        {
            end = dl;
            deadlineHit = true;
            outcome = "timeout";
        }
        clock.JoinAt(end);
        run.Add(new TimelineEntry(startedAt, state.Name, 1, deadlineHit ? "deadline" : outcome, end - startedAt, null, ForeachNote(items.Count, failed)));
        return new StepOutcome(outcome, DeadlineHit: deadlineHit);
    }

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

    private StepOutcome FailForeach(CompiledState state, Run run, RunClock clock, TimeSpan startedAt, string why)
    {
        run.Add(new TimelineEntry(startedAt, state.Name, 1, "fail", clock.Elapsed - startedAt, null, $"foreach '{state.Name}': {why}"));
        _scope.Set(state.Foreach!.ResultsName, new Dictionary<string, object?>(StringComparer.Ordinal) { ["results"] = new List<object?>() });
        return new StepOutcome("fail");
    }
}
