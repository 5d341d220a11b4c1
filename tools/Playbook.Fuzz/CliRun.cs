using System.Diagnostics;

namespace Playbook.Fuzz;

/// <summary>How one <c>playbook</c> process ended. Exit codes 0, 1 and 2 are answers; 70 is an internal
/// error, 134 an abort (a stack overflow), anything else or a time-out is a crash or a hang.</summary>
public sealed record CliOutcome(int ExitCode, bool TimedOut, TimeSpan Elapsed, string Stderr)
{
    public bool Answered => !TimedOut && ExitCode is 0 or 1 or 2;

    public string Describe() => TimedOut ? $"hang (killed after {Elapsed.TotalSeconds:0.0} s)" : $"exit {ExitCode}";
}

/// <summary>Runs <c>dotnet playbook.dll ARGS</c> with a time limit; a process over it is killed.</summary>
public sealed class CliRun(string playbookDll)
{
    public CliOutcome Run(string workingDirectory, TimeSpan limit, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(playbookDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.StandardInput.Close();
        // Output is drained (a full pipe would stall the child) but only stderr's end is kept.
        var stdout = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new CliOutcome(-1, true, clock.Elapsed, Tail(stderr.Result));
        }
        process.WaitForExit();
        stdout.Wait();
        return new CliOutcome(process.ExitCode, false, clock.Elapsed, Tail(stderr.Result));
    }

    private static string Tail(string text) => text.Length > 2_000 ? text[^2_000..] : text;

    internal static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
