using Playbook.Compiling;

namespace Playbook.EngineCore;

/// <summary>Hears every event of a run as it happens, in order within each flow: a real run journals
/// them (crash-safe, before the next action starts) and shows them; a dry run has no observer.
/// <paramref name="flow"/> names where the event happened: "" for the main flow, a branch name for a
/// parallel branch (branch names are unique in a playbook); a called playbook's observer prefixes its own.
/// Called from concurrent branches at once in a real run: implementations must be thread-safe.</summary>
public interface IRunObserver
{
    void StateEntered(string flow, CompiledState state, TimeSpan at);

    /// <summary>An attempt is about to start: on disk before the action runs (the intent).</summary>
    void AttemptStarting(string flow, CompiledState state, int attempt, TimeSpan at);

    /// <summary>An attempt finished (its completion), with the result its guards will read.</summary>
    void AttemptEnded(string flow, CompiledState state, TimelineEntry entry, IReadOnlyDictionary<string, object?>? outputs);

    void Captured(string flow, CompiledState state, string name, object? value);

    void Moved(string flow, CompiledState from, CompiledTransition transition, TimeSpan at);

    /// <summary>A branch of a parallel finished (<c>ok</c>, <c>fail</c>, or <c>cancelled</c> once the join was decided).</summary>
    void BranchEnded(string flow, CompiledState parallel, string branch, string outcome, TimeSpan at);

    /// <summary>A foreach read its list (<paramref name="items"/>, all of them): on disk before its first item
    /// starts, so a resume walks the same items.</summary>
    void ForeachStarted(string flow, CompiledState loop, System.Collections.IList items, TimeSpan at) { }

    /// <summary>Item <paramref name="index"/> (from 0) of a foreach starts; its states' flow is <c>NAME[index+1]</c>.</summary>
    void ItemStarted(string flow, CompiledState loop, int index, object? item, TimeSpan at) { }

    /// <summary>Item <paramref name="index"/> (from 0) ended <c>ok</c>, <c>fail</c>, or <c>cancelled</c> (its phase's deadline
    /// cut it off): a resume does not run it again. <paramref name="given"/> is <c>scenario</c> when a rehearsal's scenario
    /// gave the outcome (the body did not run).</summary>
    void ItemEnded(string flow, CompiledState loop, int index, string outcome, TimeSpan at, string? given = null) { }

    /// <summary>A foreach is over: <paramref name="results"/> is what guards read as <c>NAME.results</c>.</summary>
    void ForeachEnded(string flow, CompiledState loop, object? results, TimeSpan at) { }

    /// <summary>The run reached its end (<paramref name="end"/>: an end state, <c>aborted</c> or <c>interrupted</c>)
    /// and its cleanup starts, in <paramref name="flow"/> (the cleanup's own flow).</summary>
    void CleanupStarted(string flow, string end, RunStatus status, string? reason, TimeSpan at) { }

    /// <summary>The cleanup finished: <c>ok</c>, <c>fail</c>, <c>aborted</c> or <c>interrupted</c>.</summary>
    void CleanupEnded(string flow, string outcome, string? reason, TimeSpan at) { }
}
