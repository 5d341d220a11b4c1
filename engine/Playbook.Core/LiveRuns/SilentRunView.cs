using Playbook.Compiling;
using Playbook.EngineCore;

namespace Playbook.LiveRuns;

/// <summary>A view that shows nothing and can answer nothing (a manual step then waits for its timeout):
/// for running playbooks from code, tests and benchmarks. The journal still records everything.</summary>
public sealed class SilentRunView : IRunView
{
    public void Started(string runId, CompiledPlaybook playbook, string journalPath, IReadOnlyList<string>? resumedAfter) { }

    public void StateEntered(string flow, CompiledState state, TimeSpan at) { }

    public void AttemptStarting(string flow, CompiledState state, int attempt, TimeSpan at) { }

    public void AttemptEnded(string flow, CompiledState state, TimelineEntry entry, IReadOnlyDictionary<string, object?>? outputs) { }

    public void Captured(string flow, CompiledState state, string name, object? value) { }

    public void Moved(string flow, CompiledState from, CompiledTransition transition, TimeSpan at) { }

    public void BranchEnded(string flow, CompiledState parallel, string branch, string outcome, TimeSpan at) { }

    public void Notify(string flow, CompiledState state, string message) { }

    public void Say(string message) { }

    public Task<ManualAnswer?> AskAsync(ManualRequest request, CancellationToken cancellationToken) => Task.FromResult<ManualAnswer?>(null);

    public void Finished(RunResult? result) { }
}
