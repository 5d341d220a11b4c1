using System.Collections;
using Playbook.Compiling;

namespace Playbook.EngineCore;

/// <summary>A foreach on a real clock: up to <c>parallel</c> items really run at once, each in its own scope
/// (its item and its captures) and on its own state machine, so items side by side never see each other's
/// values. Items start in list order as lanes free up; a resume first starts again every item that was in flight.</summary>
public sealed partial class PlaybookEngine
{
    private async ValueTask<StepOutcome> ForeachAtOnceAsync(CompiledState state, Run run, RunClock clock, string? branch, TimeSpan? deadline,
        CancellationToken ct, ForeachResume? before, IList items, TimeSpan startedAt)
    {
        var spec = state.Foreach!;
        var flowName = branch ?? "";
        var body = state.Branches.Count > 0 ? state.Branches[0] : null;
        var outcomes = new string?[items.Count];
        var captures = new IReadOnlyDictionary<string, object?>?[items.Count];
        // Items that ended before the run stopped are not run again; those in flight go first, then the rest in order.
        var order = new List<int>(items.Count);
        var inFlight = 0;
        for (var i = 0; i < items.Count && body is not null; i++)
        {
            ItemResume? itemBefore = null;
            before?.Started.TryGetValue(i, out itemBefore);
            if (itemBefore?.Outcome is { } done)
            {
                outcomes[i] = done;
                captures[i] = itemBefore.Captures;
            }
            else if (itemBefore is not null) order.Insert(inFlight++, i);
            else order.Add(i);
        }

        var width = Math.Max(1, spec.Parallel);
        var parent = Here;
        var captured = body is null ? new List<string>() : body.States.SelectMany(s => s.Captures).Select(c => c.Name).Distinct(StringComparer.Ordinal).ToList();
        var machines = new Stack<MachineDriver>();
        var going = new Dictionary<Task, MachineDriver>();
        // An item that fails unexpectedly (not an outcome: a bug, a broken journal) stops the others before it is rethrown.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _itemsAtOnce = true;
        Exception? broken = null;
        var next = 0;
        while (next < order.Count || going.Count > 0)
        {
            // The items a resume found in flight all start again at once (never more than 'parallel' of them: the journal was checked).
            // Past the phase's deadline no new item starts; those a resume found in flight do, and end cut off at once.
            while (broken is null && !stop.IsCancellationRequested && next < order.Count && (going.Count < width || next < inFlight)
                   && (next < inFlight || deadline is not { } dl || clock.Elapsed < dl))
            {
                var index = order[next++];
                ItemResume? itemBefore = null;
                before?.Started.TryGetValue(index, out itemBefore);
                var machine = machines.Count > 0 ? machines.Pop() : new MachineDriver(_playbook, body!.States);
                if (itemBefore is null) Observer?.ItemStarted(flowName, state, index, items[index], clock.Elapsed);
                var task = RunItemAsync(state, body!, index, items[index], itemBefore, parent, captured, machine, run, clock, flowName, outcomes, captures, deadline, stop.Token);
                going.Add(task, machine);
            }
            if (going.Count == 0) break;
            var finished = await Task.WhenAny(going.Keys).ConfigureAwait(false);
            machines.Push(going[finished]);
            going.Remove(finished);
            try
            {
                await finished.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped with the run (or by the broken item below): nothing is journaled for it, so a resume runs it again.
            }
            catch (Exception e) when (broken is null)
            {
                broken = e;
                await stop.CancelAsync().ConfigureAwait(false);
            }
        }
        if (broken is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(broken);
        ct.ThrowIfCancellationRequested();

        var results = new List<object?>(items.Count);
        var failed = new List<string>();
        int cut = 0, unstarted = 0;
        for (var i = 0; i < items.Count && body is not null; i++)
        {
            // An item with no outcome never started: the phase's deadline came first.
            if (outcomes[i] is null) unstarted++;
            else if (outcomes[i] == ItemCutOff) cut++;
            else if (outcomes[i] != "ok") failed.Add(RunScope.Display(items[i]));
            results.Add(ItemResult(items[i], i, outcomes[i] ?? ItemCutOff, new Dictionary<string, object?>(captures[i] ?? new Dictionary<string, object?>(), StringComparer.Ordinal)));
        }
        SetResults(state, flowName, results, clock);
        return Joined(state, run, clock, branch, deadline, startedAt, clock.Elapsed, items.Count, failed, cut, unstarted);
    }

    /// <summary>One item, in a scope of its own: the body's captures start unset (null) and the item is bound;
    /// a resumed item gets back what it had captured. Its end is journaled as soon as it ends, so a resume
    /// never runs it again.</summary>
    private async Task RunItemAsync(CompiledState state, CompiledBranch body, int index, object? item, ItemResume? itemBefore, RunScope parent,
        List<string> captured, MachineDriver machine, Run run, RunClock clock, string flowName, string?[] outcomes,
        IReadOnlyDictionary<string, object?>?[] captures, TimeSpan? deadline, CancellationToken ct)
    {
        // Off the scheduler's thread, so every item starts now rather than when the one before it first waits.
        await Task.Yield();
        var scope = parent.ForItem();
        foreach (var name in captured) scope.Set(name, null);
        if (itemBefore is not null)
            foreach (var (name, v) in itemBefore.Captures) scope.Capture(name, v);
        scope.Set(state.Foreach!.Item, item);
        // Flows to every step of this item (and only this item): the engine's reads and captures go to its scope.
        _itemScope.Value = scope;
        var label = ItemLabel(state, index);
        var from = itemBefore?.Flow?.State ?? body.Entry;
        machine.Reset(from);
        // The phase's deadline reaches into the item: its step in flight is stopped then, as a timeout stops it.
        var flow = await RunStatesAsync(from, run, clock, label, machine, ct, itemBefore?.Flow, deadline).ConfigureAwait(false);
        var outcome = ItemOutcome(state, run, clock, label, flow);
        captures[index] = scope.Captures;
        outcomes[index] = outcome;
        Observer?.ItemEnded(flowName, state, index, outcome, clock.Elapsed);
    }
}
