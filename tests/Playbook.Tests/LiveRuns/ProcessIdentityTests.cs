using System.Diagnostics;
using Playbook.LiveRuns.Actions;
using Xunit;

namespace Playbook.Tests.LiveRuns;

/// <summary>A resume stops a journaled process group only while its number can still name the process
/// the crashed run started: not after a reboot, not once the pid belongs to a process started later.</summary>
public sealed class ProcessIdentityTests
{
    [Fact]
    public void A_live_process_is_still_the_one_journaled_and_a_later_one_with_its_pid_is_not()
    {
        using var sleep = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            var journaled = ProcessIdentity.Of(sleep.Id);
            Assert.NotNull(journaled);
            Assert.True(ProcessIdentity.StillOurs(sleep.Id, journaled));
            // The same number, but started at another moment: another process.
            Assert.False(ProcessIdentity.StillOurs(sleep.Id, journaled.Value with { StartTicks = journaled.Value.StartTicks - 1 }));
            // Another boot: nothing the crashed run started can be alive.
            Assert.False(ProcessIdentity.StillOurs(sleep.Id, journaled.Value with { BootId = "00000000-0000-0000-0000-000000000000" }));
        }
        finally
        {
            sleep.Kill();
        }
    }

    [Fact]
    public void A_group_whose_leader_is_gone_can_only_be_the_old_one()
    {
        using var done = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        done.WaitForExit();
        var identity = new ProcessIdentity(ProcessIdentity.CurrentBootId()!, 1);
        Assert.True(ProcessIdentity.StillOurs(done.Id, identity));
        Assert.False(ShellRunner.KillGroup(done.Id));
    }
}

/// <summary>A pid now running another command line, even with the same start time, is not the journaled one.</summary>
public sealed class ProcessCommandLineIdentityTests
{
    [Fact]
    public void A_process_with_another_command_line_is_not_ours_and_is_not_signalled()
    {
        using var sleep = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("setsid", "sleep 30") { UseShellExecute = false })!;
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            // Wait until setsid has both made the group and exec'd sleep: between the two (and during the
            // exec) /proc/PID/cmdline can read empty, which is not the state this test is about.
            while ((Playbook.LiveRuns.Actions.ProcessGroups.GroupOf(sleep.Id) != sleep.Id || !IsSleep(sleep.Id)) && DateTime.UtcNow < deadline) Thread.Sleep(5);
            var real = ProcessIdentity.Of(sleep.Id)!.Value;
            Assert.NotNull(real.CommandLine);
            Assert.True(Playbook.LiveRuns.RunProcesses.IsLive(sleep.Id, real));
            // Same boot, same start time, another command: a recycled pid (or a forged record).
            var forged = real with { CommandLine = new string('0', 64) };
            Assert.False(ProcessIdentity.StillOurs(sleep.Id, forged));
            Assert.False(Playbook.LiveRuns.RunProcesses.IsLive(sleep.Id, forged));
            Assert.False(sleep.HasExited);
        }
        finally
        {
            sleep.Kill();
        }
    }

    private static bool IsSleep(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim() == "sleep"; }
        catch (IOException) { return false; }
    }
}
