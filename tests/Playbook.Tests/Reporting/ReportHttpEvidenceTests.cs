using System.Text.Json;
using Playbook.Tests.Cli;
using Playbook.Tests.LiveRuns;
using Playbook.Tests.RealRuns;
using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.Reporting;

/// <summary>An HTTP step's evidence in every report format, from a real run against a real (loopback) server: the
/// request as sent with the token in its URL redacted, the HTTP status, and the end of the response body. The body
/// holds the token just where a 4 000-character excerpt would cut it: the excerpt is taken from the redacted body,
/// so it shows <c>***</c> and no piece of the token (cut first and redacted after, its last characters would show).</summary>
public sealed class ReportHttpEvidenceTests
{
    private const string Secret = "tok-5d2a-9c41-http";

    [Fact]
    public async Task Status_request_and_body_excerpt_redacted_before_the_cut_show_in_every_format()
    {
        // The raw body's last 4 000 characters start 8 characters into the token.
        var body = new string('a', 3000) + Secret + new string('b', 4000 - 8);
        await using var server = new TestHttpServer(_ => TestHttpServer.Response(503, body, "Content-Type: text/plain"));
        using var work = new RunWorkspace("report-http");
        work.Environment["PLAYBOOK_SECRET_API_TOKEN"] = Secret;
        var run = work.Run("report-http", "--input", "base=" + server.Url);
        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains("ended at 'down' (failure)", run.Out);
        var id = RunIdOf(run);

        var reports = new[] { "md", "html", "postmortem", "json" }.ToDictionary(f => f, f => work.Cli("report", id, "--journal", JournalDir, "--format", f));

        // What the excerpt must be: the redacted body's last 4 000 characters.
        var excerpt = "aaaaa***" + new string('b', 4000 - 8);
        var tail = Secret[8..];
        foreach (var (format, report) in reports)
        {
            Assert.True(report.Exit == 0, $"{format}: {report}");
            Assert.DoesNotContain(Secret, report.Out);
            Assert.DoesNotContain(tail, report.Out);
            Assert.Contains(excerpt, report.Out);
            Assert.Contains($"{server.Url}/status?token=***", report.Out);
        }
        Assert.Matches(@"\| 1 \| [^|]+ \| [^|]+ \| [^|]+ \| fail \|  \| 503 \| [^|]*503[^|]* \|", reports["md"].Out);
        Assert.Contains($"Attempt 1: `GET {server.Url}/status?token=***`", reports["md"].Out);
        Assert.Contains("response body:\n\n```text\n" + excerpt + "\n```", reports["md"].Out);

        Assert.Matches(@"<td class=""fail"">fail</td><td></td><td>503</td>", reports["html"].Out);
        Assert.Contains("<details><summary>response body of attempt 1 (the last 20 lines)</summary><pre>" + excerpt + "</pre></details>", reports["html"].Out);

        // The postmortem names the failed step's last request, its status and the end of what the service said.
        Assert.Contains($"Last attempt of `check` (`GET {server.Url}/status?token=***`): HTTP 503, response body (the end):\n\n```text\n{excerpt}\n```",
            reports["postmortem"].Out);
        Assert.Contains("- [ ] Find out why `check` ended **fail**", reports["postmortem"].Out);

        OutputSchemas.AssertValid("report.schema.json", reports["json"].Out);
        var attempt = JsonDocument.Parse(reports["json"].Out).RootElement.GetProperty("steps")[0].GetProperty("attempts")[0];
        Assert.Equal(503, attempt.GetProperty("http_status").GetInt32());
        Assert.Equal(excerpt, attempt.GetProperty("body").GetString());
        Assert.True(attempt.GetProperty("cut").GetBoolean());
        Assert.Equal($"GET {server.Url}/status?token=***", attempt.GetProperty("command").GetString());
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("exit_code").ValueKind);
    }
}
