using Playbook.Compiling;
using Playbook.EngineCore;

namespace Playbook.LiveRuns;

/// <summary>What the person running a playbook sees: every event as it happens (already redacted), the
/// notifications, and the questions of manual steps. The CLI shows a live view on a terminal and plain
/// lines otherwise; tests capture it.</summary>
public interface IRunView : IRunObserver
{
    /// <summary>The run starts, or (with <paramref name="resumedAfter"/>: the states it had entered) continues.</summary>
    void Started(string runId, CompiledPlaybook playbook, string journalPath, IReadOnlyList<string>? resumedAfter);

    void Notify(string flow, CompiledState state, string message);

    /// <summary>Something the runner wants said (a waiting question with no terminal, a stopped process group).</summary>
    void Say(string message);

    /// <summary>Asks a person on the terminal; null when there is no one to ask (not a terminal).</summary>
    Task<ManualAnswer?> AskAsync(ManualRequest request, CancellationToken cancellationToken);

    /// <summary>The run ended (or, with null, was interrupted and can be resumed).</summary>
    void Finished(RunResult? result);
}
