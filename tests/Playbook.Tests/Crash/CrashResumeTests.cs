using Playbook.CrashTest;
using Xunit;
using Xunit.Abstractions;

namespace Playbook.Tests.Crash;

/// <summary>A run SIGKILLed at random moments and resumed (some resumes killed too) does every change exactly
/// once and ends as if nothing had happened. The schedule is seeded, so a failure replays with
/// <c>dotnet run -c Release --project tools/Playbook.CrashTest -- --kills 50 --seed 20261123</c>.</summary>
[Collection(KillsRealRuns.Name)]
public sealed class CrashResumeTests(ITestOutputHelper output)
{
    private const int Seed = 20261123;

    [Fact]
    public async Task Runs_killed_50_times_and_resumed_do_every_change_once_and_end_as_an_uninterrupted_run()
    {
        var summary = await new CrashHarness(new CrashOptions
        {
            PlaybookDll = CliProcess.PlaybookDll(),
            Kills = 50,
            Seed = Seed,
            Log = output.WriteLine,
        }).RunAsync();

        output.WriteLine($"{summary.Kills} kills over {summary.Runs} runs ({summary.Resumes} resumes) in {summary.Elapsed.TotalSeconds:0.0} s");
        Assert.True(summary.Violations.Count == 0, string.Join("\n", summary.Violations) + $"\n(evidence kept in {summary.WorkDirectory})");
        Assert.Equal(50, summary.Kills);
        // Every run reached its end, and some were killed more than once (a resume killed too).
        Assert.Equal(summary.Runs, summary.RunsCompleted);
        Assert.True(summary.Runs < summary.Kills, $"only {summary.Runs} runs for {summary.Kills} kills: no resume was ever killed");
        Directory.Delete(summary.WorkDirectory, recursive: true);
    }
}

/// <summary>Kill moments are drawn over how long an uninterrupted run takes: other tests running alongside
/// would stretch the runs and skew where the kills land.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KillsRealRuns
{
    public const string Name = "kills real runs";
}
