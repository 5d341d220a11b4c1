using System.Globalization;
using System.Security.Cryptography;

namespace Playbook.LiveRuns.Actions;

/// <summary>Which process a pid named when it was journaled: the machine's boot, the process's start time
/// (clock ticks since boot, from /proc) and a SHA-256 of its command line (a hash, because an argv may hold
/// values the journal must not). A resume signals a journaled process group only if its leader can still
/// be that one: pids are reused, and after a reboot or a long outage the number may belong to something
/// else entirely.</summary>
public readonly record struct ProcessIdentity(string BootId, long StartTicks)
{
    /// <summary>Hex SHA-256 of the leader's NUL-separated command line (/proc/PID/cmdline); null when not known.</summary>
    public string? CommandLine { get; init; }

    /// <summary>The identity of a live process; null when it is gone or /proc cannot tell.</summary>
    public static ProcessIdentity? Of(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) state ppid pgrp … starttime(22nd field) …": comm may hold spaces and ')' — read after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (CurrentBootId() is not { } boot || fields.Length <= 19
                || !long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
                return null;
            // A zombie's cmdline is empty: then there is no command line to compare.
            return new ProcessIdentity(boot, start) { CommandLine = CommandLineOf(pid) is { Length: > 0 } line ? Hash(line) : null };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The raw command line of a process (arguments each followed by NUL); null when it is gone.</summary>
    internal static byte[]? CommandLineOf(int pid)
    {
        try
        {
            return File.ReadAllBytes($"/proc/{pid}/cmdline");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A command line as /proc shows it: each argument followed by NUL.</summary>
    internal static byte[] Encode(IEnumerable<string> argv) =>
        argv.SelectMany(a => System.Text.Encoding.UTF8.GetBytes(a).Append((byte)0)).ToArray();

    internal static string Hash(byte[] commandLine) => Convert.ToHexStringLower(SHA256.HashData(commandLine));

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
    /// another time or running another command line. If the leader is gone, a group by that number can only
    /// be the old one: Linux does not give a pid out again while a process group of that number exists.</summary>
    public static bool StillOurs(int pgid, ProcessIdentity? journaled)
    {
        if (journaled is not { } then) return true; // journaled without an identity (not Linux): trust the number
        if (CurrentBootId() is { } boot && boot != then.BootId) return false;
        if (Of(pgid) is not { } now) return true;
        return now.StartTicks == then.StartTicks
            && (then.CommandLine is null || now.CommandLine is null || now.CommandLine == then.CommandLine);
    }
}
