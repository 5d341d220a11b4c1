using System.Runtime.InteropServices;

namespace Playbook.LiveRuns.Actions;

/// <summary>Signals whole process groups through libc, so stopping a shell step also stops what it started
/// (pipelines, <c>cmd &amp;</c>), which <see cref="System.Diagnostics.Process.Kill(bool)"/> cannot reach once
/// the shell that started them has died and they were re-parented.</summary>
internal static class ProcessGroups
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>How long processes get to exit after SIGTERM before SIGKILL.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "getpgid", SetLastError = true)]
    private static extern int GetPgid(int pid);

    /// <summary>The process group of a process, or -1 when it does not exist.</summary>
    public static int GroupOf(int pid) => GetPgid(pid);

    /// <summary>Whether any process of the group is still running. Zombies do not count: they are dead and
    /// only wait for their parent (or init, which in a container may never come) to collect them.</summary>
    public static bool IsAlive(int pgid)
    {
        if (Kill(-pgid, 0) != 0) return false;
        if (!Directory.Exists("/proc/self")) return true;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so read after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 2 && fields[0] != "Z" && fields[2] == pgid.ToString(System.Globalization.CultureInfo.InvariantCulture)) return true;
        }
        return false;
    }

    /// <summary>SIGTERM to the group, up to <see cref="Grace"/> for it to go, then SIGKILL. Returns false
    /// when nothing of the group was running.</summary>
    public static async Task<bool> TerminateAsync(int pgid)
    {
        // A group at or below 1, or our own, would take init or this very process down with the step.
        if (pgid <= 1 || pgid == GetPgid(0)) throw new ArgumentOutOfRangeException(nameof(pgid), pgid, "not a process group a step could have started");
        // Checked first because a group of only zombies still takes signals, yet nothing in it is running.
        if (!IsAlive(pgid) || Kill(-pgid, SigTerm) != 0) return false;
        var deadline = DateTime.UtcNow + Grace;
        while (DateTime.UtcNow < deadline)
        {
            if (!IsAlive(pgid)) return true;
            await Task.Delay(Poll).ConfigureAwait(false);
        }
        Kill(-pgid, SigKill);
        return true;
    }
}
