using Playbook.Semantics;
using Playbook.Text;
using Playbook.Timing;
using Xunit;

namespace Playbook.Tests.Timing;

/// <summary>The worst case is a figure users act on: these pin it to hand-computed values.</summary>
public class WorstCaseTests
{
    private static IReadOnlyList<WorstCasePath> Analyze(string body)
    {
        var doc = PlaybookDocument.FromText("t.playbook", "playbook t {\n" + body + "\n}\n");
        Assert.DoesNotContain(doc.Check(), d => d.Severity == Diagnostics.Severity.Error);
        return WorstCaseAnalysis.Analyze(doc.Model!);
    }

    private static string Worst(string body, string end) =>
        Analyze(body).Single(w => w.End.Name == end).Total.ToString();

    [Fact]
    public void Sketch_rollback_path_counts_every_attempt_and_backoff()
    {
        // 4 attempts × 5m + 1s + 2s + 4s = 20m7s, then 30s settle, 5m verify.
        const string body = """
            step rollback { shell "x" timeout 5m retry 3 backoff 1s x2 max 8s jitter  on ok -> settle  on fail -> failed }
            wait settle { for 30s -> verify }
            wait verify { until `true` every 10s probe shell "y" timeout 5m  on ok -> done  on timeout -> failed }
            end done success
            end failed failure
            """;
        Assert.Equal("25m37s", Worst(body, "done"));
        var path = Analyze(body).Single(w => w.End.Name == "done");
        Assert.Equal("rollback → settle → verify → done", path.PathText);
        Assert.Equal(new[] { 1207.0, 30, 300 }, path.Path.Select(p => p.Time.TotalSeconds));
    }

    [Fact]
    public void Simulate_upper_bound_is_used_when_a_step_has_no_timeout()
    {
        Assert.Equal("8m", Worst("""
            step a { shell "x" retry 1 simulate { duration 1m..4m } -> done  on fail -> done }
            end done success
            """, "done"));
    }

    [Fact]
    public void The_longest_branch_of_a_decide_wins()
    {
        Assert.Equal("10m", Worst("""
            decide d { when `1 > 2` -> slow  else -> fast }
            step slow { shell "x" timeout 10m -> done  on fail -> done }
            step fast { shell "x" timeout 1m -> done  on fail -> done }
            end done success
            """, "done"));
    }

    [Fact]
    public void A_phase_budget_caps_the_time_inside_it()
    {
        // 3 × 10m inside a 15m phase: the phase can only take 15m before its timeout fires.
        const string body = """
            phase p within 15m {
              step a { shell "x" timeout 10m -> b  on fail -> b }
              step b { shell "x" timeout 10m -> c  on fail -> c }
              step c { shell "x" timeout 10m -> done  on fail -> done }
              on timeout -> late
            }
            end done success
            end late failure
            """;
        Assert.Equal("15m", Worst(body, "done"));
        Assert.Equal("15m", Worst(body, "late"));
    }

    [Fact]
    public void A_parallel_takes_its_slowest_branch_capped_by_its_timeout()
    {
        const string body = """
            parallel checks {
              branch a { step a1 { shell "x" timeout 2m } }
              branch b { step b1 { shell "x" timeout 3m retry 1 } }
              on ok -> done
              on fail -> done
            }
            end done success
            """;
        Assert.Equal("6m", Worst(body, "done"));
        Assert.Equal("4m", Worst(body.Replace("on ok -> done", "timeout 4m\n on ok -> done"), "done"));
    }

    [Fact]
    public void A_loop_or_a_missing_timeout_is_unbounded_with_the_reason()
    {
        var loop = Analyze("""
            step a { shell "x" timeout 1m -> b  on fail -> a }
            step b { shell "x" timeout 1m -> done  on fail -> done }
            end done success
            """).Single();
        Assert.True(loop.Total.IsUnbounded);
        Assert.Contains("a → a", loop.Total.UnboundedBecause);

        var noTimeout = Analyze("""
            step a { shell "x" -> done  on fail -> done }
            end done success
            """).Single();
        Assert.Equal("step 'a' has no timeout", noTimeout.Total.UnboundedBecause);
    }

    [Fact]
    public void Rto_warning_names_the_worst_case_and_its_path()
    {
        var doc = PlaybookDocument.FromText("t.playbook", """
            playbook t {
              rto 5m
              step a { shell "x" timeout 4m retry 1 backoff 30s -> done  on fail -> done }
              end done success
            }
            """);
        var warning = Assert.Single(doc.Check(), d => d.Id == "PB4001");
        Assert.Equal("worst case to 'done' is 8m30s, over the rto of 5m: path a → done", warning.Message);
    }

    [Fact]
    public void Format_matches_what_playbooks_write()
    {
        Assert.Equal("1h2m3s", DurationText.Format(new TimeSpan(1, 2, 3)));
        Assert.Equal("250ms", DurationText.Format(TimeSpan.FromMilliseconds(250)));
        Assert.Equal("1d12h", DurationText.Format(TimeSpan.FromHours(36)));
        Assert.Equal("0s", DurationText.Format(TimeSpan.Zero));
    }
}
