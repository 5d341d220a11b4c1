using System.Globalization;
using Playbook.Reporting;
using Playbook.Semantics;
using Playbook.Text;
using Playbook.Web.Auth;
using Playbook.Web.Live;
using Playbook.Web.Playbooks;

namespace Playbook.Web.Pages;

/// <summary>A run as it happens: where it is, the countdowns (step timeout, phase budget, RTO), the approvals it
/// waits for, and the timeline, which grows as the runner journals (the script follows the page's event stream).
/// When where the run is changes (a step starts or ends, an answer comes, the run ends) the stream says so and the
/// script reloads the page, so everything here is drawn by the server.</summary>
public static class RunPage
{
    public static string Render(RunView view, ReportPlan plan, ConsoleUser user, AntiforgeryField antiforgery, bool canPostAnswers, CatalogPlaybook? playbook = null)
    {
        var run = view.Run;
        var h = new Html();
        var id = Uri.EscapeDataString(run.RunId);
        h.Raw("<h1>Run ").Text(run.RunId).Raw("</h1><dl class=\"facts\">")
            .Raw("<dt>playbook</dt><dd><a href=\"/playbooks/view?path=").Text(Uri.EscapeDataString(run.PlaybookPath)).Raw("\">").Text(run.PlaybookName).Raw("</a></dd>")
            .Raw("<dt>status</dt>").Element("dd", run.Status + (run.Settings.Rehearsal ? " (rehearsal)" : ""), "status " + run.Status)
            .Raw("<dt>state</dt>").Element("dd", view.Liveness, "liveness")
            .Raw("<dt>started by</dt>").Element("dd", RunListPage.StartedBy(run))
            .Raw("<dt>started</dt>").Element("dd", run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z")
            .Raw("<dt>elapsed</dt>").Element("dd", DurationText.Format(run.Elapsed) + (run.Rto is { } rto ? " of RTO " + DurationText.Format(rto) : ""))
            .Raw("</dl>");
        if (run.Finished)
            h.Raw("<p class=\"report-link\"><a href=\"/runs/").Text(id).Raw("/report\">The run's report</a> (as <code>playbook report --format html</code> renders it)</p>");

        h.Raw("<section id=\"current\"><h2>Now</h2>");
        if (run.Finished) h.Element("p", $"The run ended: {run.Status}{(run.End is null ? "" : " at " + run.End)}.");
        else if (view.Open.Count == 0) h.Element("p", view.Between is null ? "Between steps." : $"In {view.Between}, between attempts.");
        foreach (var step in view.Open)
        {
            h.Raw("<div class=\"step").Raw(step.AwaitingAnswer ? " awaiting" : "").Raw("\"><strong>").Text(step.Address).Raw("</strong>");
            if (step.Title is not null) h.Raw(" ").Element("span", step.Title, "title");
            h.Raw(" ").Element("span", (step.Kind?.ToString().ToLowerInvariant() ?? "step") + (step.Attempt > 1 ? $", attempt {step.Attempt} (retrying)" : ""), "kind");
            if (step.Kind == StateKind.Wait) h.Raw(" ").Element("span", "waiting", "badge");
            h.Raw("<ul class=\"deadlines\">").Raw("<li>running for <span class=\"elapsed\" data-since=\"").Text(RecordText.Iso(step.Since)).Raw("\"></span></li>");
            foreach (var d in step.Deadlines) Countdown(h, d);
            h.Raw("</ul></div>");
        }
        if (view.Open.Count == 0 && view.Rto is { } rtoDeadline && !run.Finished) { h.Raw("<ul class=\"deadlines\">"); Countdown(h, rtoDeadline); h.Raw("</ul>"); }
        h.Raw("</section>");

        var awaiting = view.Awaiting.ToList();
        if (awaiting.Count > 0)
        {
            h.Raw("<section id=\"approvals\"><h2>Waiting for an answer</h2>");
            var approver = user.Roles.Contains(Roles.Approver);
            foreach (var step in awaiting)
            {
                h.Raw("<div class=\"approval\" data-address=\"").Text(step.Address).Raw("\"><h3>").Text(step.Address).Raw("</h3>");
                h.Element("p", step.Prompt ?? step.Title ?? "Approve or reject this step.", "prompt");
                var approvals = Approvals.Of(run, playbook, step);
                h.Raw("<p>choices: <code>approve</code>, <code>reject</code>; who may answer: ").Text(approvals.WhoMay).Raw("</p>");
                if (approvals.Quorum > 1)
                    h.Element("p", $"approvals: {approvals.Voters.Count} of {approvals.Quorum}" + (approvals.Voters.Count > 0 ? $" ({string.Join(", ", approvals.Voters)})" : "")
                        + $"; {approvals.Quorum - approvals.Voters.Count} more from different people move the run", "quorum");
                var timeout = step.Deadlines.FirstOrDefault(d => d.Label == "timeout");
                h.Raw("<p>time left: ");
                if (timeout is null) h.Raw("no timeout (it waits for ever)"); else h.Raw("<span class=\"countdown\" data-deadline=\"").Text(RecordText.Iso(timeout.At)).Raw("\"></span>");
                h.Raw("</p>");
                if (approver && approvals.Voted(user))
                    h.Element("p", "You approved: the run waits for approvals from other people.", "hint");
                else if (approver && !approvals.MayAnswer(user))
                    h.Element("p", $"This step may be answered by {string.Join(", ", approvals.Approvers)} only.", "hint");
                else if (approver && canPostAnswers)
                {
                    h.Raw("<form method=\"post\" action=\"/runs/").Text(id).Raw("/answer\" class=\"answer\">").Raw(antiforgery.Input())
                        .Raw("<input type=\"hidden\" name=\"address\" value=\"").Text(step.Address).Raw("\">")
                        .Raw("<label>comment <input name=\"comment\" maxlength=\"500\" autocomplete=\"off\"></label>")
                        .Raw("<button type=\"submit\" name=\"outcome\" value=\"approve\" class=\"approve\">Approve</button>")
                        .Raw("<button type=\"submit\" name=\"outcome\" value=\"reject\" class=\"reject\">Reject</button></form>");
                }
                else if (!approver) h.Element("p", "Only approvers can answer: you can watch.", "hint");
                else h.Element("p", "This console has no answer inbox for this run store: answer from the runner's terminal or with --answer.", "hint");
                h.Raw("</div>");
            }
            h.Raw("</section>");
        }

        var last = run.Records.Count == 0 ? 0 : run.Records[^1].Seq;
        h.Raw("<section><h2>Timeline</h2>");
        if (!run.Finished) h.Raw("<p class=\"live-state hint\">live: new records appear as the runner journals them</p>");
        h.Raw("<ol id=\"timeline\" data-events=\"/runs/").Text(id).Raw("/events?after=").Text(last.ToString(CultureInfo.InvariantCulture))
            .Raw("&amp;key=").Text(Uri.EscapeDataString(Key(view))).Raw("\">");
        foreach (var r in run.Records)
            h.Raw("<li data-seq=\"").Text(r.Seq.ToString(CultureInfo.InvariantCulture)).Raw("\" class=\"").Text(r.Type).Raw("\"><time>").Text(RecordText.Time(r.At)).Raw("</time> ").Text(RecordText.Describe(r)).Raw("</li>");
        h.Raw("</ol>");
        h.Raw("<div class=\"timeline-svg\">").Raw(TimelineSvg.Render(RunTimeline.Of(run, plan))).Raw("</div></section>");

        h.Raw("<section><h2>Path</h2>").Element("p", run.Path.Count == 0 ? "(no state entered yet)" : string.Join(" → ", run.Path), "path");
        if (plan.Graph is { } graph) h.Raw("<div class=\"graph\">").Raw(graph()).Raw("</div>");
        else if (plan.Missing is not null) h.Element("p", $"No graph: {plan.Missing}.", "hint");
        h.Raw("</section>");
        return Layout.Page("Run " + run.RunId, user, antiforgery, h.ToString());
    }

    /// <summary>Where the run is, in one string: the event stream compares it with the page's and asks for a reload
    /// when it differs.</summary>
    public static string Key(RunView view) =>
        view.Liveness + "|" + string.Join(",", view.Open.Select(s =>
            $"{s.Address}#{s.Attempt}{(s.AwaitingAnswer ? "?" + Approvals.VotersOf(view.Run, s.Flow, s.State).Count : "")}"));

    private static void Countdown(Html h, Deadline d) =>
        h.Raw("<li>").Text(d.Label).Raw(": <span class=\"countdown\" data-deadline=\"").Text(RecordText.Iso(d.At)).Raw("\"></span></li>");
}
