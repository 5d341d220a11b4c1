using System.Diagnostics;
using System.Text.Json;
using Playbook.EngineCore;
using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.RealRuns;

/// <summary><c>playbook run --rehearse</c>: readonly steps run for real, every other step is simulated, and the
/// journal, <c>runs</c> and the report say it was a rehearsal, which is never resumed.</summary>
public class RehearsalTests
{
    private const string Secret = "s3cr3t-Rehearse-7c2e";

    private static RunWorkspace Workspace()
    {
        var work = new RunWorkspace("rehearsal");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Run", "data", "rehearsal.scenarios.yaml"), work.PathOf("rehearsal.scenarios.yaml"));
        work.Environment["PLAYBOOK_SECRET_TOKEN"] = Secret;
        return work;
    }

    private static List<JsonElement> OnlyJournal(RunWorkspace work) => Records(work.SingleJournal()!);

    [Fact]
    public void Rehearsal_runs_readonly_steps_for_real_simulates_the_rest_on_virtual_time_and_never_asks_a_person()
    {
        using var work = Workspace();
        var watch = Stopwatch.StartNew();

        var result = work.Run("rehearsal", "--rehearse", "--seed", "5");

        watch.Stop();
        Assert.True(result.Exit == 0, result.ToString());
        // The readonly steps ran (their file is there); the step that writes did not.
        Assert.True(work.Exists("looked.txt"), result.ToString());
        Assert.False(work.Exists("drained.txt"), result.ToString());
        Assert.StartsWith("rehearsal ", result.Out);
        Assert.Contains("look  attempt 1 started (exec real)", result.Out);
        Assert.Contains("count  attempt 1 started (shell real)", result.Out);
        Assert.Contains("drain  attempt 1 started (shell simulated)", result.Out);
        Assert.Contains("page  attempt 1 started (notify simulated)", result.Out);
        // The manual gate was approved by default at once (no terminal, no --answer): a rehearsal never waits for a person.
        Assert.Contains("gate  approve", result.Out);
        // drain's 5m..15m was spent on the virtual clock, not slept: the run reports ≥ 5m in seconds of wall time.
        Assert.Contains("ended at 'done' (success) after 10m", result.Out);
        Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1), watch.Elapsed.ToString());
        // A rehearsal still redacts what a real step printed.
        Assert.DoesNotContain(Secret, result.Out + result.Err);
        Assert.DoesNotContain(Secret, File.ReadAllText(work.SingleJournal()!));
        Assert.Contains("token=***", result.Out);

        var records = OnlyJournal(work);
        var options = records.Single(r => Type(r) == "run-started").GetProperty("options");
        Assert.True(options.GetProperty("rehearsal").GetBoolean());
        Assert.Equal(["look", "count"], options.GetProperty("real_steps").EnumerateArray().Select(e => e.GetString()));
        // Only the real steps started processes; readonly implies idempotent, and the journal says so.
        Assert.Equal(["look", "count"], records.Where(r => Type(r) == "process-started").Select(r => Str(r, "state")));
        Assert.True(records.Single(r => Type(r) == "attempt-started" && Str(r, "state") == "look").GetProperty("idempotent").GetBoolean());
        Assert.Contains(records, r => Type(r) == "answered" && Str(r, "state") == "gate" && Str(r, "who") == ManualAnswer.Default);
    }

    [Fact]
    public void A_scenario_drives_the_simulated_steps_while_the_readonly_ones_still_run_for_real()
    {
        using var work = Workspace();

        var result = work.Run("rehearsal", "--rehearse", "--scenario", "drain-fails");

        Assert.True(result.Exit == 1, result.ToString());
        Assert.Contains("drain  fail after 2m", result.Out);
        Assert.Contains("path: look → count → gate → drain → failed", result.Out);
        Assert.True(work.Exists("looked.txt"));
        Assert.False(work.Exists("drained.txt"));
        var options = OnlyJournal(work).Single(r => Type(r) == "run-started").GetProperty("options");
        Assert.Equal("drain-fails", options.GetProperty("scenario").GetString());
    }

    [Fact]
    public void A_scenario_answers_a_manual_step()
    {
        using var work = Workspace();

        var result = work.Run("rehearsal", "--rehearse", "--scenario", "rejected");

        Assert.True(result.Exit == 1, result.ToString());
        Assert.Contains("path: look → count → gate → failed", result.Out);
        Assert.Contains(OnlyJournal(work), r => Type(r) == "answered" && Str(r, "answer") == "reject" && Str(r, "who") == "scenario");
    }

    [Fact]
    public void Bad_rehearsal_options_are_refused_before_anything_runs()
    {
        using var work = Workspace();

        var unknown = work.Run("rehearsal", "--rehearse", "--scenario", "no-such");
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("--scenario no-such: no such scenario in", unknown.Err);
        Assert.Contains("(it has drain-fails, rejected)", unknown.Err);

        var notRehearsing = work.Run("rehearsal", "--scenario", "drain-fails");
        Assert.Equal(2, notRehearsing.Exit);
        Assert.Contains("--scenario is for a rehearsal: give --rehearse too", notRehearsing.Err);

        File.Delete(work.PathOf("rehearsal.scenarios.yaml"));
        var noFile = work.Run("rehearsal", "--rehearse", "--scenario", "drain-fails");
        Assert.Equal(2, noFile.Exit);
        Assert.Contains("rehearsal.scenarios.yaml does not exist", noFile.Err);

        Assert.False(work.Exists("looked.txt"));
        Assert.Null(work.SingleJournal());
    }

    [Fact]
    public void A_rehearsal_that_stopped_is_never_resumed_as_a_real_run()
    {
        using var work = Workspace();
        using (var running = work.Start("rehearsal", "--rehearse"))
        {
            WaitForRecord(work.SingleJournal, r => Type(r) == "process-started" && Str(r, "state") == "count", running);
            running.Kill();
            running.Finish();
        }
        // Let count's own `sleep 1` end: nothing of the rehearsal is left running.
        Thread.Sleep(1500);

        var resumed = work.Resume();

        Assert.Equal(2, resumed.Exit);
        Assert.Contains("is a rehearsal (run --rehearse), not a real run: it is never resumed", resumed.Err);
        Assert.False(work.Exists("drained.txt"));
    }

    [Fact]
    public void Runs_and_the_report_mark_the_rehearsal_and_each_step_real_or_simulated()
    {
        using var work = Workspace();
        var result = work.Run("rehearsal", "--rehearse", "--scenario", "drain-fails");
        Assert.True(result.Exit == 1, result.ToString());
        var runId = Path.GetFileNameWithoutExtension(work.SingleJournal()!);

        var runs = work.Cli("runs", "--journal", JournalDir);
        Assert.Contains("failure (rehearsal)", runs.Out);

        var markdown = work.Cli("report", runId, "--journal", JournalDir);
        Assert.True(markdown.Exit == 0, markdown.ToString());
        Assert.StartsWith($"# Rehearsal {runId}: rehearsal", markdown.Out);
        Assert.Contains("every other step was simulated (scenario `drain-fails`)", markdown.Out);
        Assert.Contains("| look | **real** |", markdown.Out);
        Assert.Contains("| count | **real** |", markdown.Out);
        Assert.Contains("| drain | simulated |", markdown.Out);
        Assert.Contains("| gate | simulated |", markdown.Out);
        Assert.DoesNotContain(Secret, markdown.Out);

        var html = work.Cli("report", runId, "--journal", JournalDir, "--format", "html");
        Assert.True(html.Exit == 0, html.ToString());
        Assert.Contains($"<h1>Rehearsal {runId}: rehearsal</h1>", html.Out);
        Assert.Contains("<tr><td>look</td><td><strong>real</strong></td></tr>", html.Out);
        Assert.Contains("<tr><td>drain</td><td>simulated</td></tr>", html.Out);
        Assert.DoesNotContain(Secret, html.Out);
    }

    [Fact]
    public void A_real_runs_report_does_not_say_rehearsal()
    {
        using var work = Workspace();
        var result = work.Run("rehearsal", "--answer", "gate=reject");
        Assert.True(result.Exit == 1, result.ToString());
        var runId = RunIdOf(result);

        var markdown = work.Cli("report", runId, "--journal", JournalDir);

        Assert.StartsWith($"# Run {runId}", markdown.Out);
        Assert.DoesNotContain("simulated", markdown.Out);
    }
}
