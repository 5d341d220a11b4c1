using System.Diagnostics;

namespace Playbook.Fuzz;

/// <summary>How one child process ended. Exit codes 0, 1 and 2 are answers; 70 is an internal error, 134 an
/// abort (a stack overflow). <see cref="Judgement"/> says whether it kept to its CPU budget, went over it
/// (slow) or was still running at the wall-clock cap (a hang); a process stopped early has exit code -1.</summary>
public sealed record CliOutcome(int ExitCode, Judgement Judgement, string Stderr)
{
    public bool Killed => Judgement.Killed;

    /// <summary>The process ended by itself with an answer (it may still have been slow).</summary>
    public bool Answered => !Killed && ExitCode is 0 or 1 or 2;

    public string Describe() => Killed ? Judgement.Describe() : $"exit {ExitCode}, {Judgement.Describe()}";
}

/// <summary>Runs a child process judged by its CPU time (<see cref="CpuBudget"/>): stopped with its whole
/// process tree when it burns <see cref="CpuBudget.KillFactor"/> times its budget or outlives the
/// wall-clock cap.</summary>
public static class JudgedProcess
{
    /// <param name="hangCap">The wall-clock cap; <see cref="CpuBudget.HangCap"/> of the budget unless given.</param>
    public static CliOutcome Run(ProcessStartInfo start, TimeSpan budget, TimeSpan? hangCap = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        var reapedBefore = ChildCpu.ReapedChildren();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        process.StandardInput.Close();
        // Output is drained (a full pipe would stall the child) but only stderr's end is kept.
        var stdout = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var stderr = process.StandardError.ReadToEndAsync();
        var seen = TimeSpan.Zero;
        var stopped = CpuBudget.WaitOrStop(process.WaitForExitAsync(), () => seen = ChildCpu.Of(process, seen), budget, clock, hangCap);
        if (stopped is not null)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new CliOutcome(-1, stopped, Tail(stderr.Result));
        }
        process.WaitForExit();
        var wall = clock.Elapsed;
        stdout.Wait();
        var reaped = ChildCpu.ReapedChildren() - reapedBefore;
        var cpu = reaped > seen ? reaped : seen;
        return new CliOutcome(process.ExitCode, CpuBudget.Finished(cpu, wall, budget), Tail(stderr.Result));
    }

    private static string Tail(string text) => text.Length > 2_000 ? text[^2_000..] : text;
}

/// <summary>Runs <c>dotnet playbook.dll ARGS</c> judged by its CPU time.</summary>
public sealed class CliRun(string playbookDll)
{
    public CliOutcome Run(string workingDirectory, TimeSpan budget, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost()) { WorkingDirectory = workingDirectory };
        start.ArgumentList.Add(playbookDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        return JudgedProcess.Run(start, budget);
    }

    internal static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
