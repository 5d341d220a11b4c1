using Playbook.EngineCore;
using Playbook.Reporting;
using Xunit;

namespace Playbook.Tests.Reporting;

/// <summary>A phase's simulated P50/P90 in a report: measured in each dry run from its first attempt's start to its
/// last attempt's end, over the runs that entered it, by nearest rank (as Monte Carlo's own figures).</summary>
public sealed class PhaseSimulationTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static RunResult Run(params TimelineEntry[] timeline) =>
        new("done", RunStatus.Success, timeline.Select(e => e.State).Distinct().ToList(), timeline, timeline.Max(e => e.At + e.Duration),
            new Dictionary<string, object?>(), new Dictionary<string, int>(), null);

    [Fact]
    public void Each_phase_gets_its_own_p50_and_p90_over_the_dry_runs_that_entered_it()
    {
        var phases = new[]
        {
            new PlannedPhase("first", S(60), ["a", "b"]),
            new PlannedPhase("second", null, ["c"]),
            new PlannedPhase("never", null, ["z"]),
        };
        var collector = new PhaseSimulation(phases, 4);
        // "first" takes 3, 5, 7 and 9 s (from a's start to b's end, a retry of b included); "second" 10 and 20 s in
        // the two runs that reach it, 0.5 s after "first" ends.
        collector.Add(0, Run(new(S(0), "a", 1, "ok", S(1)), new(S(1), "b", 1, "ok", S(2)), new(S(3.5), "c", 1, "ok", S(10))));
        collector.Add(3, Run(new(S(1), "a", 1, "ok", S(2)), new(S(3), "b", 1, "fail", S(1)), new(S(6), "b", 2, "ok", S(4))));
        collector.Add(1, Run(new(S(0), "a", 1, "ok", S(5)), new(S(5), "b", 1, "ok", S(0))));
        collector.Add(2, Run(new(S(0), "a", 1, "ok", S(3)), new(S(3), "b", 1, "ok", S(4)), new(S(7.5), "c", 1, "ok", S(20))));

        var figures = collector.Finish();

        Assert.Equal(new SimulatedPhase(S(5), S(9), 4), figures["first"]);
        Assert.Equal(new SimulatedPhase(S(10), S(20), 2), figures["second"]);
        // No dry run entered it: no figure, rather than a zero that would read as "instant".
        Assert.False(figures.ContainsKey("never"));
    }
}
