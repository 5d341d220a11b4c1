using System.Diagnostics;
using Playbook.Fuzz;
using Xunit;

namespace Playbook.Tests.Fuzz;

/// <summary>The fuzz tool judges a child by the CPU time it burns, not by the wall clock, which a loaded
/// machine stretches: a child that spins is slow, one that sleeps past its CPU budget is not, and one that
/// never ends is a hang at the wall-clock cap. Not run beside other tests: the final CPU figure of a child
/// comes from getrusage(RUSAGE_CHILDREN), which another test's child ending at the same moment would add to.</summary>
[Collection(CpuBudgetCollection.Name)]
public sealed class CpuBudgetTests
{
    private static ProcessStartInfo Shell(string script)
    {
        var start = new ProcessStartInfo("/bin/sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        return start;
    }

    // A fixed amount of work: about a second of CPU for sh on this machine, whatever the load.
    private const string Burn = "i=0; while [ $i -lt 1500000 ]; do i=$((i+1)); done; echo done";

    [Fact]
    public void A_child_that_spins_forever_is_stopped_as_slow_once_it_burns_three_times_its_budget()
    {
        var budget = TimeSpan.FromMilliseconds(300);
        var result = JudgedProcess.Run(Shell("while :; do :; done"), budget);
        Assert.Equal(Verdict.Slow, result.Judgement.Verdict);
        Assert.True(result.Killed);
        Assert.False(result.Answered);
        Assert.True(result.Judgement.Cpu > CpuBudget.KillFactor * budget, result.Describe());
        Assert.Contains("slow: over", result.Describe());
    }

    [Fact]
    public void A_child_that_burns_more_cpu_than_its_budget_is_slow_and_one_within_it_is_not()
    {
        var measured = JudgedProcess.Run(Shell(Burn), TimeSpan.FromMinutes(5));
        Assert.Equal(0, measured.ExitCode);
        Assert.Equal(Verdict.InBudget, measured.Judgement.Verdict);
        // The figure is the child's CPU measured after it ended, not a sample from before.
        Assert.True(measured.Judgement.Cpu > TimeSpan.FromMilliseconds(100), measured.Describe());

        // The same work with half of what it took as budget: over it, whether it is stopped at three times
        // the budget or ends first.
        var slow = JudgedProcess.Run(Shell(Burn), measured.Judgement.Cpu / 2);
        Assert.Equal(Verdict.Slow, slow.Judgement.Verdict);
        Assert.True(slow.Judgement.Cpu > measured.Judgement.Cpu / 2, slow.Describe());
    }

    [Fact]
    public void A_child_that_sleeps_past_its_cpu_budget_but_under_the_hang_cap_is_in_budget()
    {
        var budget = TimeSpan.FromMilliseconds(500);
        var result = JudgedProcess.Run(Shell("sleep 3; echo woke"), budget);
        Assert.Equal(0, result.ExitCode);
        Assert.True(result.Answered);
        Assert.Equal(Verdict.InBudget, result.Judgement.Verdict);
        Assert.True(result.Judgement.Wall > budget, $"slept {result.Judgement.Wall}: longer than its CPU budget");
        Assert.True(result.Judgement.Cpu < budget, result.Describe());
    }

    [Fact]
    public void A_child_that_never_ends_is_a_hang_at_the_wall_clock_cap()
    {
        var cap = TimeSpan.FromSeconds(2);
        var result = JudgedProcess.Run(Shell("sleep 1000"), TimeSpan.FromSeconds(1), cap);
        Assert.Equal(Verdict.Hang, result.Judgement.Verdict);
        Assert.True(result.Killed);
        Assert.Equal(-1, result.ExitCode);
        Assert.True(result.Judgement.Wall >= cap && result.Judgement.Wall < TimeSpan.FromSeconds(60), result.Describe());
        Assert.Contains("hang: still running", result.Describe());
    }

    [Fact]
    public void The_hang_cap_is_ten_times_the_cpu_budget_plus_30_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(80), CpuBudget.HangCap(TimeSpan.FromSeconds(5)));
        // 2 s of CPU per MiB plus the allowance.
        Assert.Equal(TimeSpan.FromSeconds(7), CpuBudget.For(2 * 1024 * 1024, TimeSpan.FromSeconds(3)));
        Assert.Equal(Verdict.Slow, CpuBudget.Finished(TimeSpan.FromSeconds(7.01), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(7)).Verdict);
        Assert.Equal(Verdict.InBudget, CpuBudget.Finished(TimeSpan.FromSeconds(6.99), TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(7)).Verdict);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpuBudgetCollection
{
    public const string Name = "CPU budget (getrusage of children)";
}
