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

    [Fact]
    public void Secrets_from_a_file_and_a_command_reach_the_step_and_nothing_else()
    {
        const string token = "file-token-51d2e8", password = "vault-pw-0c7731ab";
        using var work = new RunWorkspace("secret-sources");
        File.WriteAllText(work.PathOf("api-token.txt"), token + "\n");
        Directory.CreateDirectory(work.PathOf("vault"));
        File.WriteAllText(work.PathOf("vault/db-password"), password + "\n");

        var result = work.Run("secret-sources", "--report", "report.md");

        Assert.True(result.Exit == 0, result.ToString());
        var journal = work.JournalPath(RunIdOf(result));
        Assert.Equal("len=17,17\n***:***", Str(Records(journal).Single(r => Type(r) == "captured"), "value"));
        foreach (var (place, text) in new[] { ("output", result.Out + result.Err), ("journal", File.ReadAllText(journal)), ("report", work.Read("report.md")) })
            foreach (var secret in new[] { token, password })
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"'{secret}' is in the {place}:\n{text}");
    }

    [Fact]
    public void A_secret_that_cannot_be_read_stops_the_run_before_it_starts()
    {
        using var work = new RunWorkspace("secret-sources");
        File.WriteAllText(work.PathOf("api-token.txt"), "t0ken-in-stderr\n");

        var result = work.Run("secret-sources");

        Assert.True(result.Exit == 2, result.ToString());
        Assert.Contains("playbook: secret 'db_password': the command `cat vault/db-password && echo 'vault: read ok' >&2` failed with exit code 1: cat: vault/db-password: No such file or directory", result.Err);
        Assert.DoesNotContain("is not set", result.Err);
        Assert.Null(work.SingleJournal());
    }

    [Fact]
    public void A_simulation_never_reads_a_secret()
    {
        using var work = new RunWorkspace("secret-sources");
        File.WriteAllText(work.PathOf("secret-sources.playbook"), work.Read("secret-sources.playbook").Replace("cat vault/db-password", "touch read-it; cat vault/db-password"));

        var result = work.Cli("simulate", "secret-sources.playbook");

        Assert.True(result.Exit == 0, result.ToString());
        Assert.False(work.Exists("read-it"));
    }

    [Fact]
    public void The_environment_still_gives_a_secret_its_value_and_overrides_a_source()
    {
        using var work = new RunWorkspace("secret-sources");
        work.Environment["PLAYBOOK_SECRET_API_TOKEN"] = "env-token-1";
        work.Environment["PLAYBOOK_SECRET_DB_PASSWORD"] = "env-pw-2";

        var result = work.Run("secret-sources");

        // Neither the file nor vault/ exists: both come from the environment.
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Equal("len=11,8\n***:***", Str(work.Records(result).Single(r => Type(r) == "captured"), "value"));
    }
}
