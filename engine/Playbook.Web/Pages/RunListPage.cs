using System.Globalization;
using Playbook.LiveRuns;
using Playbook.Reporting;
using Playbook.Text;
using Playbook.Web.Auth;
using Playbook.Web.Live;

namespace Playbook.Web.Pages;

/// <summary>Every run in the journal directory, newest first: status, playbook, who started it, when, elapsed against
/// the RTO, and whether it is live, unfinished (stopped: resume it) or orphaned (stopped with a step still running).</summary>
public static class RunListPage
{
    public static string Render(IReadOnlyList<JournaledRun> runs, string directory, ConsoleUser user, AntiforgeryField antiforgery)
    {
        var h = new Html();
        h.Raw("<h1>Runs</h1>").Element("p", $"{runs.Count} run{(runs.Count == 1 ? "" : "s")} in {directory}", "hint");
        h.Raw("<table class=\"runs\"><thead><tr><th>run</th><th>status</th><th>state</th><th>playbook</th><th>who</th><th>started</th><th>elapsed</th><th>RTO</th></tr></thead><tbody>");
        foreach (var r in runs.Reverse())
        {
            var liveness = RunView.LivenessOf(r);
            h.Raw("<tr class=\"").Text(liveness).Raw("\"><td><a href=\"/runs/").Text(Uri.EscapeDataString(r.RunId)).Raw("\">").Text(r.RunId).Raw("</a></td>");
            if (r.Problem is not null)
            {
                h.Raw("<td>unreadable</td><td colspan=\"6\">").Text(r.Problem).Raw("</td></tr>");
                continue;
            }
            h.Element("td", r.Status + (r.Settings.Rehearsal ? " (rehearsal)" : ""), "status " + r.Status)
                .Element("td", liveness, "liveness")
                .Element("td", r.PlaybookName)
                .Element("td", StartedBy(r))
                .Element("td", r.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z")
                .Element("td", DurationText.Format(r.Elapsed))
                .Element("td", RtoVerdict.Short(r))
                .Raw("</tr>");
        }
        h.Raw("</tbody></table>");
        return Layout.Page("Runs", user, antiforgery, h.ToString());
    }

    /// <summary>The user the runner journaled at the start (USER@HOST), if it did.</summary>
    public static string StartedBy(JournaledRun run) =>
        run.Records.Count > 0 && run.Records[0].Body.String("user") is { } who ? who : "";
}
