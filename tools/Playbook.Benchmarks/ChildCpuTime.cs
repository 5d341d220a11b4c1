using System.Runtime.InteropServices;

namespace Playbook.Benchmarks;

/// <summary>CPU time (user + system) of this process's children that have exited and been waited for
/// (<c>getrusage(RUSAGE_CHILDREN)</c>): the difference around one <c>Process.WaitForExit</c> is what that child
/// spent on a CPU. On a loaded machine wall time mostly measures waiting for a core; CPU time moves far less
/// with other load, so <c>--cold-start</c> reports both.</summary>
internal static class ChildCpuTime
{
    private const int RusageChildren = -1;

    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        // The 14 counters that follow in struct rusage (maxrss … nivcsw), unused here.
        public long C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13;
    }

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetRusage(int who, out Rusage usage);

    /// <summary>Total CPU milliseconds of the waited-for children so far; NaN where getrusage is unavailable.</summary>
    public static double Milliseconds()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return double.NaN;
        if (GetRusage(RusageChildren, out var usage) != 0) return double.NaN;
        return (usage.UserSeconds + usage.SystemSeconds) * 1000.0 + (usage.UserMicroseconds + usage.SystemMicroseconds) / 1000.0;
    }
}
