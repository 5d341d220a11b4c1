using System.Text.Json;
using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.RealRuns;

/// <summary>What a run ends with and what is left behind: exit codes, runs refused before they start (no
/// journal, nothing run), <c>playbook runs</c> and <c>playbook report</c>.</summary>
public class RunOutcomeTests
{
    [Fact]
    public void An_outcome_with_no_transition_ends_the_run_aborted_with_exit_3()
    {
        using var work = new RunWorkspace("aborts");

        var result = work.Run("aborts");

        Assert.True(result.Exit == 3, result.ToString());
        Assert.Contains("(aborted)", result.Out);
        var ended = work.Records(result).Last();
        Assert.Equal(("run-ended", "aborted"), (Type(ended), Str(ended, "status")));
    }

    [Fact]
    public void An_invalid_playbook_never_runs()
    {
        using var work = new RunWorkspace("invalid");

        var result = work.Run("invalid");

        Assert.True(result.Exit == 2, result.ToString());
        Assert.Contains("PB1001", result.Out + result.Err);
        Assert.False(work.Exists("ran.txt"));
        Assert.Null(work.SingleJournal());
    }

    [Fact]
    public void A_journal_that_cannot_be_created_stops_the_run_before_it_starts()
    {
        using var work = new RunWorkspace("needs-input");
        // A file where the journal directory should be.
        File.WriteAllText(Path.Combine(work.Directory, "blocked"), "");
        work.Environment["PLAYBOOK_SECRET_API_TOKEN"] = "t";

        var result = work.Cli("run", "needs-input.playbook", "--input", "account=acme", "--journal", "blocked/runs");

        Assert.True(result.Exit == 2, result.ToString());
        Assert.Contains("cannot create a journal in 'blocked/runs'", result.Err);
        Assert.False(work.Exists("ran.txt"));
    }

    [Fact]
    public void A_missing_input_or_secret_is_refused_before_anything_starts()
    {
        using var work = new RunWorkspace("needs-input");

        var noInput = work.Run("needs-input");
        Assert.True(noInput.Exit == 2, noInput.ToString());
        Assert.Contains("input 'account' has no default: pass --input account=…", noInput.Err);

        var noSecret = work.Run("needs-input", "--input", "account=acme");
        Assert.True(noSecret.Exit == 2, noSecret.ToString());
        Assert.Contains("secret 'api_token' is not set: export PLAYBOOK_SECRET_API_TOKEN", noSecret.Err);

        Assert.False(work.Exists("ran.txt"));
        Assert.Null(work.SingleJournal());

        // With both, the same playbook runs: the refusals were about what was missing.
        work.Environment["PLAYBOOK_SECRET_API_TOKEN"] = "t";
        var ran = work.Run("needs-input", "--input", "account=acme");
        Assert.True(ran.Exit == 0, ran.ToString());
        Assert.True(work.Exists("ran.txt"));
    }

    [Fact]
    public void Runs_lists_every_run_with_its_status_as_text_and_json()
    {
        using var work = new RunWorkspace("shell-files");
        var good = RunIdOf(work.Run("shell-files"));
        var bad = RunIdOf(work.Run("shell-files", "--input", "code=1"));
        Assert.True(File.Exists(work.JournalPath(good)) && File.Exists(work.JournalPath(bad)));

        var text = work.Cli("runs", "--journal", JournalDir);
        Assert.True(text.Exit == 0, text.ToString());
        var lines = text.Out.Split('\n');
        Assert.Matches(@"\bsuccess\s+done\b", lines.Single(l => l.StartsWith(good, StringComparison.Ordinal)));
        Assert.Matches(@"\bfailure\s+broken\b", lines.Single(l => l.StartsWith(bad, StringComparison.Ordinal)));

        var json = work.Cli("runs", "--journal", JournalDir, "--format", "json");
        Assert.True(json.Exit == 0, json.ToString());
        var runs = JsonDocument.Parse(json.Out).RootElement.GetProperty("runs").EnumerateArray()
            .ToDictionary(r => r.GetProperty("run").GetString()!, r => (Str(r, "status"), Str(r, "end"), Str(r, "playbook")));
        Assert.Equal(("success", "done", "shell-files"), runs[good]);
        Assert.Equal(("failure", "broken", "shell-files"), runs[bad]);
        Assert.Equal(2, runs.Count);
    }

    [Fact]
    public void Report_renders_markdown_html_and_own_templates_and_locates_template_errors()
    {
        using var work = new RunWorkspace("approval");
        var id = RunIdOf(work.Run("approval", "--answer", "gate=approve"));

        var md = work.Cli("report", id, "--journal", JournalDir, "--format", "md");
        Assert.True(md.Exit == 0, md.ToString());
        Assert.StartsWith($"# Run {id}: approval\n", md.Out);
        Assert.Contains("| status | **success** at `approved`: Approved |", md.Out);
        Assert.Contains($"| gate | approve | {(global::Playbook.Reporting.MarkdownText.Text(Environment.UserName))} | --answer |", md.Out);
        Assert.Contains("prepare → gate → approved", md.Out);

        var html = work.Cli("report", id, "--journal", JournalDir, "--format", "html", "--output", "report.html");
        Assert.True(html.Exit == 0, html.ToString());
        Assert.Equal("", html.Out);
        var page = work.Read("report.html");
        Assert.Contains("<html", page);
        Assert.Contains(id, page);
        Assert.Contains("approved", page);

        File.WriteAllText(work.PathOf("mine.sbn"), "{{ run_id }} {{ status }} {{ end_state }}{{ for a in approvals }} {{ a.state }}={{ a.answer }} by {{ a.who }}{{ end }}\n");
        var mine = work.Cli("report", id, "--journal", JournalDir, "--template", "mine.sbn");
        Assert.True(mine.Exit == 0, mine.ToString());
        Assert.Equal($"{id} success approved gate=approve by --answer\n", mine.Out);

        // A name that does not exist, on line 2 column 6, and a statement that does not parse, on line 2 column 7.
        File.WriteAllText(work.PathOf("unknown.sbn"), "{{ run_id }}\n  {{ nosuch }}\n");
        var unknown = work.Cli("report", id, "--journal", JournalDir, "--template", "unknown.sbn");
        Assert.True(unknown.Exit == 2, unknown.ToString());
        Assert.Contains("unknown.sbn: 2:6: ", unknown.Err);
        Assert.Contains("nosuch", unknown.Err);

        File.WriteAllText(work.PathOf("broken.sbn"), "{{ run_id }}\n{{ if }}\n");
        var broken = work.Cli("report", id, "--journal", JournalDir, "--template", "broken.sbn");
        Assert.True(broken.Exit == 2, broken.ToString());
        Assert.Contains("broken.sbn: 2:7: ", broken.Err);
        Assert.Equal("", broken.Out);
    }

    [Fact]
    public void Report_of_an_unknown_run_suggests_the_near_one()
    {
        using var work = new RunWorkspace("aborts");
        var id = RunIdOf(work.Run("aborts"));
        var typo = id[..^1] + (id[^1] == '0' ? '1' : '0');

        var result = work.Cli("report", typo, "--journal", JournalDir);

        Assert.True(result.Exit == 2, result.ToString());
        Assert.Contains($"no run '{typo}' in {JournalDir} (did you mean {id}?)", result.Err);
    }
}
