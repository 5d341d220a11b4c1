using Playbook.EngineCore;

namespace Playbook.Reporting;

/// <summary>A phase's time in a report's dry runs: the nearest-rank P50 and P90 over the runs that entered it
/// (<paramref name="Runs"/> of them), measured as the actual time is, from its first attempt's start to its last
/// attempt's end.</summary>
public sealed record SimulatedPhase(TimeSpan P50, TimeSpan P90, int Runs);

/// <summary>Collects each phase's time from every dry run of a report's simulation (<see cref="Add"/> is handed
/// to Monte Carlo as its per-run callback). Each run writes only its own slot, so the figures do not depend on
/// which worker ran it or in which order: the same seed gives the same report.</summary>
public sealed class PhaseSimulation
{
    private readonly IReadOnlyList<PlannedPhase> _phases;
    private readonly HashSet<string>[] _members;
    private readonly TimeSpan?[][] _times;

    public PhaseSimulation(IReadOnlyList<PlannedPhase> phases, int runs)
    {
        _phases = phases;
        _members = phases.Select(p => new HashSet<string>(p.Members, StringComparer.Ordinal)).ToArray();
        _times = phases.Select(_ => new TimeSpan?[runs]).ToArray();
    }

    /// <summary>Run <paramref name="index"/>'s time in each phase; a run that never entered a phase leaves no figure for it.</summary>
    public void Add(int index, RunResult result)
    {
        for (var p = 0; p < _phases.Count; p++)
        {
            TimeSpan? first = null, last = null;
            foreach (var entry in result.Timeline)
            {
                // A phase's own states (a parallel member's branches are inside its attempt), as the actual time counts them.
                if (!_members[p].Contains(entry.State)) continue;
                if (first is null || entry.At < first) first = entry.At;
                var end = entry.At + entry.Duration;
                if (last is null || end > last) last = end;
            }
            _times[p][index] = first is { } f && last is { } l ? l - f : null;
        }
    }

    /// <summary>Per phase name, its P50 and P90; a phase no run entered has none.</summary>
    public IReadOnlyDictionary<string, SimulatedPhase> Finish()
    {
        var figures = new Dictionary<string, SimulatedPhase>(StringComparer.Ordinal);
        for (var p = 0; p < _phases.Count; p++)
        {
            var times = _times[p].Where(t => t is not null).Select(t => t!.Value).Order().ToArray();
            if (times.Length == 0) continue;
            figures[_phases[p].Name] = new SimulatedPhase(Percentile(times, 0.50), Percentile(times, 0.90), times.Length);
        }
        return figures;
    }

    /// <summary>Nearest rank, as Monte Carlo's own P50/P90: the smallest time that at least p of the runs did not exceed.</summary>
    private static TimeSpan Percentile(TimeSpan[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
