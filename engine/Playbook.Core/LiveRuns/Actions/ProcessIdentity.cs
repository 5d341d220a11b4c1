using System.Globalization;

namespace Playbook.LiveRuns.Actions;

/// <summary>Which process a pid named when it was journaled: the machine's boot and the process's start
/// time (clock ticks since boot, from /proc). A resume stops a journaled process group only if it can
/// still be that one: pids are reused, and after a reboot or a long outage the number may belong to
/// something else entirely.</summary>
public readonly record struct ProcessIdentity(string BootId, long StartTicks)
{
    /// <summary>The identity of a live process; null when it is gone or /proc cannot tell.</summary>
    public static ProcessIdentity? Of(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) state ppid pgrp … starttime(22nd field) …": comm may hold spaces and ')' — read after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return CurrentBootId() is { } boot && fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                ? new ProcessIdentity(boot, start)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static string? CurrentBootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>May the process group <paramref name="pgid"/>, journaled with <paramref name="journaled"/>, still be
    /// the one the run started? Not after a reboot; not if its leader's pid now names a process started at
    /// another time. If the leader is gone, a group by that number can only be the old one: Linux does not
    /// give a pid out again while a process group of that number exists.</summary>
    public static bool StillOurs(int pgid, ProcessIdentity? journaled)
    {
        if (journaled is not { } then) return true; // journaled without an identity (not Linux): trust the number
        if (CurrentBootId() is { } boot && boot != then.BootId) return false;
        return Of(pgid) is not { } now || now.StartTicks == then.StartTicks;
    }
}
