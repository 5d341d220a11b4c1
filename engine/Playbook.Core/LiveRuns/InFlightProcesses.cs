using System.Collections.Concurrent;
using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.LiveRuns.Actions;

namespace Playbook.LiveRuns;

/// <summary>A process a resume takes over instead of running the attempt again: it waits for the group
/// (if still running) and takes the attempt's outcome from its step files.</summary>
public sealed record AdoptedProcess(int Group, ProcessIdentity? Identity);

/// <summary>A resume's look at what the in-flight attempts' processes left behind, read from their step
/// files and /proc (never trusting the journal for a path):
/// <list type="bullet">
/// <item>the status file holds an exit code: the command ended on its own; its real outcome is taken (no question);</item>
/// <item>no status file, in a gated run: the command never got past its gate, so it never ran; it runs again (no question);</item>
/// <item>started and still running: an orphan; the operator chooses wait or kill (an idempotent step is killed unless told to wait);</item>
/// <item>started and no longer running, no exit code: nobody knows what it did; the in-flight rule (rerun, skip, fail) applies.</item>
/// </list>
/// A resume builds its plan twice with this: once to find the orphans and stop those not waited for, once
/// more after the stops, when what a stopped process left is read again.
/// Step files are local to the host whose runner started the process: an attempt whose process another host started
/// (the journal says which) is never judged from files here, where a missing status file would read as "never
/// started" and a non-idempotent step would run twice.</summary>
internal sealed class InFlightProcesses(string stepsDirectory, bool filesHere, bool previousHolderElsewhere, Func<InFlightAttempt, OrphanChoice?> chooseOrphan)
{
    private readonly string _host = RunStores.LeaseOwner.HostName();

    private readonly Dictionary<string, OrphanChoice> _choices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _outcomes = new(StringComparer.Ordinal);
    private readonly List<InFlightAttempt> _undecided = new();

    /// <summary>Live orphans nobody said what to do with: the resume must not go on.</summary>
    public IReadOnlyList<InFlightAttempt> Undecided => _undecided;

    /// <summary>Attempts whose outcome is taken from their process, by <see cref="KeyOf(string, string, int)"/>.</summary>
    public ConcurrentDictionary<string, AdoptedProcess> Adopted { get; } = new(StringComparer.Ordinal);

    /// <summary>What was found for each attempt (journaled with the resume): ended, never-started, waited, killed, unknown.</summary>
    public string? OutcomeOf(string flow, string state, int attempt) => _outcomes.GetValueOrDefault(KeyOf(flow, state, attempt));

    public static string KeyOf(string flow, string state, int attempt) => $"{flow}\n{state}\n{attempt}";

    /// <summary>Starts a pass over the plan: what the last pass found is found again from the files.</summary>
    public void NewPass()
    {
        _outcomes.Clear();
        _undecided.Clear();
        Adopted.Clear();
    }

    public static bool RunsAProcess(CompiledState state) => state.Action?.Kind is "shell" or "exec";

    /// <summary>For <see cref="ResumePlan.Build"/>: the choice what the process left settles, or null.</summary>
    public InFlightChoice? Settle(InFlightAttempt attempt)
    {
        if (!RunsAProcess(attempt.State)) return null;
        var key = KeyOf(attempt.Flow, attempt.State.Name, attempt.Attempt);
        if (attempt.ProcessHost is { } host && host != _host)
        {
            // Its files are on that host: nothing here says what it did. The in-flight rule applies.
            _outcomes[key] = "unknown";
            return null;
        }
        // An attempt started here reads this host's files even when another host held the run in between; one without
        // a recorded host (no process started, or an older journal) trusts them only if the last holder was this host.
        var gated = filesHere && (attempt.ProcessHost is not null || !previousHolderElsewhere);
        var status = StepFiles.For(stepsDirectory, attempt.Flow, attempt.State.Name, attempt.Attempt).ReadStatus();
        var live = attempt.Processes.LastOrDefault(p => RunProcesses.IsLive(p.Group, p.Identity));
        switch (status.Kind)
        {
            case StepStatusKind.Exited:
                // What is left of its group (a background job) is stopped with the other leftovers.
                _outcomes[key] = "ended";
                Adopted[key] = new AdoptedProcess(0, null);
                return InFlightChoice.Rerun;
            case StepStatusKind.Absent when gated:
                // A leader still at its gate (or just past it) is stopped first; the next pass reads its files again.
                _outcomes[key] = "never-started";
                return InFlightChoice.Rerun;
            case StepStatusKind.Started when live.Group > 0:
                if (!_choices.TryGetValue(key, out var choice))
                {
                    if (chooseOrphan(attempt) is { } chosen) choice = chosen;
                    else if (attempt.Idempotent) choice = OrphanChoice.Kill;
                    else
                    {
                        _undecided.Add(attempt);
                        return null;
                    }
                    _choices[key] = choice;
                }
                if (choice == OrphanChoice.Kill)
                {
                    _outcomes[key] = "killed";
                    return null;
                }
                _outcomes[key] = "waited";
                Adopted[key] = new AdoptedProcess(live.Group, live.Identity);
                return InFlightChoice.Rerun;
            default:
                _outcomes[key] = _choices.TryGetValue(key, out var before) && before == OrphanChoice.Kill ? "killed" : "unknown";
                return null;
        }
    }

    /// <summary>Is <paramref name="group"/> one this resume waits for (so it must not be stopped)?</summary>
    public bool IsWaitedFor(int group) => Adopted.Values.Any(a => a.Group == group);
}
