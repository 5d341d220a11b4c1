using Playbook.EngineCore;
using Playbook.Simulation;
using Xunit;
using static Playbook.Tests.EngineCore.EngineTestKit;

namespace Playbook.Tests.EngineCore;

/// <summary>The meaning of the language, run on the virtual clock.</summary>
public class EngineSemanticsTests
{
    private const string Ends = "end done success \"ok\"\nend failed failure \"no\"";

    [Fact]
    public async Task Retry_waits_1s_2s_then_the_cap_and_gives_up_after_the_last_attempt()
    {
        var result = await Run($$"""
            step restart { shell "x" retry 3 backoff 1s x2 max 3s  on ok -> done  on fail -> failed }
            {{Ends}}
            """, Script(("restart", new[] { Attempt("fail") })));
        Assert.Equal(new[] { "0s", "1s", "3s", "6s" }, Times(result, "restart"));
        Assert.Equal(4, result.Attempts["restart"]);
        Assert.Equal("failed", result.End);
        Assert.Equal(new[] { "restart", "failed" }, result.Path);
    }

    [Fact]
    public async Task A_retry_that_succeeds_stops_retrying_and_is_not_a_new_path_entry()
    {
        var result = await Run($$"""
            step restart { shell "x" timeout 1m retry 3 backoff 10s  on ok -> done  on fail -> failed }
            {{Ends}}
            """, Script(("restart", new[] { Attempt("fail", "5s"), Attempt("timeout"), Attempt("ok", "20s") })));
        Assert.Equal(new[] { "ok" }, result.Timeline.Where(t => t.Attempt == 3).Select(t => t.Outcome));
        Assert.Equal(new[] { "0s", "15s", "1m25s" }, Times(result, "restart"));
        Assert.Equal(TimeSpan.FromSeconds(105), result.Elapsed);
        Assert.Equal(new[] { "restart", "done" }, result.Path);
    }

    [Fact]
    public async Task Jitter_stays_within_the_delay_and_repeats_with_the_seed()
    {
        const string body = $$"""
            step flaky { shell "x" retry 5 backoff 4s x2 jitter  on ok -> done  on fail -> failed }
            {{Ends}}
            """;
        var script = Script(("flaky", new[] { Attempt("fail") }));
        var a = await Run(body, script, seed: 7);
        var b = await Run(body, script, seed: 7);
        var c = await Run(body, script, seed: 8);
        Assert.Equal(Times(a, "flaky"), Times(b, "flaky"));
        Assert.NotEqual(Times(a, "flaky"), Times(c, "flaky"));
        var starts = a.Timeline.Select(t => t.At).ToList();
        for (var n = 1; n < starts.Count; n++)
        {
            var delay = starts[n] - starts[n - 1];
            Assert.InRange(delay, TimeSpan.Zero, TimeSpan.FromSeconds(4 * Math.Pow(2, n - 1)));
        }
    }

    [Fact]
    public async Task A_timed_out_attempt_takes_the_timeout_and_falls_back_to_on_fail()
    {
        var result = await Run($$"""
            step slow { shell "x" timeout 2m  on ok -> done  on fail -> failed }
            {{Ends}}
            """, Script(("slow", new[] { Attempt(duration: "5m") })));
        Assert.Equal("timeout", result.Timeline.Single().Outcome);
        Assert.Equal(TimeSpan.FromMinutes(2), result.Elapsed);
        Assert.Equal("failed", result.End);
    }

    [Fact]
    public async Task Unmentioned_steps_succeed_taking_the_middle_of_their_simulate_range()
    {
        var result = await Run($$"""
            step a { shell "x" timeout 10m  simulate { duration 1m..3m }  -> b  on fail -> failed }
            step b { shell "y" timeout 10m  -> done  on fail -> failed }
            {{Ends}}
            """);
        Assert.Equal(TimeSpan.FromMinutes(2), result.Elapsed);
        Assert.Equal("success", result.StatusText);
    }

