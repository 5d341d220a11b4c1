using Playbook.Tests.RealRuns;
using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.Reporting;

/// <summary>The Markdown and HTML reports of three real runs, byte for byte, against golden files in
/// Reporting/golden: a success, a failure after retries, and a crash with a resume that passes an approval.
/// The journal's times and machine ids are normalised first (<see cref="GoldenJournal"/>), so the files change
/// only when a report does. PLAYBOOK_UPDATE_GOLDEN=1 writes them instead (then read the diff).</summary>
public sealed class ReportGoldenTests
{
    private static string GoldenDirectory => Path.Combine(Library.PlaybookLibraryTests.RepositoryRoot(), "tests", "Playbook.Tests", "Reporting", "golden");

    [Fact]
    public void A_successful_run_reports_as_its_golden_files()
    {
        using var work = new RunWorkspace("report-success");
        var run = work.Run("report-success");
        Assert.True(run.Exit == 0, run.ToString());

        AssertGolden(work, RunIdOf(run), "success");
    }

    [Fact]
    public void A_run_that_fails_after_its_retries_reports_as_its_golden_files()
    {
        using var work = new RunWorkspace("report-retries");
        var run = work.Run("report-retries");
        Assert.True(run.Exit == 1, run.ToString());

        AssertGolden(work, RunIdOf(run), "retries");
    }

    [Fact]
    public void A_run_killed_and_resumed_through_an_approval_reports_as_its_golden_files()
    {
        using var work = new RunWorkspace("gate-after-wait");
        using (var running = work.Start("gate-after-wait", "--answer", "gate=approve"))
        {
            WaitForRecord(work.SingleJournal, r => Type(r) == "process-started" && Str(r, "state") == "hold", running);
            // Killed between journaling the process and letting it go, the command never runs and the resume runs
            // the step again: a different (and also correct) journal. Wait until the command is really running.
            var started = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!work.Exists("running.txt"))
            {
                Assert.True(DateTime.UtcNow < started, "the step's command never started");
                Thread.Sleep(10);
            }
            running.Kill();
            Assert.True(running.Finish().Exit != 0);
        }
        var journal = work.SingleJournal()!;
        File.WriteAllText(work.PathOf("go"), "");
        // The step's process sees 'go' and ends; the resume then finds it ended on its own (always the same words).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (ProcessGroupsOf(journal).Any(Playbook.LiveRuns.Actions.ProcessGroups.IsAlive))
        {
            Assert.True(DateTime.UtcNow < deadline, "the step's process never ended");
            Thread.Sleep(20);
        }
        var resumed = work.Resume();
        Assert.True(resumed.Exit == 0, resumed.ToString());

        AssertGolden(work, Path.GetFileNameWithoutExtension(journal), "resume");
    }

    private static void AssertGolden(RunWorkspace work, string id, string name)
    {
        GoldenJournal.Normalise(work.JournalPath(id));
        foreach (var format in new[] { "md", "html" })
        {
            var report = work.Cli("report", id, "--journal", JournalDir, "--format", format);
            Assert.True(report.Exit == 0, report.ToString());
            // The workspace is a new temporary folder each time.
            var text = report.Out.Replace(work.Directory, "/work", StringComparison.Ordinal);
            var golden = Path.Combine(GoldenDirectory, $"{name}.report.{format}");
            if (Environment.GetEnvironmentVariable("PLAYBOOK_UPDATE_GOLDEN") == "1")
            {
                Directory.CreateDirectory(GoldenDirectory);
                File.WriteAllText(golden, text);
                continue;
            }
            Assert.True(File.Exists(golden), $"no golden file {golden}: run with PLAYBOOK_UPDATE_GOLDEN=1 to write it");
            Assert.Equal(File.ReadAllText(golden), text);
        }
    }
}
