using Playbook.EngineCore;

namespace Playbook.Cli.Output;

/// <summary>The path a run took as lines: the main flow in order (a parallel or foreach is one entry), then each
/// branch's and foreach item's own states. One sequence would read as if a parallel's branches ran one after the
/// other (<c>both → left-sleep → right-sleep → done</c>) though they ran at the same time.</summary>
internal static class PathText
{
    /// <summary>At most this many flows are listed; a foreach of 500 items says how many more there were.</summary>
    public const int MaxFlows = 8;

    /// <summary>The main flow's states joined by arrows, and one line per other flow (<c>flow: a → b</c>).</summary>
    public static (string Main, IReadOnlyList<string> Flows) Of(RunResult run)
    {
        var flows = new List<(string Name, List<string> States)>();
        var inFlow = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in run.Timeline)
        {
            if (entry.Branch is not { Length: > 0 } name || name == Semantics.CleanupSymbol.FlowName) continue;
            inFlow.Add(entry.State);
            var index = flows.FindIndex(f => f.Name == name);
            if (index < 0)
            {
                flows.Add((name, new List<string>()));
                index = flows.Count - 1;
            }
            var states = flows[index].States;
            // Attempts of one state (retries) are one step of the path.
            if (states.Count == 0 || states[^1] != entry.State || entry.Attempt == 1) states.Add(entry.State);
        }
        var main = string.Join(" → ", run.Path.Where(s => !inFlow.Contains(s)));
        var lines = flows.Take(MaxFlows).Select(f => $"{f.Name}: {string.Join(" → ", f.States)}").ToList();
        if (flows.Count > MaxFlows) lines.Add($"… and {flows.Count - MaxFlows} more");
        return (main, lines);
    }
}
