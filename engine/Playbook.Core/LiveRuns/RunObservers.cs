using Playbook.Compiling;
using Playbook.EngineCore;

namespace Playbook.LiveRuns;

/// <summary>The journal first (on disk before anything else happens), then the view.</summary>
public sealed class RunObservers(IRunObserver journal, IRunObserver view) : IRunObserver
{
    public void StateEntered(string flow, CompiledState state, TimeSpan at)
    {
        journal.StateEntered(flow, state, at);
        view.StateEntered(flow, state, at);
    }

    public void AttemptStarting(string flow, CompiledState state, int attempt, TimeSpan at)
    {
        journal.AttemptStarting(flow, state, attempt, at);
        view.AttemptStarting(flow, state, attempt, at);
    }

    public void AttemptEnded(string flow, CompiledState state, TimelineEntry entry, IReadOnlyDictionary<string, object?>? outputs)
    {
        journal.AttemptEnded(flow, state, entry, outputs);
        view.AttemptEnded(flow, state, entry, outputs);
    }

    public void Captured(string flow, CompiledState state, string name, object? value)
    {
        journal.Captured(flow, state, name, value);
        view.Captured(flow, state, name, value);
    }

    public void Moved(string flow, CompiledState from, CompiledTransition transition, TimeSpan at)
    {
        journal.Moved(flow, from, transition, at);
        view.Moved(flow, from, transition, at);
    }

    public void BranchEnded(string flow, CompiledState parallel, string branch, string outcome, TimeSpan at)
    {
        journal.BranchEnded(flow, parallel, branch, outcome, at);
        view.BranchEnded(flow, parallel, branch, outcome, at);
    }

    public void ForeachStarted(string flow, CompiledState loop, System.Collections.IList items, TimeSpan at)
    {
        journal.ForeachStarted(flow, loop, items, at);
        view.ForeachStarted(flow, loop, items, at);
    }

    public void ItemStarted(string flow, CompiledState loop, int index, object? item, TimeSpan at)
    {
        journal.ItemStarted(flow, loop, index, item, at);
        view.ItemStarted(flow, loop, index, item, at);
    }

    public void ItemEnded(string flow, CompiledState loop, int index, string outcome, TimeSpan at, string? given = null)
    {
        journal.ItemEnded(flow, loop, index, outcome, at, given);
        view.ItemEnded(flow, loop, index, outcome, at, given);
    }

    public void ForeachEnded(string flow, CompiledState loop, object? results, TimeSpan at)
    {
        journal.ForeachEnded(flow, loop, results, at);
        view.ForeachEnded(flow, loop, results, at);
    }

    public void CleanupStarted(string flow, string end, RunStatus status, string? reason, TimeSpan at)
    {
        journal.CleanupStarted(flow, end, status, reason, at);
        view.CleanupStarted(flow, end, status, reason, at);
    }

    public void CleanupEnded(string flow, string outcome, string? reason, TimeSpan at)
    {
        journal.CleanupEnded(flow, outcome, reason, at);
        view.CleanupEnded(flow, outcome, reason, at);
    }
}

/// <summary>A called playbook's events, shown with the flow of the call (the journal's own naming), and
/// with the view's redaction: the view never sees an unredacted value.</summary>
public sealed class PrefixedView(IRunView view, JournalScope scope) : IRunObserver
{
    public void StateEntered(string flow, CompiledState state, TimeSpan at) => view.StateEntered(scope.Flow(flow), state, at);

    public void AttemptStarting(string flow, CompiledState state, int attempt, TimeSpan at) => view.AttemptStarting(scope.Flow(flow), state, attempt, at);

    public void AttemptEnded(string flow, CompiledState state, TimelineEntry entry, IReadOnlyDictionary<string, object?>? outputs) =>
        view.AttemptEnded(scope.Flow(flow), state, entry with { Branch = scope.Flow(flow) }, outputs);

    public void Captured(string flow, CompiledState state, string name, object? value) => view.Captured(scope.Flow(flow), state, name, value);

    public void Moved(string flow, CompiledState from, CompiledTransition transition, TimeSpan at) => view.Moved(scope.Flow(flow), from, transition, at);

    public void BranchEnded(string flow, CompiledState parallel, string branch, string outcome, TimeSpan at) =>
        view.BranchEnded(scope.Flow(flow), parallel, branch, outcome, at);

    public void CleanupStarted(string flow, string end, RunStatus status, string? reason, TimeSpan at) =>
        view.CleanupStarted(scope.Flow(flow), end, status, reason, at);

    public void CleanupEnded(string flow, string outcome, string? reason, TimeSpan at) => view.CleanupEnded(scope.Flow(flow), outcome, reason, at);
}