    [Fact]
    public async Task Polling_repeats_every_interval_until_the_condition_holds()
    {
        var status = (int code) => new Dictionary<string, object?> { ["response"] = new Dictionary<string, object?> { ["status"] = (long)code } };
        const string body = $$"""
            wait verify { until `status == 200` every 10s  probe http GET "https://x/health"  capture status = `response.status`  timeout 1m
                          on ok -> done  on timeout -> failed }
            {{Ends}}
            """;
        var healthy = await Run(body, Script(("verify", new[] { Attempt(outputs: status(503)), Attempt(outputs: status(503)), Attempt(outputs: status(200)) })));
        Assert.Equal("done", healthy.End);
        Assert.Equal(TimeSpan.FromSeconds(20), healthy.Elapsed);
        Assert.Equal("200 Int64", $"{healthy.Captures["status"]} {healthy.Captures["status"]?.GetType().Name}");

        var never = await Run(body, Script(("verify", new[] { Attempt(outputs: status(503)) })));
        Assert.Equal("failed", never.End);
        Assert.Equal(TimeSpan.FromMinutes(1), never.Elapsed);
    }

    [Fact]
    public async Task A_phase_deadline_cuts_a_step_short_and_takes_the_phase_timeout()
    {
        var result = await Run($$"""
            phase core within 5m {
              step d1 { shell "x" timeout 10m  -> kv  on fail -> failed }
              step kv { shell "y" timeout 10m  -> done  on fail -> failed }
              on timeout -> escalate
            }
            manual escalate { prompt "take over?" timeout 15m  on approve -> done  on reject -> failed }
            {{Ends}}
            """, Script(("d1", new[] { Attempt(duration: "3m") }), ("kv", new[] { Attempt(duration: "4m") }), ("escalate", new[] { Attempt("reject") })));
        Assert.Equal(new[] { "d1", "kv", "escalate", "failed" }, result.Path);
        Assert.Equal("deadline", result.Timeline.Single(t => t.State == "kv").Outcome);
        Assert.Equal(TimeSpan.FromMinutes(5), result.Elapsed);
    }

    [Theory]
    [InlineData("all", "failed", "3m")]
    [InlineData("any", "done", "1m")]
    [InlineData("2", "done", "2m")]
    public async Task Parallel_joins(string join, string end, string elapsed)
    {
        var result = await Run($$"""
            parallel checks {
              branch a { step a1 { shell "a" timeout 10m } }
              branch b { step b1 { shell "b" timeout 10m } }
              branch c { step c1 { shell "c" timeout 10m } }
              join {{join}}
              on ok -> done
              on fail -> failed
            }
            {{Ends}}
            """, Script(("a1", new[] { Attempt(duration: "1m") }), ("b1", new[] { Attempt(duration: "2m") }), ("c1", new[] { Attempt("fail", "3m") })));
        Assert.Equal(end, result.End);
        Assert.Equal(elapsed, Text.DurationText.Format(result.Elapsed));
        Assert.Equal(new[] { "checks", "a1", "b1", "c1", end }, result.Path);
    }

    [Theory]
    [InlineData("approve", "done")]
    [InlineData("reject", "failed")]
    public async Task A_branch_ending_at_a_manual_step_succeeds_when_approved(string answer, string end)
    {
        var script = new Simulation.SimulationScript();
        script.Answers["sign-off"] = answer;
        var result = await Run($$"""
            parallel checks {
              branch a { step a1 { shell "a" timeout 10m } }
              branch b { manual sign-off { prompt "ok?" timeout 10m } }
              join all
              on ok -> done
              on fail -> failed
            }
            {{Ends}}
            """, script);
        Assert.Equal(end, result.End);
    }

    [Fact]
    public async Task A_parallel_timeout_cuts_slow_branches()
    {
        var result = await Run($$"""
            parallel checks {
              branch a { step a1 { shell "a" timeout 10m } }
              branch b { step b1 { shell "b" timeout 10m } }
              timeout 2m
              on ok -> done
              on fail -> failed
            }
            {{Ends}}
            """, Script(("a1", new[] { Attempt(duration: "1m") }), ("b1", new[] { Attempt(duration: "5m") })));
        Assert.Equal("failed", result.End);
        Assert.Equal(TimeSpan.FromMinutes(2), result.Elapsed);
    }

    [Fact]
    public async Task Expect_turns_ok_into_fail()
    {
        var result = await Run($$"""
            step check { shell "curl" timeout 1m expect `exit_code == 0 && stdout.includes('healthy')`  on ok -> done  on fail -> failed }
            {{Ends}}
            """, Script(("check", new[] { Attempt(outputs: new() { ["exit_code"] = 0L, ["stdout"] = "degraded", ["stderr"] = "" }) })));
        Assert.Equal("failed", result.End);
        Assert.Contains("expect", result.Timeline.Single().Note);
    }

