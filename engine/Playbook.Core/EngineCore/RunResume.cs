using Playbook.Compiling;

namespace Playbook.EngineCore;

/// <summary>What to do with an attempt that had started when the run stopped and never reported back:
/// run it again, count it as done (<c>ok</c>), or count it as failed.</summary>
public enum InFlightChoice
{
    Rerun,
    Skip,
    Fail,
}

/// <summary>Where one flow (the main one, or a branch) stood when its run stopped, rebuilt from the
/// journal; the engine continues it from exactly there.</summary>
public sealed class FlowResume
{
    public required CompiledState State { get; init; }

    /// <summary>False when the flow had moved to <see cref="State"/> but not yet entered it.</summary>
    public bool Entered { get; init; } = true;

    public TimeSpan EnteredAt { get; init; }

    /// <summary>When the flow entered the phase <see cref="State"/> is in (its deadline counts from there).</summary>
    public TimeSpan? PhaseEnteredAt { get; init; }

    /// <summary>Attempts (or polls) started in <see cref="State"/>; 0 when none.</summary>
    public int Attempt { get; init; }

    /// <summary>The outcome of attempt <see cref="Attempt"/> when it ended (<c>deadline</c> when its phase ran
    /// out), null when it was in flight.</summary>
    public string? LastOutcome { get; init; }

    public TimeSpan LastEndedAt { get; init; }

    public IReadOnlyDictionary<string, object?>? LastOutputs { get; init; }

    /// <summary>For an attempt in flight: what the engine does with it.</summary>
    public InFlightChoice InFlight { get; init; } = InFlightChoice.Rerun;

    /// <summary>For a parallel: each branch that had started, by name.</summary>
    public IReadOnlyDictionary<string, BranchResume> Branches { get; init; } = new Dictionary<string, BranchResume>();

    /// <summary>For a call in flight: where the called playbook stood.</summary>
    public RunResume? Callee { get; init; }

    /// <summary>For a foreach whose list was journaled: that list and its items so far.</summary>
    public ForeachResume? Foreach { get; init; }
}

/// <summary>A branch that had finished (with its outcome and time) or was still going.</summary>
public sealed record BranchResume(string? Outcome, TimeSpan EndedAt, FlowResume? Flow);

/// <summary>A stopped run rebuilt from its journal: the values its expressions read, what it has done
/// so far (for the result and the report), and where its main flow stood.</summary>
public sealed class RunResume
{
    /// <summary>The captures the run had made (its inputs and secrets are bound again, its lets evaluated again).</summary>
    public IReadOnlyDictionary<string, object?> Captures { get; init; } = new Dictionary<string, object?>();

    /// <summary>When the run started: its clock continues from there.</summary>
    public DateTimeOffset StartedAt { get; init; }

    public required FlowResume Main { get; init; }

    public IReadOnlyList<string> Path { get; init; } = Array.Empty<string>();

    public IReadOnlyList<TimelineEntry> Timeline { get; init; } = Array.Empty<TimelineEntry>();

    public IReadOnlyDictionary<string, int> Attempts { get; init; } = new Dictionary<string, int>();

    public IReadOnlyList<(string From, int Index)> Taken { get; init; } = Array.Empty<(string, int)>();

    /// <summary>Set when the run had reached its end and started its cleanup: the main flow is not run again.</summary>
    public CleanupResume? Cleanup { get; init; }
}

/// <summary>How the run had ended when its cleanup started (<see cref="End"/>: an end state, <c>aborted</c> or
/// <c>interrupted</c>), where the cleanup stood (null: no cleanup state entered yet), and its outcome when it had
/// finished.</summary>
public sealed record CleanupResume(string End, RunStatus Status, string? Reason, TimeSpan StartedAt, FlowResume? Flow, string? Outcome);
