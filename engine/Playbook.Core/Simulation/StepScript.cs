namespace Playbook.Simulation;

/// <summary>What a scenario says one attempt of a state returns. Any field may be left out: no outcome
/// means ok (approve for a manual step), no duration means the middle of the state's simulate range (or
/// no time).</summary>
public sealed record StepScript(
    string? Outcome = null,
    TimeSpan? Duration = null,
    IReadOnlyDictionary<string, object?>? Captures = null,
    IReadOnlyDictionary<string, object?>? Outputs = null);

/// <summary>How the simulator picks what a state does when nobody said.</summary>
public enum HintMode
{
    /// <summary>Succeed, taking the middle of the simulate duration (scenario tests and single dry runs).</summary>
    Middle,
    /// <summary>Draw from the simulate hints: duration uniform in A..B, fail with probability P (Monte Carlo).</summary>
    Sampled,
}

/// <summary>Everything a dry run is told: scripted attempts per state, forced failures, manual answers.</summary>
public sealed class SimulationScript
{
    public Dictionary<string, IReadOnlyList<StepScript>> Steps { get; } = new(StringComparer.Ordinal);

    /// <summary>--fail STEP (every attempt: int.MaxValue) or --fail STEP=N (the first N attempts).</summary>
    public Dictionary<string, int> Failures { get; } = new(StringComparer.Ordinal);

    /// <summary>A foreach's list and per-item outcomes, by foreach name (scenario <c>items</c>/<c>outcomes</c>).</summary>
    public Dictionary<string, ForeachScript> Foreach { get; } = new(StringComparer.Ordinal);

    /// <summary>--answer STEP=approve|reject|timeout.</summary>
    public Dictionary<string, string> Answers { get; } = new(StringComparer.Ordinal);

    public HintMode Mode { get; init; } = HintMode.Middle;

    public static SimulationScript Empty { get; } = new();

    /// <summary>The script for attempt <paramref name="attempt"/> (1-based); past the end of a list, its last entry repeats.</summary>
    public StepScript? For(string state, int attempt)
    {
        if (!Steps.TryGetValue(state, out var list) || list.Count == 0) return null;
        return list[Math.Min(attempt, list.Count) - 1];
    }
}
