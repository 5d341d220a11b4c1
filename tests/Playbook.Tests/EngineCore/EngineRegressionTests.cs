using Playbook.EngineCore;
using Playbook.Simulation;
using Xunit;
using static Playbook.Tests.EngineCore.EngineTestKit;

namespace Playbook.Tests.EngineCore;

/// <summary>Behaviour that scenario authors found wrong once, pinned so it stays right.</summary>
public class EngineRegressionTests
{
    [Fact]
    public async Task A_join_all_fails_as_soon_as_one_branch_fails()
    {
        var result = await Run("""
            parallel both {
              branch fast { step quick { shell "false"  timeout 1h } }
              branch slow { step long  { shell "sleep 3000"  timeout 1h } }
              join all
              on ok   -> done
              on fail -> broken
            }
            end done   success
            end broken failure
            """, Script(("quick", new[] { Attempt("fail", "1m") }), ("long", new[] { Attempt("ok", "50m") })));
        Assert.Equal("broken", result.End);
        Assert.Equal(TimeSpan.FromMinutes(1), result.Elapsed);
    }

    [Fact]
    public async Task A_join_of_two_fails_once_a_second_branch_of_three_fails()
    {
        var result = await Run("""
            parallel checks {
              branch a { step a1 { shell "a" timeout 1h } }
              branch b { step b1 { shell "b" timeout 1h } }
              branch c { step c1 { shell "c" timeout 1h } }
              join 2
              on ok -> done
              on fail -> broken
            }
            end done success
            end broken failure
            """, Script(("a1", new[] { Attempt("fail", "1m") }), ("b1", new[] { Attempt("fail", "2m") }), ("c1", new[] { Attempt("ok", "30m") })));
        Assert.Equal("broken", result.End);
        Assert.Equal(TimeSpan.FromMinutes(2), result.Elapsed);
    }

    [Fact]
    public async Task A_guard_on_a_transition_reads_the_steps_own_result()
    {
        var result = await Run("""
            step fetch {
              http GET "https://example.invalid/health"
              timeout 10s
              on ok when `response.status == 429` -> limited
              on ok   -> done
              on fail -> limited
            }
            end done    success
            end limited failure
            """, Script(("fetch", new[] { Attempt(outputs: new() { ["response"] = new Dictionary<string, object?> { ["status"] = 429L } }) })));
        Assert.Equal("limited", result.End);
        Assert.Null(result.Reason);
    }

    [Fact]
    public async Task A_failed_attempt_with_output_keeps_its_captures()
    {
        var result = await Run("""
            step export { shell "wrangler d1 export" timeout 1m capture exported = `exit_code == 0`  on ok -> done  on fail -> done }
            end done success
            """, Script(("export", new[] { Attempt("fail", outputs: new() { ["exit_code"] = 1L, ["stdout"] = "", ["stderr"] = "quota" }) })));
        Assert.Equal(false, result.Captures["exported"]);
    }

    [Fact]
    public async Task Decides_and_pauses_count_their_attempt()
    {
        var result = await Run("""
            wait settle { for 30s -> check }
            decide check { else -> done }
            end done success
            """);
        Assert.Equal(1, result.Attempts["settle"]);
        Assert.Equal(1, result.Attempts["check"]);
    }

    [Fact]
    public async Task A_call_that_outruns_its_timeout_times_out_whether_run_or_scripted()
    {
        var folder = Directory.CreateTempSubdirectory("playbook-call-timeout-").FullName;
        File.WriteAllText(Path.Combine(folder, "slow.playbook"), """
            playbook slow { step work { shell "true" timeout 15m -> done simulate { duration 10m } }  end done success }
            """);
        File.WriteAllText(Path.Combine(folder, "quick.playbook"), """
            playbook quick { step work { shell "true" timeout 15m -> done }  end done success }
            """);
        foreach (var (callee, script) in new[] { ("slow", new SimulationScript()), ("quick", Script(("fix", new[] { Attempt("timeout") }))) })
        {
            var path = Path.Combine(folder, $"caller-{callee}.playbook");
            File.WriteAllText(path, $$"""
                playbook caller-{{callee}} {
                  step fix { call {{callee}} timeout 5m  on ok -> fixed  on timeout -> timed-out  on fail -> failed }
                  end fixed success
                  end timed-out failure
                  end failed failure
                }
                """);
            var workspace = new PlaybookWorkspace();
            var doc = workspace.Load(path);
            Assert.DoesNotContain(doc.Check(), d => d.Severity == Diagnostics.Severity.Error);
            var compiled = Compiling.PlaybookCompiler.Compile(doc.Model!);
            var simulator = new Simulator(compiled, (from, name) => workspace.Resolve(from.Model, name, out _) is { } m ? Compiling.PlaybookCompiler.Compile(m) : null);
            var result = await simulator.RunOnceAsync(script, new Dictionary<string, object?>());
            Assert.Equal("timed-out", result.End);
            Assert.Equal(TimeSpan.FromMinutes(5), result.Elapsed);
        }
    }

    [Fact]
    public async Task A_runaway_expression_fails_the_step_instead_of_hanging_the_run()
    {
        var result = await Run("""
            step count { shell "x" timeout 1m capture n = `(() => { let i = 0; while (true) { i++; } })()`  on ok -> done  on fail -> failed }
            end done success
            end failed failure
            """, Script(("count", new[] { Attempt(outputs: new() { ["stdout"] = "" }) })));
        Assert.Equal("failed", result.End);
        Assert.Contains("`(() =>", result.Timeline.Single().Note);
    }
}
