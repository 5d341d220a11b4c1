using Playbook.Syntax;
using Playbook.Tests.RealRuns;
using Xunit;
using static Playbook.Tests.EngineCore.EngineTestKit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.EngineCore;

/// <summary><c>retry K … when `expr`</c>: a failed attempt is retried only while the condition holds on its result,
/// in simulation and in real runs (one engine core), and the journal says why retrying stopped.</summary>
public class RetryWhenTests
{
    private const string Body = """
        step restart {
          shell "x"
          timeout 1m
          retry 3 backoff 1s x2 when `exit_code != 127`
          on ok -> done
          on fail -> failed
        }
        end done success
        end failed failure
        """;

    private static Dictionary<string, object?> Exit(int code) => new() { ["exit_code"] = code };

    [Fact]
    public void The_condition_is_parsed_after_the_backoff()
    {
        var doc = PlaybookDocument.FromText("t.playbook", $"playbook t {{\n{Body}\n}}\n");
        var retry = doc.Model!.States.Single(s => s.Name == "restart").Syntax.Find<RetrySyntax>()!;

        Assert.Equal("exit_code != 127", retry.When!.Code);
        Assert.Equal(3, retry.Count.Value);
        Assert.DoesNotContain(doc.Check(), d => d.Severity == Diagnostics.Severity.Error);
    }

    [Fact]
    public async Task A_scenario_attempt_whose_result_fails_the_condition_stops_retrying()
    {
        var result = await Run(Body, Script(("restart", [Attempt("fail", outputs: Exit(127))])));

        var attempts = result.Timeline.Where(t => t.State == "restart").ToList();
        Assert.Single(attempts);
        Assert.Contains("not retried: retry when `exit_code != 127` is false", attempts[0].Note);
        Assert.Equal("failed", result.End);
    }

    [Fact]
    public async Task A_result_that_meets_the_condition_is_retried_up_to_the_count()
    {
        var result = await Run(Body, Script(("restart", [Attempt("fail", outputs: Exit(1))])));

        Assert.Equal(4, result.Timeline.Count(t => t.State == "restart"));
        Assert.DoesNotContain(result.Timeline, t => t.Note?.Contains("not retried") == true);
        Assert.Equal("failed", result.End);
    }

    [Fact]
    public async Task Retrying_stops_at_the_first_attempt_whose_result_fails_the_condition()
    {
        var result = await Run(Body, Script(("restart", [Attempt("fail", outputs: Exit(1)), Attempt("fail", outputs: Exit(127)), Attempt("ok")])));

        Assert.Equal(2, result.Timeline.Count(t => t.State == "restart"));
        Assert.Equal("failed", result.End);
    }

    [Fact]
    public async Task An_attempt_without_a_result_is_retried_as_without_the_condition()
    {
        // A timeout has no exit_code: the condition cannot say no, so the count is the bound.
        var result = await Run(Body, Script(("restart", [Attempt("timeout"), Attempt("ok")])));

        Assert.Equal(2, result.Timeline.Count(t => t.State == "restart"));
        Assert.Equal("done", result.End);
    }

    [Fact]
    public void The_worst_case_still_counts_every_retry()
    {
        // 4 attempts × 1m + 1s + 2s + 4s: the condition may stop retrying early, never later.
        var doc = PlaybookDocument.FromText("t.playbook", $"playbook t {{\n{Body}\n}}\n");
        Assert.DoesNotContain(doc.Check(), d => d.Severity == Diagnostics.Severity.Error);

        var failed = Playbook.Timing.WorstCaseAnalysis.Analyze(doc.Model!).Single(w => w.End.Name == "failed");
        Assert.Equal("4m7s", failed.Total.ToString());
    }

    [Fact]
    public void The_condition_reads_only_names_available_to_the_step()
    {
        var doc = PlaybookDocument.FromText("t.playbook", "playbook t {\n" + Body.Replace("exit_code != 127", "exit_cod != 127") + "\n}\n");

        var error = Assert.Single(doc.Check(), d => d.Severity == Diagnostics.Severity.Error);
        Assert.Contains("exit_cod", error.Message);
    }

    [Fact]
    public void A_real_run_does_not_retry_a_missing_command_and_the_journal_says_why()
    {
        using var work = new RunWorkspace("retry-when");

        var result = work.Run("retry-when");

        Assert.True(result.Exit == 1, result.ToString());
        Assert.Single(work.Read("missing.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(3, work.Read("flaky.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var ended = work.Records(result).Where(r => Type(r) == "attempt-ended" && Str(r, "state") == "missing").ToList();
        Assert.Single(ended);
        Assert.Contains("not retried: retry when `exit_code != 127` is false", Str(ended[0], "note"));
    }
}
