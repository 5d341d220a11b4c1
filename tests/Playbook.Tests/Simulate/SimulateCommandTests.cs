using System.Text.Json;
using System.Text.RegularExpressions;
using Playbook.Cli;
using Playbook.Cli.Commands;
using Playbook.Cli.Output;
using Playbook.Diagnostics;
using Playbook.Simulation;
using Xunit;
using static Playbook.Tests.Simulate.SimulateTestSupport;

namespace Playbook.Tests.Simulate;

/// <summary><c>playbook simulate</c> in process: the command class with captured writers.</summary>
public class SimulateCommandTests
{
    private sealed record Output(int Exit, string Out, string Err)
    {
        public override string ToString() => $"exit {Exit}\n--- stdout\n{Out}\n--- stderr\n{Err}";

        public JsonElement Json => JsonDocument.Parse(Out).RootElement;
    }

    private static Output Simulate(string file, string[]? inputs = null, string[]? fail = null, string[]? answer = null,
        int seed = 0, int? runs = null, bool worstCase = false, bool json = false)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var options = new SimulateOptions(file, inputs ?? [], fail ?? [], answer ?? [], seed, runs, worstCase, json);
        var exit = new SimulateCommand().Run(options, stdout, stderr);
        return new Output(exit, stdout.ToString(), stderr.ToString());
    }

    private static List<(string State, int Attempt, string Outcome)> Timeline(Output output) =>
        output.Json.GetProperty("timeline").EnumerateArray()
            .Select(e => (e.GetProperty("state").GetString()!, e.GetProperty("attempt").GetInt32(), e.GetProperty("outcome").GetString()!))
            .ToList();

    [Fact]
    public void Default_run_succeeds_with_a_timeline_end_path_and_time_against_the_rto()
    {
        var result = Simulate(Data("retry-reject"));
        Assert.True(result.Exit == ExitCodes.Success, result.ToString());
        Assert.Contains("  +30s  confirm        1  approve        0s  default answer: nobody answered\n", result.Out);
        Assert.Contains("end:      fixed (success): Fixed\n", result.Out);
        Assert.Contains("path:     fix → confirm → fixed\n", result.Out);
        Assert.Contains("time:     30s of rto 10m\n", result.Out);
        Assert.Equal("", result.Err);
    }

    [Fact]
    public void An_approval_given_by_answer_is_labelled_as_answered_not_default()
    {
        var result = Simulate(Data("retry-reject"), answer: ["confirm=approve"]);
        Assert.True(result.Exit == ExitCodes.Success, result.ToString());
        Assert.Contains("  +30s  confirm        1  approve        0s  answered by scenario\n", result.Out);
        Assert.DoesNotContain("default answer", result.Out);
    }

    [Fact]
    public void A_playbook_without_simulate_hints_warns_in_one_line_that_steps_are_assumed_instant()
    {
        foreach (var runs in new int?[] { null, 20 })
        {
            var result = Simulate(Data("aborts"), runs: runs);
            Assert.Equal($"playbook: {HintCoverage.NoHintsWarning}\n", result.Err.Replace("\r\n", "\n"));
            Assert.Contains("succeeds instantly", result.Err);
        }
        // One hint anywhere and the figures rest on it: no warning.
        Assert.Equal("", Simulate(Data("retry-reject")).Err);
    }

    [Fact]
    public void Fail_with_a_count_fails_the_first_attempts_then_succeeds()
    {
        var result = Simulate(Data("retry-reject"), fail: ["fix=2"], json: true);
        Assert.True(result.Exit == ExitCodes.Success, result.ToString());
        Assert.Equal(
            [("fix", 1, "fail"), ("fix", 2, "fail"), ("fix", 3, "ok"), ("confirm", 1, "approve")],
            Timeline(result));
        // Three attempts of 30s and two 10s backoffs.
        Assert.Equal("1m50s", result.Json.GetProperty("elapsed").GetString());
        Assert.Equal(110_000, result.Json.GetProperty("elapsed_ms").GetInt64());

        var text = Simulate(Data("retry-reject"), fail: ["fix=2"]);
        Assert.Matches(new Regex(@"\+40s  fix +2  fail"), text.Out);
        Assert.Matches(new Regex(@"\+1m20s  fix +3  ok"), text.Out);
    }

    [Fact]
    public void Fail_without_a_count_fails_every_attempt_and_exits_1()
    {
        var result = Simulate(Data("retry-reject"), fail: ["fix"], json: true);
        Assert.True(result.Exit == ExitCodes.Failed, result.ToString());
        Assert.Equal([("fix", 1, "fail"), ("fix", 2, "fail"), ("fix", 3, "fail")], Timeline(result));
        Assert.Equal("give-up", result.Json.GetProperty("end").GetString());
        Assert.Equal("failure", result.Json.GetProperty("status").GetString());
    }

    [Fact]
    public void Answer_reject_takes_the_reject_path()
    {
        var result = Simulate(Data("retry-reject"), answer: ["confirm=reject"]);
        Assert.True(result.Exit == ExitCodes.Failed, result.ToString());
        Assert.Contains("path:     fix → confirm → give-up\n", result.Out);
        Assert.Contains("end:      give-up (failure): Not fixed\n", result.Out);
        Assert.Matches(new Regex(@"confirm +1  reject"), result.Out);
    }

    [Fact]
    public void Answer_timeout_waits_for_the_whole_manual_timeout()
    {
        var result = Simulate(Data("retry-reject"), answer: ["confirm=timeout"], json: true);
        Assert.True(result.Exit == ExitCodes.Failed, result.ToString());
        Assert.Equal("5m30s", result.Json.GetProperty("elapsed").GetString());
    }

    [Fact]
    public void An_outcome_without_a_transition_aborts_with_exit_3()
    {
        var result = Simulate(Data("aborts"), fail: ["only"]);
        Assert.True(result.Exit == SimulateCommand.Aborted, result.ToString());
        Assert.Contains("end:      (none) (aborted)\n", result.Out);
        Assert.Contains("reason:   step 'only' ended 'fail' and has no transition for it\n", result.Out);
    }

    [Theory]
    [InlineData("--fail", "fxi", "--fail fxi: playbook 'retry-reject' has no state 'fxi' (did you mean 'fix'?)")]
    [InlineData("--answer", "confrm=reject", "--answer confrm: playbook 'retry-reject' has no state 'confrm' (did you mean 'confirm'?)")]
    [InlineData("--fail", "confirm", "--fail confirm: 'confirm' is not a step that can fail: it is a manual (answer it instead: --answer confirm=reject)")]
    [InlineData("--answer", "fix=approve", "--answer fix: 'fix' is not a manual step: it is a step")]
    [InlineData("--answer", "confirm=maybe", "--answer confirm=maybe: give STEP=approve, STEP=reject or STEP=timeout")]
    [InlineData("--fail", "fix=0", "--fail fix=0: the number of failing attempts must be a whole number of at least 1")]
    public void Bad_fail_or_answer_is_a_usage_error_with_a_suggestion(string option, string value, string message)
    {
        var result = option == "--fail"
            ? Simulate(Data("retry-reject"), fail: [value])
            : Simulate(Data("retry-reject"), answer: [value]);
        Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
        Assert.Contains("playbook: " + message, result.Err);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void Bad_inputs_are_usage_errors()
    {
        var result = Simulate(Data("flaky"), inputs: ["fats=false", "fast=maybe", "novalue"]);
        Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
        Assert.Contains("playbook: playbook 'flaky' has no input 'fats' (did you mean 'fast'?)", result.Err);
        Assert.Contains("playbook: input 'fast' is bool: 'maybe' is not true or false", result.Err);
        Assert.Contains("playbook: --input novalue: write --input name=value", result.Err);
    }

    [Fact]
    public void Inputs_change_the_run()
    {
        var result = Simulate(Data("flaky"), inputs: ["fast=false"]);
        Assert.True(result.Exit == ExitCodes.Failed, result.ToString());
        Assert.Contains("path:     pick → escalate → handed-over\n", result.Out);
    }

    [Fact]
    public void A_playbook_with_errors_is_never_simulated()
    {
        var result = Simulate(Data("broken"));
        Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
        Assert.Equal("", result.Out);
        Assert.Contains("error PB1001: 'dne' is not a state or phase of this playbook", result.Err);
        Assert.Contains("checked 1 file: 2 errors", result.Err);
        Assert.Contains("has errors: fix them before you simulate it", result.Err);
    }

    [Fact]
    public void A_missing_file_is_a_usage_error()
    {
        var result = Simulate(Data("no-such-playbook"));
        Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
        Assert.Contains("no such file or directory", result.Err);
    }

    [Fact]
    public void Run_json_has_every_field_in_order()
    {
        var result = Simulate(Data("flaky"), json: true);
        Assert.True(result.Exit == ExitCodes.Success, result.ToString());
        var root = result.Json;
        Assert.Equal(
            ["version", "playbook", "mode", "seed", "end", "status", "path", "elapsed", "elapsed_ms", "rto", "rto_ms", "timeline", "captures", "reason"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("done", root.GetProperty("end").GetString());
        Assert.Equal("success", root.GetProperty("status").GetString());
        Assert.Equal("20m", root.GetProperty("rto").GetString());
        Assert.Equal(1_200_000, root.GetProperty("rto_ms").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("reason").ValueKind);
        var entry = root.GetProperty("timeline").EnumerateArray().First(e => e.GetProperty("state").GetString() == "api-check");
        Assert.Equal(
            ["at", "at_ms", "state", "branch", "attempt", "outcome", "duration", "duration_ms", "note"],
            entry.EnumerateObject().Select(p => p.Name));
        Assert.Equal("api", entry.GetProperty("branch").GetString());
        Assert.Equal(60_000, entry.GetProperty("at_ms").GetInt64());
    }

    [Fact]
    public void Json_without_rto_has_null_rto()
    {
        var result = Simulate(Data("aborts"), json: true);
        Assert.Equal(JsonValueKind.Null, result.Json.GetProperty("rto").ValueKind);
        Assert.Equal(JsonValueKind.Null, result.Json.GetProperty("rto_ms").ValueKind);
    }

    [Fact]
    public void Time_against_the_rto()
    {
        var text = new SimulationText(color: false);
        Assert.Equal("12m30s of rto 15m", text.AgainstRto(TimeSpan.FromMinutes(12.5), TimeSpan.FromMinutes(15)));
        Assert.Equal("18m: over the rto 15m by 3m", text.AgainstRto(TimeSpan.FromMinutes(18), TimeSpan.FromMinutes(15)));
        Assert.Equal("1m (no rto)", text.AgainstRto(TimeSpan.FromMinutes(1), null));
    }

    // ---- worst case

    [Fact]
    public void Worst_case_shows_each_state_share_and_the_total()
    {
        var result = Simulate(Data("retry-reject"), worstCase: true);
        Assert.True(result.Exit == ExitCodes.Success, result.ToString());
        // fix: 3 attempts × 1m + 2 × 10s backoff = 3m20s; confirm: its 5m timeout.
        Assert.Contains("fixed (success): 8m20s, within the rto 10m\n", result.Out);
        Assert.Matches(new Regex(@"  fix +3m20s +40\.0%  █{12}\n"), result.Out);
        Assert.Matches(new Regex(@"  confirm +5m +60\.0%  █{18}\n"), result.Out);
        Assert.Contains("  total    8m20s  100.0%\n", result.Out);
        Assert.Contains("  path: fix → confirm → fixed\n", result.Out);
        Assert.Contains("give-up (failure): 8m20s\n", result.Out);
    }

    [Fact]
    public void Worst_case_json()
    {
        var result = Simulate(Data("flaky"), worstCase: true, json: true);
        Assert.True(result.Exit == ExitCodes.Success, result.ToString());
        var ends = result.Json.GetProperty("ends").EnumerateArray().ToList();
        Assert.Equal(["done", "handed-over", "failed"], ends.Select(e => e.GetProperty("end").GetString()));
        Assert.Equal("4m35s", ends[0].GetProperty("total").GetString());
        var handedOver = ends[1];
        Assert.Equal(["end", "status", "total", "total_ms", "unbounded_reason", "path"], handedOver.EnumerateObject().Select(p => p.Name));
        Assert.Equal("failure", handedOver.GetProperty("status").GetString());
        Assert.Equal("25m", handedOver.GetProperty("total").GetString());
        Assert.Equal(1_500_000, handedOver.GetProperty("total_ms").GetInt64());
        Assert.Equal(JsonValueKind.Null, handedOver.GetProperty("unbounded_reason").ValueKind);
        var step = handedOver.GetProperty("path")[1];
        Assert.Equal(["state", "time", "time_ms", "share"], step.EnumerateObject().Select(p => p.Name));
        Assert.Equal("restore (budget)", step.GetProperty("state").GetString());
        Assert.Equal(900_000, step.GetProperty("time_ms").GetInt64());
        Assert.Equal(0.6, step.GetProperty("share").GetDouble());
    }

    /// <summary>For every shipped playbook with an rto: lower the rto to 1s so the checker reports its
    /// worst case for every success end (PB4001, or PB4002 when unbounded), and compare with the report.</summary>
    [Theory]
    [MemberData(nameof(ShippedWithRto))]
    public void Worst_case_agrees_with_the_checker(string name)
    {
        var path = Shipped(name);
        var text = Regex.Replace(File.ReadAllText(path), @"(?m)^(\s*rto\s+)\S+", "${1}1s");
        // Beside the original, so its calls resolve to the same callees.
        var document = PlaybookDocument.FromText(path, text);
        var diagnostics = document.Check();
        Assert.DoesNotContain(diagnostics, d => d.Severity == Severity.Error);

        var workspace = new PlaybookWorkspace();
        var report = WorstCaseReport.Build(document.Model!, callee => workspace.WorstCase(document.Model!, callee));
        var successEnds = report.Where(e => e.Success).ToList();
        Assert.NotEmpty(successEnds);
        foreach (var end in successEnds)
        {
            if (end.Total.IsUnbounded)
            {
                Assert.Contains(diagnostics, d => d.Id == "PB4002" && d.Message.StartsWith($"worst case to '{end.End}' is unbounded ({end.Total.UnboundedBecause})", StringComparison.Ordinal));
            }
            else
            {
                var expected = $"worst case to '{end.End}' is {Playbook.Text.DurationText.Format(end.Total.Value)}, over the rto of 1s: path {end.PathText}";
                Assert.Contains(diagnostics, d => d.Id == "PB4001" && d.Message == expected);
                Assert.Equal(end.Total.Value, end.Path.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Time));
            }
        }
    }

    public static TheoryData<string> ShippedWithRto()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Library.PlaybookLibraryTests.RepositoryRoot(), "playbooks"), "*.playbook").Order(StringComparer.Ordinal))
        {
            if (Regex.IsMatch(File.ReadAllText(file), @"(?m)^\s*rto\s+\S+")) data.Add(Path.GetFileNameWithoutExtension(file));
        }
        return data;
    }

    [Fact]
    public void Worker_rollback_worst_case_is_the_documented_13m42s()
    {
        var result = Simulate(Shipped("worker-rollback"), worstCase: true);
        Assert.True(result.Exit == ExitCodes.Success, result.ToString());
        Assert.Contains("recovered (success): 13m42s, within the rto 15m\n", result.Out);
    }

    // ---- Monte Carlo

    [Fact]
    public void Monte_carlo_reports_rates_ends_percentiles_failure_paths_and_a_histogram()
    {
        var result = Simulate(Data("flaky"), runs: 500, seed: 3);
        Assert.True(result.Exit == ExitCodes.Success, result.ToString());
        Assert.StartsWith("Monte Carlo of flaky: 500 runs, seed 3\n", result.Out);
        Assert.Matches(new Regex(@"success rate:  \d+\.\d%\n"), result.Out);
        Assert.Matches(new Regex(@"time to end:   p50 \S+, p90 \S+, p99 \S+, max \S+\n"), result.Out);
        Assert.Matches(new Regex(@"within rto:    \d+ of 500 runs"), result.Out);
        Assert.Contains("  done         success", result.Out);
        Assert.Contains("most frequent failure paths\n", result.Out);
        Assert.Contains("pick → restart → escalate → handed-over", result.Out);
        Assert.Contains("█", result.Out);
        Assert.Equal("", result.Err);
    }

    [Fact]
    public void Monte_carlo_with_the_same_seed_is_identical_and_with_another_differs()
    {
        var a = Simulate(Data("flaky"), runs: 300, seed: 11);
        var b = Simulate(Data("flaky"), runs: 300, seed: 11);
        var c = Simulate(Data("flaky"), runs: 300, seed: 12);
        Assert.Equal(a.Out, b.Out);
        Assert.NotEqual(a.Out, c.Out);
    }

    [Fact]
    public void Monte_carlo_json_has_every_field()
    {
        var result = Simulate(Data("flaky"), runs: 200, seed: 5, json: true);
        var root = result.Json;
        Assert.Equal(
            ["version", "playbook", "mode", "runs", "seed", "success_rate", "ends", "p50", "p90", "p99", "max",
             "p50_ms", "p90_ms", "p99_ms", "max_ms", "rto", "rto_ms", "within_rto", "failure_paths", "histogram"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(200, root.GetProperty("runs").GetInt32());
        Assert.Equal(5, root.GetProperty("seed").GetInt32());
        Assert.Equal(200, root.GetProperty("ends").EnumerateObject().Sum(e => e.Value.GetInt32()));
        Assert.Equal(200, root.GetProperty("histogram").EnumerateArray().Sum(b => b.GetProperty("count").GetInt32()));
        var path = root.GetProperty("failure_paths")[0];
        Assert.Equal(["path", "count"], path.EnumerateObject().Select(p => p.Name));
        Assert.True(root.GetProperty("p50_ms").GetInt64() <= root.GetProperty("p90_ms").GetInt64());
        Assert.True(root.GetProperty("p99_ms").GetInt64() <= root.GetProperty("max_ms").GetInt64());
    }

    [Fact]
    public void Monte_carlo_honours_fail_and_answer()
    {
        var result = Simulate(Data("flaky"), runs: 50, fail: ["restart"], answer: ["escalate=reject"], json: true);
        Assert.True(result.Exit == ExitCodes.Success, result.ToString());
        Assert.Equal(0, result.Json.GetProperty("success_rate").GetDouble());
        Assert.Equal(50, result.Json.GetProperty("ends").GetProperty("failed").GetInt32());
    }

    [Fact]
    public void Histogram_bins_have_round_widths_and_count_every_run()
    {
        var times = new[] { 31, 44, 61, 62, 179 }.Select(s => TimeSpan.FromSeconds(s)).ToList();
        var bins = Histogram.Of(times);
        Assert.Equal(TimeSpan.FromSeconds(30), bins[0].From);
        Assert.Equal(TimeSpan.FromSeconds(15), bins[0].To - bins[0].From);
        Assert.Equal(5, bins.Sum(b => b.Count));
        Assert.True(bins.Count <= Histogram.MaxBins);
        Assert.Single(Histogram.Of([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)]));
        Assert.Empty(Histogram.Of([]));
    }

    [Fact]
    public void The_path_lists_each_branch_and_foreach_item_on_its_own_line_not_as_one_sequence()
    {
        // Branches run at the same time: one sequence (pick → … → api-check → db-check → done) would say otherwise.
        var parallel = Simulate(Data("flaky"));
        Assert.True(parallel.Exit == ExitCodes.Success, parallel.ToString());
        Assert.Matches(@"path:     pick → [^\n]*checks → done\n          api: api-check\n          db: db-check\n", parallel.Out);
        Assert.DoesNotContain("api-check", parallel.Out.Split('\n').Single(l => l.StartsWith("path:", StringComparison.Ordinal)));

        var items = Simulate(Data("foreach-approve"), answer: ["approve-each[2]/approve=reject"]);
        Assert.Contains("path:     approve-each → failed\n          approve-each[1]: approve → move\n          approve-each[2]: approve\n          approve-each[3]: approve → move\n", items.Out);

        // A long list names the first items and says how many more there were.
        var many = Simulate(Data("foreach-approve"), inputs: ["ids=" + string.Join(",", Enumerable.Range(1, 10).Select(i => "m" + i))]);
        Assert.Contains($"          approve-each[{PathText.MaxFlows}]: approve → move\n          … and {10 - PathText.MaxFlows} more\n", many.Out);
        Assert.DoesNotContain($"approve-each[{PathText.MaxFlows + 1}]: ", many.Out);
    }
}
