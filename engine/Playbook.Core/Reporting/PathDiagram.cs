using System.Text;

namespace Playbook.Reporting;

/// <summary>The path a run took as a Mermaid flowchart: one node per state entered (a state entered
/// again is the same node), one numbered edge per move, so loops and retries of a state stay readable.</summary>
public static class PathDiagram
{
    public static string Mermaid(IReadOnlyList<string> path, string? end, string status)
    {
        var sb = new StringBuilder("flowchart LR\n");
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        string Id(string state)
        {
            if (!ids.TryGetValue(state, out var id))
            {
                id = "s" + ids.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                ids[state] = id;
                sb.Append("  ").Append(id).Append("[\"").Append(Escape(state)).Append("\"]\n");
            }
            return id;
        }
        for (var i = 0; i < path.Count; i++)
        {
            var to = Id(path[i]);
            if (i == 0) continue;
            sb.Append("  ").Append(Id(path[i - 1])).Append(" -->|").Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("| ").Append(to).Append('\n');
        }
        if (end is not null && ids.TryGetValue(end, out var endId))
        {
            var colour = status == "success" ? "#c8e6c9" : "#ffcdd2";
            sb.Append("  style ").Append(endId).Append(" fill:").Append(colour).Append('\n');
        }
        return sb.ToString();
    }

    // Mermaid labels in quotes: a quote would end the label early.
    private static string Escape(string text) => text.Replace("\"", "#quot;", StringComparison.Ordinal);
}
