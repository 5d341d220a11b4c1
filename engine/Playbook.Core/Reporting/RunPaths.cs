using Playbook.LiveRuns;
using Scriban.Runtime;

namespace Playbook.Reporting;

/// <summary>The path a run took, flow by flow: the main flow's states in order (a parallel or foreach is one
/// entry), then each branch's and each foreach item's own states, in the order the flows started. Written as one
/// sequence (<c>path</c>), a parallel's branches read as if they ran one after the other
/// (<c>both → left-sleep → right-sleep → done</c>) though they ran at the same time.</summary>
internal static class RunPaths
{
    /// <summary>States the main flow entered, in order.</summary>
    public static ScriptArray Main(JournaledRun run) =>
        new(Entered(run).Where(e => e.Flow.Length == 0).Select(e => e.State));

    /// <summary>Each other flow (a branch, a foreach item) with the states it entered: <c>flow</c>, <c>states</c>.
    /// A called playbook's flows (named with <c>#</c>) are its own, and the cleanup has its own section.</summary>
    public static ScriptArray Flows(JournaledRun run)
    {
        var flows = new ScriptArray();
        var byName = new Dictionary<string, ScriptArray>(StringComparer.Ordinal);
        foreach (var (flow, state) in Entered(run).Where(e => e.Flow.Length > 0 && e.Flow != Semantics.CleanupSymbol.FlowName))
        {
            if (!byName.TryGetValue(flow, out var states))
            {
                byName[flow] = states = new ScriptArray();
                flows.Add(new ScriptObject { ["flow"] = flow, ["states"] = states });
            }
            states.Add(state);
        }
        return flows;
    }

    private static IEnumerable<(string Flow, string State)> Entered(JournaledRun run) =>
        run.Records.Where(r => r.Type == "state-entered")
            .Select(r => (Flow: r.Body.String("flow") ?? "", State: r.Body.String("state") ?? ""))
            .Where(e => !e.Flow.Contains('#', StringComparison.Ordinal));
}
