using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Playbook.EngineCore;
using Playbook.LiveRuns;
using Playbook.Web.Pages;
using Playbook.Web.Playbooks;

namespace Playbook.Web.Endpoints;

/// <summary>Start a run or a rehearsal of a library playbook from a form (operators only). The inputs are checked
/// here with the parsing <c>--input</c> gets on the command line, so a mistyped value is shown on the form instead
/// of becoming a run that refuses to start; then <see cref="RunStarter"/> starts <c>playbook run</c> and the browser
/// goes to the new run's page.</summary>
internal static class StartEndpoints
{
    /// <summary>How long a start may take before the page gives up waiting for the run's journal (the run is not stopped).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/playbooks/start", (HttpContext context, string? path, WebConsoleOptions options, PlaybookCatalog catalog) =>
        {
            if (Refusal(options, catalog, path, out var playbook) is { } refused) return refused;
            return Forms.Page(StartPage.Render(playbook!, new Dictionary<string, string>(), false, [], RunEndpoints.User(context), Forms.Token(context)));
        }).RequireAuthorization(WebConsole.OperatorPolicy);

        endpoints.MapPost("/playbooks/start", async (HttpContext context, WebConsoleOptions options, PlaybookCatalog catalog) =>
        {
            var form = await Forms.ReadCheckedAsync(context);
            if (form is null) return Forms.Forged();
            if (Refusal(options, catalog, form["path"].ToString(), out var playbook) is { } refused) return refused;
            var rehearse = form["rehearse"].ToString() == "true";
            var typed = new Dictionary<string, string>(StringComparer.Ordinal);
            var problems = new List<string>();
            // Only the inputs the playbook declares are read: any other field is not passed on.
            foreach (var input in playbook!.Compiled.Model.Inputs)
            {
                var value = form["input." + input.Name.Text].ToString();
                if (value.Length > StartPage.MaxValue) problems.Add($"input '{input.Name.Text}' has at most {StartPage.MaxValue} characters");
                else if (value.Length > 0) typed[input.Name.Text] = value;
            }
            if (problems.Count == 0)
            {
                // The command line's checks (types, unknown and missing inputs); secrets are the runner's to read.
                var (_, errors) = RunParameters.Bind(playbook.Compiled, typed, _ => "");
                problems.AddRange(errors.Select(e => e.Replace("pass --input", "give", StringComparison.Ordinal)));
            }
            var user = RunEndpoints.User(context);
            if (problems.Count == 0)
            {
                var outcome = await RunStarter.StartAsync(options.Runner!, options.JournalDirectory, new StartRequest(playbook.Path, [.. typed], rehearse, user.Name),
                    Patience, context.RequestAborted);
                if (outcome.RunId is { } runId) return Results.Redirect("/runs/" + Uri.EscapeDataString(runId));
                // What the runner said, a line each (its warnings too: they say what the run would have waited for).
                problems.Add("The run did not start:");
                problems.AddRange((outcome.Problem ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries));
                return Forms.Page(StartPage.Render(playbook, typed, rehearse, problems, user, Forms.Token(context)), StatusCodes.Status502BadGateway);
            }
            return Forms.Page(StartPage.Render(playbook, typed, rehearse, problems, user, Forms.Token(context)), StatusCodes.Status400BadRequest);
        }).RequireAuthorization(WebConsole.OperatorPolicy);
    }

    /// <summary>Why there is no form for <paramref name="path"/>: no runner, not a library playbook, or one with errors.</summary>
    private static IResult? Refusal(WebConsoleOptions options, PlaybookCatalog catalog, string? path, out CatalogPlaybook? playbook)
    {
        playbook = null;
        if (options.Runner is not { Count: > 0 })
            return Results.Text("playbook: this console starts no runs (it does with --journal, not with --store): start them from a terminal with 'playbook run'\n", "text/plain; charset=utf-8", null, StatusCodes.Status409Conflict);
        // Only a playbook of the library: a path from the form is checked against it, never opened as given.
        if (path is null || options.PlaybooksDirectory is null || !LibraryEndpoints.Library(options).Contains(path, StringComparer.Ordinal))
            return Results.Text("playbook: no such playbook in the library\n", "text/plain; charset=utf-8", null, StatusCodes.Status404NotFound);
        playbook = catalog.Load(path, out var problem);
        return playbook is null ? Results.Text($"playbook: {problem}\n", "text/plain; charset=utf-8", null, StatusCodes.Status409Conflict) : null;
    }
}
