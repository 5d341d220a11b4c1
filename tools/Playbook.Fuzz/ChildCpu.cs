using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Playbook.Fuzz;

/// <summary>The CPU time of child processes. While a child runs, its own <see cref="Process.TotalProcessorTime"/>
/// (read from /proc) is exact; once it has exited and been reaped that is gone, so the final figure comes from
/// <c>getrusage(RUSAGE_CHILDREN)</c>: the CPU of every reaped child of this process, read before the child
/// starts and after it ends. That delta is exact when one child at a time ends in between, as in the fuzz
/// run; the larger of it and the last live sample is taken, so a figure is never below what was seen.</summary>
public static class ChildCpu
{
    private const int RusageChildren = -1;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    // struct rusage on 64-bit Linux: two timevals, then fourteen longs.
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public TimeVal User;
        public TimeVal System;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVcsw, NIvcsw;
    }

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetRUsage(int who, out RUsage usage);

    /// <summary>The CPU used by all reaped children so far; zero where getrusage is not available.</summary>
    public static TimeSpan ReapedChildren()
    {
        if (!OperatingSystem.IsLinux() || GetRUsage(RusageChildren, out var usage) != 0) return TimeSpan.Zero;
        return ToSpan(usage.User) + ToSpan(usage.System);
    }

    private static TimeSpan ToSpan(TimeVal t) => TimeSpan.FromTicks(t.Seconds * TimeSpan.TicksPerSecond + t.Microseconds * 10);

    /// <summary>The CPU a running process has used, or <paramref name="last"/> when it has just exited.</summary>
    public static TimeSpan Of(Process process, TimeSpan last)
    {
        try
        {
            var now = process.TotalProcessorTime;
            return now > last ? now : last;
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or IOException or UnauthorizedAccessException)
        {
            return last;
        }
    }
}
