using System.Globalization;
using Playbook.LiveRuns;
using Playbook.Reporting;
using Playbook.Text;
using Playbook.Web.Auth;
using Playbook.Web.Playbooks;

namespace Playbook.Web.Pages;

/// <summary>The playbook library: each playbook with its inputs, its worst case to each end, its last runs, and (on
/// its own page) its graph.</summary>
public static class LibraryPage
{
    /// <param name="startable">The playbooks this user may start from the console (an operator, a library playbook, a console that starts runs).</param>
    public static string RenderList(IReadOnlyList<string> paths, string? directory, PlaybookCatalog catalog, IReadOnlyList<JournaledRun> runs,
        ConsoleUser user, AntiforgeryField antiforgery, IReadOnlyCollection<string> startable)
    {
        var h = new Html();
        h.Raw("<h1>Playbooks</h1>");
        if (directory is null) h.Element("p", "No library: start the console with --playbooks DIR to list one. Playbooks that runs started from are listed here.", "hint");
        else h.Element("p", $"{paths.Count} playbook{(paths.Count == 1 ? "" : "s")} in {directory}", "hint");
        h.Raw("<table class=\"library\"><thead><tr><th>playbook</th><th>inputs</th><th>worst case</th><th>last runs</th></tr></thead><tbody>");
        foreach (var path in paths)
        {
            var loaded = catalog.Load(path, out var problem);
            h.Raw("<tr><td><a href=\"/playbooks/view?path=").Text(Uri.EscapeDataString(path)).Raw("\">").Text(loaded?.Compiled.Name ?? Path.GetFileName(path)).Raw("</a>");
            if (loaded is not null && startable.Contains(path)) StartLink(h, path);
            h.Raw("<br><small>").Text(path).Raw("</small></td>");
            if (loaded is null)
            {
                h.Raw("<td colspan=\"3\">").Text(problem).Raw("</td></tr>");
                continue;
            }
            h.Raw("<td>").Text(Inputs(loaded)).Raw("</td><td>").Text(WorstCase(loaded.Plan())).Raw("</td><td>");
            LastRuns(h, runs, path, 3);
            h.Raw("</td></tr>");
        }
        h.Raw("</tbody></table>");
        return Layout.Page("Playbooks", user, antiforgery, h.ToString());
    }

    public static string RenderOne(string path, PlaybookCatalog catalog, IReadOnlyList<JournaledRun> runs, ConsoleUser user, AntiforgeryField antiforgery,
        bool startable)
    {
        var h = new Html();
        var loaded = catalog.Load(path, out var problem);
        h.Raw("<h1>").Text(loaded?.Compiled.Name ?? Path.GetFileName(path)).Raw("</h1>").Element("p", path, "hint");
        if (loaded is null)
        {
            h.Element("p", problem, "problem");
            return Layout.Page(Path.GetFileName(path), user, antiforgery, h.ToString());
        }
        var plan = loaded.Plan();
        if (startable) { h.Raw("<p>"); StartLink(h, path); h.Raw("</p>"); }
        h.Raw("<dl class=\"facts\"><dt>inputs</dt>").Element("dd", Inputs(loaded))
            .Raw("<dt>RTO</dt>").Element("dd", loaded.Compiled.Rto is { } rto ? DurationText.Format(rto) : "none")
            .Raw("<dt>worst case</dt>").Element("dd", WorstCase(plan)).Raw("</dl>");
        h.Raw("<h2>Last runs</h2>");
        LastRuns(h, runs, path, 10);
        h.Raw("<h2>Graph</h2>");
        if (plan.Graph is { } graph) h.Raw("<div class=\"graph\">").Raw(graph()).Raw("</div>");
        return Layout.Page(loaded.Compiled.Name, user, antiforgery, h.ToString());
    }

    private static void StartLink(Html h, string path) =>
        h.Raw(" <a class=\"start\" href=\"/playbooks/start?path=").Text(Uri.EscapeDataString(path)).Raw("\">Start a run…</a>");

    private static string Inputs(CatalogPlaybook p)
    {
        var model = p.Compiled.Model;
        if (model.Inputs.Count == 0) return "none";
        return string.Join(", ", model.Inputs.Select(i => $"{i.Name.Text}: {i.Type.Text}" +
            (i.Default is { } d ? " = " + model.Source.Text.Substring(d.Span.Start, d.Span.Length) : "")));
    }

    private static string WorstCase(ReportPlan plan) =>
        plan.WorstCase.Count == 0 ? "—" : string.Join(", ", plan.WorstCase.Select(w => $"{w.Key}: {(w.Value is { } t ? DurationText.Format(t) : "unbounded")}"));

    private static void LastRuns(Html h, IReadOnlyList<JournaledRun> runs, string path, int count)
    {
        var full = Path.GetFullPath(path);
        var mine = runs.Where(r => r.Problem is null && r.PlaybookPath.Length > 0 && Path.GetFullPath(r.PlaybookPath) == full).Reverse().Take(count).ToList();
        if (mine.Count == 0)
        {
            h.Raw("none");
            return;
        }
        h.Raw("<ul class=\"last-runs\">");
        foreach (var r in mine)
            h.Raw("<li><a href=\"/runs/").Text(Uri.EscapeDataString(r.RunId)).Raw("\">").Text(r.RunId).Raw("</a> ").Text(r.Status)
                .Raw(" ").Text(r.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + "Z").Raw("</li>");
        h.Raw("</ul>");
    }
}
