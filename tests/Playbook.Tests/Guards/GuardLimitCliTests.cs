using System.Diagnostics;
using System.Runtime.InteropServices;
using Playbook.Expressions;
using Xunit;

namespace Playbook.Tests.Guards;

/// <summary>Issue 10 §3 through the real CLI, as a child process: deep recursion would abort the process
/// (exit 134) if the limit regressed, so it is tried here, where that fails a test instead of the test run.
/// Also: a busy guard still yields to SIGTERM and to a script step's timeout, and simulate ends.</summary>
public sealed class GuardLimitCliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "playbook-guards-" + Guid.NewGuid().ToString("N"));

    public GuardLimitCliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string body)
    {
        File.WriteAllText(Path.Combine(_dir, name + ".playbook"), $"playbook {name} {{\n{body}\n}}\n");
        return name + ".playbook";
    }

    private const string Recursion = "((Func<Func<long, long>>)(() => { Func<long, long> f = null; f = x => f(x + 1) + 1; return f; }))()(0)";
    private const string LocalRecursion = "((Func<long>)(() => { long F(long x) => F(x + 1) + 1; return F(0); }))()";

    [Theory]
    [InlineData(Recursion)]
    [InlineData(LocalRecursion)]
    public void Deep_CSharp_recursion_fails_the_step_in_run_and_simulate(string script)
    {
        var file = Write("rec", $$"""
              expressions csharp
              step s "recurse" { script `{{script}}` timeout 10s on ok -> done on fail -> failed on timeout -> failed }
              end done success "ok"
              end failed failure "failed"
            """);
        var run = CliProcess.Run(_dir, "run", file, "--journal", "journal");
        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains("calls nested more than 64 deep", run.Out);
        var simulate = CliProcess.Run(_dir, "simulate", file, "--fail", "none");
        Assert.NotEqual(134, simulate.Exit);
        Assert.NotEqual(70, simulate.Exit);
    }

    [Fact]
    public void A_looping_guard_ends_simulate_and_monte_carlo_with_a_clear_reason()
    {
        var file = Write("spin", """
              expressions csharp
              decide d { when `((Func<bool>)(() => { while (true) { } }))()` -> done else -> done }
              end done success "ok"
            """);
        var watch = Stopwatch.StartNew();
        var simulate = CliProcess.Run(_dir, "simulate", file);
        Assert.Contains("ran longer than 2000 ms", simulate.Out + simulate.Err);
        var runs = CliProcess.Run(_dir, "simulate", file, "--runs", "2", "--seed", "1");
        Assert.NotEqual(70, runs.Exit);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
    }

    [Fact]
    public void A_script_step_timeout_stops_a_busy_CSharp_script()
    {
        var file = Write("slow", """
              expressions csharp
              step s "spin" { script `Enumerable.Range(0, 1).Select(i => { while (true) { } return i; }).Sum()` timeout 500ms on ok -> done on fail -> failed on timeout -> late }
              end done success "ok"
              end failed failure "failed"
              end late failure "timed out"
            """);
        var run = CliProcess.Run(_dir, "run", file, "--journal", "journal");
        Assert.Contains("timed out: the script was stopped", run.Out);
        Assert.Contains("ended at 'late'", run.Out);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    [Fact]
    public void SIGTERM_stops_a_run_whose_script_is_busy()
    {
        var file = Write("busy", """
              expressions csharp
              step s "spin" { script `Enumerable.Range(0, 1).Select(i => { while (true) { } return i; }).Sum()` timeout 1h on ok -> done on fail -> done on timeout -> done }
              end done success "ok"
            """);
        using var running = CliProcess.Start(_dir, new Dictionary<string, string?>(), "run", file, "--journal", "journal");
        var journal = Path.Combine(_dir, "journal");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && !(Directory.Exists(journal) && Directory.GetFiles(journal, "*.journal")
                   .Any(f => File.ReadAllText(f).Contains("attempt-started", StringComparison.Ordinal))))
            Thread.Sleep(50);
        Thread.Sleep(500);
        Assert.Equal(0, SendSignal(running.Pid, 15));
        var watch = Stopwatch.StartNew();
        var result = running.Finish(TimeSpan.FromSeconds(30));
        Assert.True(result.Exit == 130, result.ToString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData("globalThis.eval(\"1\") === 1", "eval")]
    [InlineData("[].constructor.constructor(\"return 1\")() === 1", "constructor")]
    [InlineData("[][\"constructor\"] !== undefined", "constructor")]
    [InlineData("(({ constructor: c }) => c)([]) !== undefined", "constructor")]
    [InlineData("({}).__proto__ !== null", "__proto__")]
    [InlineData("Function(\"return 1\")() === 1", "Function")]
    public void Validate_refuses_the_ways_to_code_from_strings(string code, string name)
    {
        var analysis = JavaScriptAnalyzer.Analyze(code);
        var issue = analysis.Issues.First(i => i.Kind == ExpressionIssueKind.Refused);
        Assert.StartsWith(name + "|", issue.Message);
        Assert.Equal(name, code.Substring(issue.Offset, issue.Length).Trim('"'));
    }
}