    [Fact]
    public async Task A_capture_that_throws_fails_the_step_with_its_line()
    {
        var result = await Run($$"""
            step parse { shell "x" timeout 1m capture n = `JSON.parse(stdout).count`  on ok -> done  on fail -> failed }
            {{Ends}}
            """, Script(("parse", new[] { Attempt(outputs: new() { ["stdout"] = "not json" }) })));
        Assert.Equal("failed", result.End);
        Assert.Matches(@"t\.playbook:2:\d+: `JSON\.parse", result.Timeline.Single().Note);
    }

    [Theory]
    [InlineData("js")]
    [InlineData("csharp")]
    public async Task Decide_takes_the_first_guard_that_holds_in_either_language(string language)
    {
        var body = $$"""
            expressions {{language}}
            input max_errors : int = 100
            step tail { shell "x" timeout 1m capture errors = `0` -> choose  on fail -> failed }
            decide choose {
              when `errors > max_errors` -> rollback
              when `errors > 0` -> redeploy
              else -> done
            }
            step rollback { notify "rollback" -> done }
            step redeploy { notify "redeploy" -> done }
            {{Ends}}
            """;
        var playbook = Compile(body);
        async Task<string> PathFor(long errors) => string.Join(",", (await Run(playbook, Script(("tail", new[] { Attempt(captures: new() { ["errors"] = errors }) })))).Path);
        Assert.Equal("tail,choose,rollback,done", await PathFor(250));
        Assert.Equal("tail,choose,redeploy,done", await PathFor(3));
        Assert.Equal("tail,choose,done", await PathFor(0));
    }

    [Fact]
    public async Task An_outcome_with_no_transition_ends_the_run_aborted()
    {
        var result = await Run("""
            step restart { shell "x" timeout 1m  on ok -> done }
            end done success
            """, Script(("restart", new[] { Attempt("fail") })));
        Assert.Equal(RunStatus.Aborted, result.Status);
        Assert.Null(result.End);
        Assert.Contains("'restart' ended 'fail'", result.Reason);
    }

    [Fact]
    public async Task Manual_steps_take_the_scenario_answer_or_time_out()
    {
        const string body = $$"""
            manual escalate { prompt "Page the lead?" timeout 15m  on approve -> done  on reject, timeout -> failed }
            {{Ends}}
            """;
        Assert.Equal("done", (await Run(body)).End);
        var timedOut = await Run(body, Script(("escalate", new[] { Attempt("timeout") })));
        Assert.Equal("failed", timedOut.End);
        Assert.Equal(TimeSpan.FromMinutes(15), timedOut.Elapsed);
    }

    [Fact]
    public async Task A_call_runs_the_sub_playbook_and_maps_its_end()
    {
        var folder = Directory.CreateTempSubdirectory("playbook-call-").FullName;
        File.WriteAllText(Path.Combine(folder, "d1-recovery.playbook"), """
            playbook d1-recovery {
              input database : string
              step restore { shell "wrangler d1 restore ${database}" timeout 10m  simulate { duration 4m..6m }  -> ok  on fail -> bad }
              end ok success
              end bad failure
            }
            """);
        File.WriteAllText(Path.Combine(folder, "dr.playbook"), """
            playbook dr {
              step d1 { call d1-recovery with { database = "monotask" } timeout 30m  on ok -> done  on fail -> failed }
              end done success
              end failed failure
            }
            """);
        var workspace = new PlaybookWorkspace();
        var doc = workspace.Load(Path.Combine(folder, "dr.playbook"));
        Assert.DoesNotContain(doc.Check(), d => d.Severity == Diagnostics.Severity.Error);
        var playbook = Compiling.PlaybookCompiler.Compile(doc.Model!);
        var simulator = new Simulator(playbook, (from, name) => workspace.Resolve(from.Model, name, out _) is { } m ? Compiling.PlaybookCompiler.Compile(m) : null);
        var result = await simulator.RunOnceAsync(new SimulationScript(), new Dictionary<string, object?>());
        Assert.Equal("done", result.End);
        Assert.Equal(TimeSpan.FromMinutes(5), result.Elapsed);
        Assert.Contains("d1-recovery ended ok", result.Timeline.Single().Note);
    }

    [Fact]
    public async Task A_loop_without_an_exit_is_stopped_as_aborted()
    {
        var result = await Run("""
            decide a { when `true` -> b  else -> done }
            decide b { when `true` -> a  else -> done }
            end done success
            """);
        Assert.Equal(RunStatus.Aborted, result.Status);
        Assert.Contains("looping", result.Reason);
    }
}
