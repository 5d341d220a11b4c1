using Playbook.EngineCore;
using Xunit;
using static Playbook.Tests.EngineCore.EngineTestKit;

namespace Playbook.Tests.EngineCore;

/// <summary>The cleanup on the virtual clock: it runs after every way out, reads run.*, and never changes the run's end.</summary>
public class CleanupEngineTests
{
    private const string Body = """
        step fix { shell "echo fix" timeout 1m  on ok -> done  on fail -> failed }
        end done success "ok"
        end failed failure "no"
        cleanup "Put things back" {
          step unmute { shell "echo unmute" timeout 30s  on ok -> which }
          decide which { when `run.end + " " + run.status + " " + run.id == "done success dry-run"` -> tell  when `run.end == "aborted"` -> page  else -> tell }
          step tell { notify "ended ${run.end}" }
          step page { notify "aborted after ${run.elapsed}" }
        }
        """;

    [Theory]
    [InlineData("ok", "done", RunStatus.Success)]
    [InlineData("fail", "failed", RunStatus.Failure)]
    public async Task Cleanup_runs_after_the_end_and_reads_how_the_run_ended(string outcome, string end, RunStatus status)
    {
        var result = await Run(Body, Script(("fix", [Attempt(outcome)])));
        Assert.Equal(end, result.End);
        Assert.Equal(status, result.Status);
        Assert.Equal(["fix", end, "unmute", "which", "tell"], result.Path);
        Assert.Equal("ok", result.Cleanup?.Outcome);
    }

    [Fact]
    public async Task A_failing_cleanup_is_reported_but_the_run_keeps_its_end()
    {
        var result = await Run(Body, Script(("fix", [Attempt("ok")]), ("unmute", [Attempt("fail")])));
        Assert.Equal(RunStatus.Success, result.Status);
        Assert.Equal("done", result.End);
        Assert.Equal("fail", result.Cleanup?.Outcome);
        Assert.DoesNotContain("tell", result.Path);
    }

    [Fact]
    public async Task An_aborted_run_still_runs_its_cleanup_with_run_end_aborted()
    {
        var body = Body.Replace("on ok -> done  on fail -> failed", "on ok -> done", StringComparison.Ordinal);
        var result = await Run(body, Script(("fix", [Attempt("fail")])));
        Assert.Equal(RunStatus.Aborted, result.Status);
        Assert.Equal(["fix", "unmute", "which", "page"], result.Path);
        Assert.Equal("ok", result.Cleanup?.Outcome);
    }

    [Fact]
    public async Task A_run_without_cleanup_has_no_cleanup_result()
    {
        var result = await Run("step fix { shell \"x\" timeout 1m  on ok -> done  on fail -> done }\nend done success \"ok\"");
        Assert.Null(result.Cleanup);
    }

    [Fact]
    public async Task An_exhausted_phase_budget_with_no_way_out_aborts_the_run_and_runs_its_cleanup()
    {
        var body = Body.Replace("step fix { shell \"echo fix\" timeout 1m  on ok -> done  on fail -> failed }",
            "phase core within 5m { step fix { shell \"echo fix\" timeout 10m  on ok -> done  on fail -> failed } }", StringComparison.Ordinal);
        var result = await Run(body, Script(("fix", [Attempt("ok", "8m")])));
        Assert.Equal(RunStatus.Aborted, result.Status);
        Assert.Equal(TimeSpan.FromMinutes(5), result.Elapsed);
        Assert.Equal(["fix", "unmute", "which", "page"], result.Path);
        Assert.Equal("ok", result.Cleanup?.Outcome);
    }

    [Fact]
    public async Task A_failed_guard_aborts_the_run_and_its_cleanup_still_runs()
    {
        var body = Body.Replace("on ok -> done  on fail -> failed", "on ok when `JSON.parse(\"{\")` -> done  on ok -> done  on fail -> failed", StringComparison.Ordinal);
        var result = await Run(body, Script(("fix", [Attempt("ok")])));
        Assert.Equal(RunStatus.Aborted, result.Status);
        Assert.Null(result.End);
        Assert.Equal(["fix", "unmute", "which", "page"], result.Path);
        Assert.Equal("ok", result.Cleanup?.Outcome);
    }
}
