using System.Diagnostics;
using System.Globalization;

namespace Playbook.Benchmarks;

/// <summary>Copies of this benchmark program started at once, each timing its own work: what one process per core
/// gets, with no heap, GC or static shared (the process starts are not in the figure).</summary>
internal static class ChildProcesses
{
    /// <summary>Starts <paramref name="count"/> children with <paramref name="args"/> at once and returns the slowest
    /// one's seconds: the last line each prints (set-up may print lines of its own before it).</summary>
    public static double SlowestSeconds(int count, params string[] args)
    {
        var self = Environment.ProcessPath!;
        var children = Enumerable.Range(0, count).Select(_ =>
        {
            var start = new ProcessStartInfo(self) { RedirectStandardOutput = true };
            // Started as `dotnet Playbook.Benchmarks.dll`: the children too.
            if (!self.EndsWith("Playbook.Benchmarks", StringComparison.Ordinal)) start.ArgumentList.Add(typeof(ChildProcesses).Assembly.Location);
            foreach (var a in args) start.ArgumentList.Add(a);
            return Process.Start(start)!;
        }).ToList();
        var slowest = 0.0;
        foreach (var child in children)
        {
            using (child)
            {
                var output = child.StandardOutput.ReadToEnd();
                child.WaitForExit();
                if (child.ExitCode != 0) throw new InvalidOperationException($"a child exited {child.ExitCode}");
                slowest = Math.Max(slowest, double.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture));
            }
        }
        return slowest;
    }
}
