using System.Globalization;
using System.Text;
using Playbook.Text;

namespace Playbook.Reporting;

/// <summary>A <see cref="RunTimeline"/> as a Mermaid <c>gantt</c> block for the Markdown report: the same lanes
/// (one section each), a task per attempt, retry pause and approval, the phase budgets, the downtime of a
/// resume and the RTO as a milestone. Times are milliseconds from the run's start (<c>dateFormat x</c>), so
/// the block is the same for the same journal. Names are reduced to characters Mermaid reads as text: a
/// colon, a hash or a semicolon in a name would otherwise end the task or open a comment.</summary>
public static class TimelineGantt
{
    public static string Render(RunTimeline timeline)
    {
        var sb = new StringBuilder("gantt\n  dateFormat x\n  axisFormat %M:%S\n");
        var id = 0;
        void Task(string name, string tag, TimeSpan start, TimeSpan end)
        {
            // A task of no length is not drawn: the shortest one is a millisecond.
            var from = (long)Math.Round(start.TotalMilliseconds);
            var to = Math.Max(from + 1, (long)Math.Round(end.TotalMilliseconds));
            sb.Append("  ").Append(Clean(name)).Append(" :").Append(tag.Length > 0 ? tag + ", " : "")
              .Append('t').Append(id++.ToString(CultureInfo.InvariantCulture)).Append(", ")
              .Append(from.ToString(CultureInfo.InvariantCulture)).Append(", ").Append(to.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        for (var lane = 0; lane < timeline.Lanes.Count; lane++)
        {
            sb.Append("  section ").Append(Clean(timeline.Lanes[lane])).Append('\n');
            foreach (var bar in timeline.Bars.Where(b => b.Lane == lane))
            {
                var attempt = bar.Attempt.ToString(CultureInfo.InvariantCulture);
                switch (bar.Kind)
                {
                    case BarKind.Backoff: Task($"{bar.State} wait before attempt {attempt}", "", bar.Start, bar.End); break;
                    case BarKind.Approval: Task($"{bar.State} waits for an answer ({bar.Outcome})", "active", bar.Start, bar.End); break;
                    case BarKind.Unfinished: Task($"{bar.State} attempt {attempt} unfinished", "crit", bar.Start, bar.End); break;
                    default: Task($"{bar.State} attempt {attempt} {bar.Outcome}", bar.Outcome == "ok" ? "done" : "crit", bar.Start, bar.End); break;
                }
            }
        }
        if (timeline.Bands.Count > 0)
        {
            sb.Append("  section budgets\n");
            foreach (var band in timeline.Bands) Task($"phase {band.Phase} budget {DurationText.Format(band.End - band.Start)}", "", band.Start, band.End);
        }
        if (timeline.Gaps.Count > 0)
        {
            sb.Append("  section down\n");
            foreach (var gap in timeline.Gaps) Task("stopped until resumed", "crit", gap.Start, gap.End);
        }
        if (timeline.Rto is { } rto)
        {
            sb.Append("  section RTO\n");
            Task($"RTO {DurationText.Format(rto)}", "milestone", rto, rto);
        }
        return sb.ToString();
    }

    /// <summary>Letters, digits and <c>-_.[]/()=&gt;,</c> and spaces stay; anything else (a colon, hash, semicolon,
    /// quote, percent, newline) becomes <c>_</c>.</summary>
    internal static string Clean(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
            sb.Append(char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '[' or ']' or '/' or '(' or ')' or ' ' or ',' or '=' or '>' ? c : '_');
        var clean = sb.ToString().Trim();
        return clean.Length == 0 ? "_" : clean;
    }
}
