using Playbook.LiveRuns;
using Playbook.Reporting;
using Playbook.Simulation;

namespace Playbook.Cli.Commands;

/// <summary>The plan beside a run's report: read from the playbook the run started from, only while that file
/// is byte for byte the same (the journal keeps its sha256). Never fails the report: a missing, changed or now
/// invalid playbook gives a plan that says why it is not shown.</summary>
internal static class ReportPlanLoader
{
    public static ReportPlan Load(JournaledRun run)
    {
        var path = run.PlaybookPath;
        if (path.Length == 0 || !File.Exists(path)) return ReportPlan.Unavailable($"the playbook {path} is no longer there");
        try
        {
            if (LiveRun.Sha256Of(path) != run.Sha256) return ReportPlan.Unavailable($"the playbook {path} has changed since the run");
            var loaded = PlaybookLoader.Load(path, TextWriter.Null, color: false, "report on");
            if (loaded is null) return ReportPlan.Unavailable($"the playbook {path} does not check any more");
            var playbook = loaded.Compiled;
            var (values, errors) = EngineCore.RunParameters.Bind(playbook, run.Inputs, Simulator.PlaceholderSecret);
            // Without hints every simulated step takes no time: figures that say nothing are not shown.
            Func<Action<int, EngineCore.RunResult>, MonteCarloResult?>? simulate = errors.Count > 0 || HintCoverage.HasNoHints(playbook) ? null
                : eachRun => new Simulator(playbook, loaded.ResolveCallee)
                    .MonteCarloAsync(ReportPlan.SimulatedRuns, ReportPlan.SimulationSeed, values, workers: 1, eachRun: eachRun).AsTask().GetAwaiter().GetResult();
            return ReportPlan.Of(playbook, loaded.CalleeWorstCase, simulate);
        }
        catch (IOException e)
        {
            return ReportPlan.Unavailable($"the playbook {path} cannot be read: {e.Message}");
        }
    }
}
