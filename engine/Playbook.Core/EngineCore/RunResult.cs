using Playbook.Text;

namespace Playbook.EngineCore;

public enum RunStatus
{
    Success,
    Failure,
    Aborted,
}

/// <summary>One attempt of one state, as it happened on the run's clock.</summary>
public sealed record TimelineEntry(TimeSpan At, string State, int Attempt, string Outcome, TimeSpan Duration, string? Branch = null, string? Note = null)
{
    /// <summary>The entries ordered by <see cref="At"/>, stably (as OrderBy): the list itself when it already is
    /// (only parallel branches, each on its own clock, write out of order), so most runs sort nothing.</summary>
    internal static List<TimelineEntry> InOrder(List<TimelineEntry> entries)
    {
        for (var i = 1; i < entries.Count; i++)
        {
            if (entries[i].At < entries[i - 1].At) return entries.OrderBy(t => t.At).ToList();
        }
        return entries;
    }
}

/// <summary>What the cleanup did: <c>ok</c> (its last state ended <c>ok</c> or approved), <c>fail</c> (it ended with
/// any other outcome), <c>aborted</c> (a guard failed, or it looped) or <c>interrupted</c>; with the reason when it
/// did not end ok, when it started on the run's clock and how long it took.</summary>
public sealed record CleanupResult(string Outcome, string? Reason, TimeSpan StartedAt, TimeSpan Elapsed)
{
    public bool Succeeded => Outcome == "ok";
}

/// <summary>How a run ended: the end state (null when aborted), the states entered in order, every
/// attempt, the captured values and the time it took on its clock.</summary>
public sealed record RunResult(
    string? End,
    RunStatus Status,
    IReadOnlyList<string> Path,
    IReadOnlyList<TimelineEntry> Timeline,
    TimeSpan Elapsed,
    IReadOnlyDictionary<string, object?> Captures,
    IReadOnlyDictionary<string, int> Attempts,
    string? Reason)
{
    /// <summary>Every transition taken, as (state it left, index of the transition in that state's
    /// declaration order; for a phase deadline, the phase). Scenario coverage reads this.</summary>
    public IReadOnlyList<(string From, int Index)> Taken { get; init; } = Array.Empty<(string, int)>();

    /// <summary>What the playbook's cleanup did, or null when it has none. Its outcome never changes
    /// <see cref="Status"/>; <see cref="Elapsed"/> is the time until the end, without the cleanup's.</summary>
    public CleanupResult? Cleanup { get; init; }

    /// <summary>The end's message with its holes filled from the run's values, as the run ended; only in a run on
    /// the real clock (a dry run never renders it: Monte Carlo would pay for it a thousand times), null without one.</summary>
    public string? EndMessage { get; init; }

    /// <summary>A stop signal ended the main flow (only when the playbook has a cleanup, which then ran):
    /// the run is over, <see cref="Status"/> is aborted, and <c>playbook run</c> exits 130.</summary>
    public bool Interrupted { get; init; }

    public string StatusText => Status switch
    {
        RunStatus.Success => "success",
        RunStatus.Failure => "failure",
        _ => "aborted",
    };

    public string ElapsedText => DurationText.Format(Elapsed);
}
