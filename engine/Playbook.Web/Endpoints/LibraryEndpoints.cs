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
            var user = RunEndpoints.User(context);
            return Forms.Page(LibraryPage.RenderList(Known(options, runs), options.PlaybooksDirectory, catalog, runs, user, Forms.Token(context), Startable(options, user)));
        });

        endpoints.MapGet("/playbooks/view", (HttpContext context, string? path, WebConsoleOptions options, PlaybookCatalog catalog, RunSource source) =>
        {
            var runs = source.All();
            var known = Known(options, runs);
            if (path is null || !known.Contains(path, StringComparer.Ordinal))
                return Results.Text("playbook: no such playbook in the library or in the runs\n", "text/plain; charset=utf-8", null, StatusCodes.Status404NotFound);
            var user = RunEndpoints.User(context);
            return Forms.Page(LibraryPage.RenderOne(path, catalog, runs, user, Forms.Token(context), Startable(options, user).Contains(path)));
        });
    }

    /// <summary>What <paramref name="user"/> may start here: the library's playbooks, for an operator, when the console starts runs.</summary>
    private static List<string> Startable(WebConsoleOptions options, Auth.ConsoleUser user) =>
        options.Runner is { Count: > 0 } && user.Roles.Contains(Auth.Roles.Operator) ? Library(options) : [];

    /// <summary>The playbooks of the library directory (only these can be started from the console).</summary>
    internal static List<string> Library(WebConsoleOptions options) =>
        options.PlaybooksDirectory is { } dir && Directory.Exists(dir) ? [.. Directory.EnumerateFiles(dir, "*.playbook").Order(StringComparer.Ordinal)] : [];

    private static List<string> Known(WebConsoleOptions options, IReadOnlyList<JournaledRun> runs)
    {
        var paths = Library(options);
        foreach (var r in runs)
            if (r.Problem is null && r.PlaybookPath.Length > 0 && !paths.Contains(r.PlaybookPath, StringComparer.Ordinal) && File.Exists(r.PlaybookPath))
                paths.Add(r.PlaybookPath);
        return paths;
    }
}
