using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Playbook.LiveRuns;
using Playbook.Reporting;
using Playbook.RunStores;
using Playbook.Web.Auth;
using Playbook.Web.Live;
using Playbook.Web.Pages;
using Playbook.Web.Playbooks;

namespace Playbook.Web.Endpoints;

/// <summary>The run list, a run's live page and its event stream, its report, and the answer to a manual step.</summary>
internal static class RunEndpoints
{
    /// <summary>The report's own policy: it is one self-contained file with an inline style sheet and no script.</summary>
    public const string ReportPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public const int MaxComment = 500;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (HttpContext context, RunSource source) =>
            Forms.Page(RunListPage.Render(source.All(), source.Location, User(context), Forms.Token(context))));

        endpoints.MapGet("/runs/{id}", (HttpContext context, string id, WebConsoleOptions options, PlaybookCatalog catalog, RunSource source) =>
        {
            if (source.Find(id) is not { } run) return NoRun(id);
            if (run.Problem is not null) return Forms.Page(Layout.Page(id, User(context), Forms.Token(context), new Html().Element("p", run.Problem, "problem").ToString()));
            var playbook = catalog.For(run);
            var plan = playbook?.Plan() ?? ReportPlan.Unavailable($"the playbook {run.PlaybookPath} is missing or has changed since the run");
            return Forms.Page(RunPage.Render(RunView.Of(run, playbook), plan, User(context), Forms.Token(context), options.Answers is not null, playbook));
        });

        endpoints.MapGet("/runs/{id}/events", (HttpContext context, string id, long? after, string? key, PlaybookCatalog catalog, RunSource source,
            RunSnapshots snapshots) =>
        {
            if (source.Find(id) is not { } run) return NoRun(id);
            // A reconnecting EventSource says where it got to.
            var from = after ?? 0;
            if (long.TryParse(context.Request.Headers["Last-Event-ID"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var last) && last > from) from = last;
            return TypedResults.ServerSentEvents(Follow(run.RunId, from, key ?? "", catalog, source, snapshots, context.RequestAborted));
        });

        endpoints.MapGet("/runs/{id}/report", (HttpContext context, string id, WebConsoleOptions options, PlaybookCatalog catalog, RunSource source) =>
        {
            if (source.Find(id) is not { } run) return NoRun(id);
            if (run.Problem is not null || !run.IsRun) return Results.Text($"playbook: {run.Problem ?? "not a run journal"}: not reported on\n", statusCode: StatusCodes.Status409Conflict);
            var plan = options.ReportPlan?.Invoke(run) ?? catalog.For(run)?.Plan() ?? ReportPlan.Unavailable($"the playbook {run.PlaybookPath} is missing or has changed since the run");
            var html = RunReport.Render(run, "html", null, plan, out var problem);
            if (problem is not null) return Results.Text($"playbook: {problem}\n", statusCode: StatusCodes.Status500InternalServerError);
            context.Response.Headers.ContentSecurityPolicy = ReportPolicy;
            return Forms.Page(html);
        });

        endpoints.MapPost("/runs/{id}/answer", async (HttpContext context, string id, WebConsoleOptions options, PlaybookCatalog catalog, RunSource source) =>
        {
            var form = await Forms.ReadCheckedAsync(context);
            if (form is null) return Forms.Forged();
            if (options.Answers is not { } inbox) return Results.Text("playbook: this console has no answer inbox: answer from the runner's terminal\n", statusCode: StatusCodes.Status409Conflict);
            if (source.Find(id) is not { } run || run.Problem is not null) return NoRun(id);
            var address = form["address"].ToString();
            var outcome = form["outcome"].ToString();
            var comment = form["comment"].ToString().Trim();
            if (outcome is not ("approve" or "reject")) return Results.Text("playbook: the answer is approve or reject\n", statusCode: StatusCodes.Status400BadRequest);
            if (comment.Length > MaxComment) return Results.Text($"playbook: a comment has at most {MaxComment} characters\n", statusCode: StatusCodes.Status400BadRequest);
            var playbook = catalog.For(run);
            var view = RunView.Of(run, playbook);
            if (view.Awaiting.FirstOrDefault(s => s.Address == address) is not { } step)
                return Results.Text($"playbook: run {run.RunId} is not waiting for an answer at '{address}' (it may have been answered or timed out): reload the page\n",
                    statusCode: StatusCodes.Status409Conflict);
            var user = User(context);
            // The step's own approvers (names or roles), as 'playbook answer' enforces them; and one approval per person.
            var approvals = Approvals.Of(run, playbook, step);
            if (!approvals.MayAnswer(user))
                return Results.Text($"playbook: '{address}' may be answered by {string.Join(", ", approvals.Approvers)} only, and you are '{user.Name}'\n",
                    statusCode: StatusCodes.Status403Forbidden);
            if (outcome == "approve" && approvals.Voted(user))
                return Results.Text($"playbook: you approved '{address}' already: {approvals.Quorum - approvals.Voters.Count} more approval(s) from other people are needed\n",
                    statusCode: StatusCodes.Status409Conflict);
            inbox.Post(new PostedAnswer(run.RunId, address, outcome, user.Name, $"web {context.Connection.RemoteIpAddress}", options.Time.GetUtcNow(),
                comment.Length == 0 ? null : comment));
            return Results.Redirect("/runs/" + Uri.EscapeDataString(run.RunId));
        }).RequireAuthorization(WebConsole.ApproverPolicy);
    }

    /// <summary>The journal's new records as they are written, then a <c>changed</c> event when where the run is no
    /// longer matches the page's <paramref name="key"/>, and <c>end</c> once the run has ended.</summary>
    private static async IAsyncEnumerable<SseItem<string>> Follow(string runId, long after, string key, PlaybookCatalog catalog, RunSource source,
        RunSnapshots snapshots, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The response (its headers) goes out with the first event: say at once that the stream is open, so a page
        // (or a client that waits for the headers) is not left waiting for the run's next record.
        yield return new SseItem<string>(after.ToString(CultureInfo.InvariantCulture), "open");
        while (!cancellationToken.IsCancellationRequested)
        {
            var next = source.Next(runId);
            if (snapshots.Read(runId, source, catalog) is not { Run.Problem: null } snapshot) yield break;
            var run = snapshot.Run;
            foreach (var record in run.Records)
            {
                if (record.Seq <= after) continue;
                yield return new SseItem<string>(RecordText.Json(record), "record") { EventId = record.Seq.ToString(CultureInfo.InvariantCulture) };
                after = record.Seq;
            }
            var now = snapshot.Key;
            if (key.Length > 0 && now != key)
            {
                yield return new SseItem<string>(now, "changed");
                key = now;
            }
            if (run.Finished)
            {
                yield return new SseItem<string>("", "end");
                yield break;
            }
            try
            {
                await JournalWatch.WaitAsync(next, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    internal static ConsoleUser User(HttpContext context) =>
        SessionCheck.UserOf(context.User) ?? throw new InvalidOperationException("an endpoint that needs a session ran without one");

    private static IResult NoRun(string id) =>
        Results.Text($"playbook: no run '{id}' here\n", "text/plain; charset=utf-8", null, StatusCodes.Status404NotFound);
}
