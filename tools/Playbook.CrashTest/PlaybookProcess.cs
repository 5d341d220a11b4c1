using System.Diagnostics;

namespace Playbook.CrashTest;

/// <summary>How one <c>playbook</c> process ended: killed by the harness, or exited on its own.</summary>
public sealed record ProcessOutcome(bool Killed, int ExitCode, TimeSpan Lifetime, string Stdout, string Stderr);

/// <summary>Runs <c>dotnet playbook.dll ARGS</c> and SIGKILLs it at a chosen moment if it is still going.
/// Only the dotnet process is killed, never its tree: a shell step's process group must outlive it, as it
/// would when a machine's playbook process dies, so that resume has to deal with it.</summary>
public sealed class PlaybookProcess(string playbookDll)
{
    /// <summary>Longer than any run of the crash playbook takes: a process still going then has hung.</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    public string PlaybookDll => playbookDll;

    /// <param name="killAfter">When to kill it, from its start; null lets it run to its end.</param>
    public async Task<ProcessOutcome> RunAsync(string workingDirectory, IReadOnlyList<string> args, TimeSpan? killAfter)
    {
        var start = StartInfo(playbookDll, workingDirectory, args);

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var exited = process.WaitForExitAsync();
        var killed = false;
        if (killAfter is { } after && await Task.WhenAny(exited, Task.Delay(after)) != exited)
        {
            try
            {
                process.Kill(entireProcessTree: false);
                killed = true;
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill: it was not killed.
            }
        }
        if (await Task.WhenAny(exited, Task.Delay(Hang)) != exited)
        {
            process.Kill(entireProcessTree: true);
            await exited;
            return new ProcessOutcome(false, -1, clock.Elapsed, await stdout, $"hung: still running after {Hang.TotalSeconds:0} s\n{await stderr}");
        }
        var lifetime = clock.Elapsed;
        // A process killed with SIGKILL reports 137 (128 + 9); one that exited just before the kill keeps its code.
        return new ProcessOutcome(killed && process.ExitCode == 137, process.ExitCode, lifetime, await stdout, await stderr);
    }

    /// <summary>How the crash tools start the CLI: through the dotnet host, every stream redirected, no colour.</summary>
    internal static ProcessStartInfo StartInfo(string playbookDll, string workingDirectory, IReadOnlyList<string> args)
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
        return start;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
