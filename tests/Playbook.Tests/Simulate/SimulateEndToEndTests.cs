using System.Text.Json;
using Playbook.Cli;
using Playbook.Cli.Commands;
using Xunit;
using static Playbook.Tests.Simulate.SimulateTestSupport;

namespace Playbook.Tests.Simulate;

/// <summary><c>playbook simulate</c> through the real, built executable: exit codes, usage errors and
/// byte-identical Monte Carlo output for the same seed.</summary>
public class SimulateEndToEndTests
{
    [Fact]
    public void Exit_codes_follow_the_end()
    {
        Assert.Equal(ExitCodes.Success, RunCli("simulate", "retry-reject.playbook").Exit);
        Assert.Equal(ExitCodes.Failed, RunCli("simulate", "retry-reject.playbook", "--answer", "confirm=reject").Exit);
        Assert.Equal(SimulateCommand.Aborted, RunCli("simulate", "aborts.playbook", "--fail", "only").Exit);
        Assert.Equal(ExitCodes.Usage, RunCli("simulate", "broken.playbook").Exit);
    }

    [Fact]
    public void Repeated_fail_and_input_options()
    {
        var result = RunCli("simulate", "flaky.playbook", "--input", "fast=true", "--fail", "restart=1", "--fail", "db-check", "--format", "json");
        Assert.True(result.Exit == ExitCodes.Failed, result.ToString());
        var root = JsonDocument.Parse(result.Out).RootElement;
        var attempts = root.GetProperty("timeline").EnumerateArray()
            .Where(e => e.GetProperty("state").GetString() == "restart")
            .Select(e => e.GetProperty("outcome").GetString()).ToList();
        Assert.Equal(["fail", "ok"], attempts);
        Assert.Equal("handed-over", root.GetProperty("end").GetString());
    }

    [Fact]
    public void Unknown_step_is_a_usage_error_with_did_you_mean()
    {
        var result = RunCli("simulate", "retry-reject.playbook", "--fail", "fxi");
        Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
        Assert.Contains("did you mean 'fix'?", result.Err);
        Assert.Equal("", result.Out);
    }

    [Theory]
    [InlineData("--runs", "0")]
    [InlineData("--format", "yaml")]
    [InlineData("--seed", "x")]
    public void Bad_option_values_are_usage_errors(string option, string value)
    {
        var result = RunCli("simulate", "flaky.playbook", option, value);
        Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
        Assert.Contains("Run 'playbook simulate --help' for usage.", result.Err);
    }

    [Fact]
    public void Worst_case_and_runs_do_not_mix()
    {
        var result = RunCli("simulate", "flaky.playbook", "--worst-case", "--runs", "10");
        Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
        Assert.Contains("--worst-case and --runs cannot be used together", result.Err);
    }

    [Fact]
    public void Monte_carlo_output_is_byte_identical_for_the_same_seed()
    {
        var a = RunCli("simulate", "flaky.playbook", "--runs", "2500", "--seed", "42");
        var b = RunCli("simulate", "flaky.playbook", "--runs", "2500", "--seed", "42");
        var c = RunCli("simulate", "flaky.playbook", "--runs", "2500", "--seed", "43");
        Assert.True(a.Exit == 0, a.ToString());
        Assert.Equal(a.Out, b.Out);
        Assert.NotEqual(a.Out, c.Out);
        // Redirected: no progress bar, nothing on stderr.
        Assert.Equal("", a.Err);
        Assert.DoesNotContain("simulating", a.Out);

        var ja = RunCli("simulate", "flaky.playbook", "--runs", "500", "--seed", "42", "--format", "json");
        var jb = RunCli("simulate", "flaky.playbook", "--runs", "500", "--seed", "42", "--format", "json");
        Assert.Equal(ja.Out, jb.Out);
        JsonDocument.Parse(ja.Out);
    }

    [Fact]
    public void Worst_case_json_through_the_cli()
    {
        var result = RunCli("simulate", Shipped("worker-rollback"), "--worst-case", "--format", "json");
        Assert.True(result.Exit == 0, result.ToString());
        var recovered = JsonDocument.Parse(result.Out).RootElement.GetProperty("ends")[0];
        Assert.Equal("recovered", recovered.GetProperty("end").GetString());
        Assert.Equal("13m42s", recovered.GetProperty("total").GetString());
        Assert.Equal(822_000, recovered.GetProperty("total_ms").GetInt64());
    }
}
