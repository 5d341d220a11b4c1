using Playbook.Tests.RealRuns;
using Xunit;

namespace Playbook.Tests.Simulate;

/// <summary><c>playbook simulate</c> on a playbook with a cleanup: its states are labelled as the cleanup, its
/// outcome is shown next to the end, and its worst case is on its own line, outside the ends' totals.</summary>
public class CleanupSimulateTests
{
    [Fact]
    public void A_dry_run_labels_cleanup_states_and_shows_the_cleanups_outcome_next_to_the_end()
    {
        using var work = new RunWorkspace("with-cleanup");

        var result = work.Cli("simulate", "with-cleanup.playbook", "--fail", "tidy");

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains("tidy (cleanup)", result.Out);
        Assert.DoesNotContain("branch @cleanup", result.Out);
        Assert.Contains("end:      done (success)", result.Out);
        Assert.Contains("cleanup:  fail (the cleanup ended 'fail' in 'tidy')", result.Out);
    }

    [Fact]
    public void The_worst_case_shows_the_cleanup_on_its_own_line_outside_the_ends_totals()
    {
        using var work = new RunWorkspace("with-cleanup");

        var result = work.Cli("simulate", "with-cleanup.playbook", "--worst-case");

        Assert.True(result.Exit == 0, result.ToString());
        // work's timeout (2m) is each end's total; the cleanup's 10s + 2m is not added to it.
        Assert.Contains("done (success): 2m\n", result.Out);
        Assert.Contains("cleanup (after the end; not in the ends' totals nor the rto): 2m10s\n  path: tidy → linger\n", result.Out);
    }

    [Fact]
    public void The_json_worst_case_gives_the_cleanup_its_own_field_outside_the_ends_totals()
    {
        using var work = new RunWorkspace("with-cleanup");

        var result = work.Cli("simulate", "with-cleanup.playbook", "--worst-case", "--format", "json");

        Assert.True(result.Exit == 0, result.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.All(root.GetProperty("ends").EnumerateArray(), end => Assert.Equal(120_000, end.GetProperty("total_ms").GetInt64()));
        var cleanup = root.GetProperty("cleanup");
        Assert.Equal("2m10s", cleanup.GetProperty("total").GetString());
        Assert.Equal(130_000, cleanup.GetProperty("total_ms").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, cleanup.GetProperty("unbounded_reason").ValueKind);
        Assert.Equal(["tidy", "linger"], cleanup.GetProperty("path").EnumerateArray().Select(p => p.GetProperty("state").GetString()));
        Assert.Equal(["10s", "2m"], cleanup.GetProperty("path").EnumerateArray().Select(p => p.GetProperty("time").GetString()));
    }

    [Fact]
    public void The_json_worst_case_of_a_playbook_without_cleanup_says_null()
    {
        using var work = new RunWorkspace("with-cleanup");
        File.WriteAllText(work.PathOf("plain.playbook"), """
            playbook plain {
              step work { shell "true"  timeout 1m  -> done }
              end done success
            }
            """);

        var result = work.Cli("simulate", "plain.playbook", "--worst-case", "--format", "json");

        Assert.True(result.Exit == 0, result.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(result.Out);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.RootElement.GetProperty("cleanup").ValueKind);
        Assert.Equal(60_000, json.RootElement.GetProperty("ends")[0].GetProperty("total_ms").GetInt64());
    }

    [Theory]
    [InlineData("[work, failed, tidy]", 0)]
    [InlineData("[work, failed, tidy, linger]", 1)]
    public void A_scenario_sets_cleanup_steps_outcomes_and_expects_them_on_the_path_after_the_end(string path, int exit)
    {
        using var work = new RunWorkspace("with-cleanup");
        File.WriteAllText(work.PathOf("cleanup.scenarios.yaml"), $$"""
            playbook: with-cleanup.playbook
            scenarios:
              - name: the cleanup runs after a failure
                steps:
                  work: { outcome: fail }
                  tidy: { outcome: fail }
                expect: { end: failed, path: {{path}} }
            """);

        var result = work.Cli("test", "cleanup.scenarios.yaml");

        Assert.True(result.Exit == exit, result.ToString());
        Assert.Contains(exit == 0 ? "PASS the cleanup runs after a failure" : "- linger", result.Out);
    }
}
