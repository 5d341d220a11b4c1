using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.LiveRuns.Actions;

namespace Playbook.LiveRuns;

/// <summary>Redacts everything on its way to a view with the run's own redactor, which knows the secrets
/// read from files and commands: the view (the CLI's terminal) only knows the environment.</summary>
internal sealed class RedactingRunView(IRunView inner, Redactor redactor) : IRunView
{
    public void Started(string runId, CompiledPlaybook playbook, string journalPath, IReadOnlyList<string>? resumedAfter) =>
        inner.Started(runId, playbook, journalPath, resumedAfter);

    public void StateEntered(string flow, CompiledState state, TimeSpan at) => inner.StateEntered(flow, state, at);

    public void AttemptStarting(string flow, CompiledState state, int attempt, TimeSpan at) => inner.AttemptStarting(flow, state, attempt, at);

    public void AttemptEnded(string flow, CompiledState state, TimelineEntry entry, IReadOnlyDictionary<string, object?>? outputs) =>
        inner.AttemptEnded(flow, state, entry.Note is null ? entry : entry with { Note = redactor.Redact(entry.Note) },
            outputs is null ? null : (IReadOnlyDictionary<string, object?>?)redactor.Redact(outputs));

    public void Captured(string flow, CompiledState state, string name, object? value) => inner.Captured(flow, state, name, redactor.Redact(value));

    public void Moved(string flow, CompiledState from, CompiledTransition transition, TimeSpan at) => inner.Moved(flow, from, transition, at);

    public void BranchEnded(string flow, CompiledState parallel, string branch, string outcome, TimeSpan at) =>
        inner.BranchEnded(flow, parallel, branch, outcome, at);

    public void Notify(string flow, CompiledState state, string message) => inner.Notify(flow, state, redactor.Redact(message));

    public void Say(string message) => inner.Say(redactor.Redact(message));

    public Task<ManualAnswer?> AskAsync(ManualRequest request, CancellationToken cancellationToken) =>
        inner.AskAsync(request with { Prompt = redactor.Redact(request.Prompt) }, cancellationToken);

    public void Finished(RunResult? result) =>
        inner.Finished(result?.Reason is { } reason ? result with { Reason = redactor.Redact(reason) } : result);
}
