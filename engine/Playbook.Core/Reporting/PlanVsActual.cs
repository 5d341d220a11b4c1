using Playbook.LiveRuns;
using Playbook.Text;
using Scriban.Runtime;

namespace Playbook.Reporting;

/// <summary>What the playbook planned beside what happened, for the run and per phase: the checker's worst case
/// (the bound it compares with the RTO) and a seeded simulation's P50/P90 (from the playbook's hints), next to
/// the time the run and each phase took. Durations come as text and as _ms numbers; a figure that is not known
/// (no plan, an unbounded worst case, no hints) is null, never zero.</summary>
internal static class PlanVsActual
{
    /// <summary>The template's <c>plan</c>: <c>available</c>, <c>missing</c> (why not), <c>worst_case</c> (to the end
    /// the run reached), <c>worst_case_any</c> (the longest to any end), <c>p50</c>, <c>p90</c>, <c>runs</c>,
    /// <c>seed</c>, <c>success_rate</c> (percent), <c>actual</c>, and <c>phases</c>: <c>name</c>, <c>budget</c>,
    /// <c>worst_case</c> (its states' share of the worst path to the run's end), <c>p50</c> and <c>p90</c> (in the
    /// dry runs that entered it, <c>runs</c> of them), <c>actual</c> (from its first state entered to its last
    /// attempt's end), <c>within_budget</c>.</summary>
    public static ScriptObject Model(JournaledRun run, ReportPlan plan)
    {
        var model = new ScriptObject
        {
            ["available"] = plan.Missing is null,
            ["missing"] = plan.Missing ?? "",
            ["actual"] = DurationText.Format(run.Elapsed),
            ["actual_ms"] = (long)run.Elapsed.TotalMilliseconds,
        };
        var toEnd = run.End is { } end && plan.WorstCase.TryGetValue(end, out var w) ? w : null;
        Put(model, "worst_case", toEnd);
        Put(model, "worst_case_any", plan.WorstCase.Count == 0 || plan.WorstCase.Values.Any(v => v is null) ? null : plan.WorstCase.Values.Max());
        model["worst_case_unbounded"] = plan.WorstCase.Values.Any(v => v is null);
        var sim = plan.Simulated;
        Put(model, "p50", sim?.P50);
        Put(model, "p90", sim?.P90);
        model["runs"] = sim?.Runs;
        model["seed"] = sim?.Seed;
        model["success_rate"] = sim is null ? null : Math.Round(sim.SuccessRate * 100, 1);

        var phases = new ScriptArray();
        var path = run.End is { } e && plan.WorstPath.TryGetValue(e, out var p) ? p : null;
        foreach (var phase in plan.Phases)
        {
            var entered = run.Records.Where(r => r.Type == "state-entered" && phase.Members.Contains(r.Body.String("state") ?? "")).Select(r => r.Body.Millis("at_ms")).ToList();
            var ended = run.Records.Where(r => r.Type == "attempt-ended" && phase.Members.Contains(r.Body.String("state") ?? ""))
                .Select(r => r.Body.Millis("at_ms") + r.Body.Millis("duration_ms")).ToList();
            TimeSpan? actual = entered.Count == 0 ? null : (ended.Count == 0 ? entered.Max() : ended.Max()) - entered.Min();
            TimeSpan? worst = path is null ? null : path.Where(s => s.State == phase.Name || phase.Members.Contains(s.State)).Aggregate(TimeSpan.Zero, (a, s) => a + s.Time);
            // A phase is cut at its budget: its worst case is never more.
            if (worst is { } wc && phase.Budget is { } b && wc > b) worst = b;
            var row = new ScriptObject { ["name"] = phase.Name, ["entered"] = entered.Count > 0 };
            Put(row, "budget", phase.Budget);
            Put(row, "worst_case", worst);
            Put(row, "actual", actual);
            var simulatedPhase = plan.SimulatedPhases.GetValueOrDefault(phase.Name);
            Put(row, "p50", simulatedPhase?.P50);
            Put(row, "p90", simulatedPhase?.P90);
            // How many of the dry runs entered the phase: its P50/P90 are over those.
            row["runs"] = simulatedPhase?.Runs;
            row["within_budget"] = actual is { } a && phase.Budget is { } budget ? a <= budget : null;
            phases.Add(row);
        }
        model["phases"] = phases;
        return model;
    }

    private static void Put(ScriptObject model, string name, TimeSpan? value)
    {
        model[name] = value is { } v ? DurationText.Format(v) : null;
        model[name + "_ms"] = value is { } m ? (long?)m.TotalMilliseconds : null;
    }
}
