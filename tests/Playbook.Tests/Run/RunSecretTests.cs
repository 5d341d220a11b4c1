using System.Text;
using System.Text.Json;
using Playbook.Tests.LiveRuns;
using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.RealRuns;

/// <summary>A secret's value goes to the commands that need it and nowhere a person or a file could read it.</summary>
public class RunSecretTests
{
    private const string Secret = "s3cr3t-9f27c1d4";

    [Fact]
    public async Task A_secret_appears_in_no_output_journal_report_error_or_notification()
    {
        await using var webhook = new TestHttpServer(_ => TestHttpServer.Response(204, ""));
        using var work = new RunWorkspace("secret-leak");
        work.Environment["PLAYBOOK_SECRET_API_TOKEN"] = Secret;
        work.Environment["PLAYBOOK_NOTIFY_URL"] = webhook.Url + "/hook";

        var result = work.Run("secret-leak", "--report", "report.md");
        Assert.True(result.Exit == 1, result.ToString());
        var id = RunIdOf(result);
        var html = work.Cli("report", id, "--journal", JournalDir, "--format", "html", "--output", "report.html");
        Assert.True(html.Exit == 0, html.ToString());

        // The secret did reach the commands (else this test proves nothing), shown masked.
        var records = Records(work.JournalPath(id));
        Assert.Equal("token=***", Str(records.Single(r => Type(r) == "captured" && Str(r, "name") == "line"), "value"));
        // The failing command's stderr became the step's note: masked there too.
        var failed = records.Single(r => Type(r) == "attempt-ended" && Str(r, "state") == "fail-loudly");
        Assert.Equal("exit code 3: rejected token ***", Str(failed, "note"));
        Assert.Contains("exit code 3: rejected token ***", result.Out);
        Assert.Equal("deploying with ***", Str(records.Single(r => Type(r) == "notified"), "message"));

        var post = Assert.Single(webhook.Received);
        Assert.Equal(("POST", "/hook"), (post.Method, post.Path));
        var payload = JsonDocument.Parse(post.Body).RootElement;
        Assert.Equal((id, "secret-leak", "tell", "deploying with ***"),
            (Str(payload, "run"), Str(payload, "playbook"), Str(payload, "state"), Str(payload, "message")));

        var places = new Dictionary<string, string>
        {
            ["stdout"] = result.Out,
            ["stderr"] = result.Err,
            ["journal"] = Encoding.UTF8.GetString(File.ReadAllBytes(work.JournalPath(id))),
            ["report.md"] = work.Read("report.md"),
            ["report.html"] = work.Read("report.html"),
            ["report stdout"] = html.Out + html.Err,
            ["webhook"] = post.Body,
        };
        foreach (var (place, text) in places) Assert.False(text.Contains(Secret, StringComparison.Ordinal), $"the secret is in {place}:\n{text}");
        Assert.Contains("api_token (secret)", places["report.md"]);
    }

    [Fact]
    public void The_secret_of_a_called_playbook_is_hidden_in_the_callers_journal_too()
    {
        using var work = new RunWorkspace("vault-caller", "vault-callee");
        work.Environment["PLAYBOOK_SECRET_DB_PASSWORD"] = Secret;

        var result = work.Run("vault-caller", "--report", "report.md");

        Assert.True(result.Exit == 1, result.ToString());
        var journal = work.JournalPath(RunIdOf(result));
        var records = Records(journal);
        Assert.Equal("pw=***", Str(records.Single(r => Type(r) == "captured" && Str(r, "flow") == "unlock#1"), "value"));
        Assert.Equal("exit code 1: bad pw ***", Str(records.Single(r => Type(r) == "attempt-ended" && Str(r, "state") == "show"), "note"));
        foreach (var (place, text) in new[] { ("output", result.Out + result.Err), ("journal", File.ReadAllText(journal)), ("report", work.Read("report.md")) })
            Assert.False(text.Contains(Secret, StringComparison.Ordinal), $"the callee's secret is in the {place}:\n{text}");
    }

    [Fact]
    public void A_step_gets_only_the_declared_secret_and_no_form_of_any_secret_is_written_or_shown()
    {
        const string other = "other-team-9c0ffee1";
        using var work = new RunWorkspace("secret-forms");
        work.Environment["PLAYBOOK_SECRET_API_TOKEN"] = Secret;
        work.Environment["PLAYBOOK_SECRET_OTHER_TEAM"] = other;

        var result = work.Run("secret-forms", "--input", "echo=" + other, "--report", "report.md");

        Assert.True(result.Exit == 1, result.ToString());
        var journal = work.JournalPath(RunIdOf(result));
        var records = Records(journal);
        string Capture(string name) => Str(records.Single(r => Type(r) == "captured" && Str(r, "name") == name), "value")!;
        // One PLAYBOOK_SECRET_ variable in the step (its own), not the other team's; and the other team's
        // value, which reached the step as an input, is redacted although this playbook never declared it.
        Assert.Equal("1\nother-unset\necho=***", Capture("seen"));
        Assert.Equal("***\n***\n***", Capture("shown"));
        // Redacted, then cut: the note is short enough once the token is ***, and no start of it is left.
        var note = Str(records.Single(r => Type(r) == "attempt-ended" && Str(r, "state") == "long-error"), "note");
        Assert.Equal("exit code 1: " + new string('0', 190) + " ***", note);

        var bytes = Encoding.UTF8.GetBytes(Secret);
        var forms = new[]
        {
            Secret, Secret.ToUpperInvariant(), Convert.ToBase64String(bytes), Convert.ToHexStringLower(bytes), other, Secret[..6],
        };
        foreach (var (place, text) in new[] { ("output", result.Out + result.Err), ("journal", File.ReadAllText(journal)), ("report", work.Read("report.md")) })
            foreach (var form in forms)
                Assert.False(text.Contains(form, StringComparison.Ordinal), $"'{form}' is in the {place}:\n{text}");
    }
}
