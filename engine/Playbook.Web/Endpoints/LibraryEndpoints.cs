using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Playbook.LiveRuns;
using Playbook.Web.Live;
using Playbook.Web.Pages;
using Playbook.Web.Playbooks;

namespace Playbook.Web.Endpoints;

/// <summary>The playbook library and one playbook's page. Only playbooks in the library or that a run started from
/// are shown: the path in the URL is checked against those, never opened as given.</summary>
internal static class LibraryEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/playbooks", (HttpContext context, WebConsoleOptions options, PlaybookCatalog catalog, RunSource source) =>
        {
            var runs = source.All();
            return Forms.Page(LibraryPage.RenderList(Known(options, runs), options.PlaybooksDirectory, catalog, runs, RunEndpoints.User(context), Forms.Token(context)));
        });

        endpoints.MapGet("/playbooks/view", (HttpContext context, string? path, WebConsoleOptions options, PlaybookCatalog catalog, RunSource source) =>
        {
            var runs = source.All();
            var known = Known(options, runs);
            if (path is null || !known.Contains(path, StringComparer.Ordinal))
                return Results.Text("playbook: no such playbook in the library or in the runs\n", "text/plain; charset=utf-8", null, StatusCodes.Status404NotFound);
            return Forms.Page(LibraryPage.RenderOne(path, catalog, runs, RunEndpoints.User(context), Forms.Token(context)));
        });
    }

    private static List<string> Known(WebConsoleOptions options, IReadOnlyList<JournaledRun> runs)
    {
        var paths = new List<string>();
        if (options.PlaybooksDirectory is { } dir && Directory.Exists(dir))
            paths.AddRange(Directory.EnumerateFiles(dir, "*.playbook").Order(StringComparer.Ordinal));
        foreach (var r in runs)
            if (r.Problem is null && r.PlaybookPath.Length > 0 && !paths.Contains(r.PlaybookPath, StringComparer.Ordinal) && File.Exists(r.PlaybookPath))
                paths.Add(r.PlaybookPath);
        return paths;
    }
}
