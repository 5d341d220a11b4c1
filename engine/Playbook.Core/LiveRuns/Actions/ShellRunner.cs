using System.Diagnostics;

namespace Playbook.LiveRuns.Actions;

/// <summary>What one run of a shell script did.</summary>
public sealed record ShellResult(int ExitCode, string Stdout, string Stderr, bool TimedOut, bool OutputTruncated, TimeSpan Duration);

/// <summary>Runs shell steps for real: bash in its own process group, so that a timeout or a cancelled run
/// stops everything the script started, not just bash.</summary>
public static class ShellRunner
{
    /// <summary>The most kept of each output stream (and of an HTTP body); the rest is dropped and flagged.</summary>
    public const int MaxOutputBytes = 1 << 20;

    /// <summary>How long to keep reading output after bash has gone. A background process the script left
    /// running (<c>cmd &amp;</c>) holds the pipes open; the step must not wait for it to end.</summary>
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(1);

    /// <summary>How long the new process may take to become its own group leader (setsid runs right after exec).</summary>
    private static readonly TimeSpan GroupWait = TimeSpan.FromSeconds(2);

    public static Task<ShellResult> RunAsync(ShellScript script, string workingDirectory, TimeSpan? limit,
        Action<int>? onStarted, CancellationToken cancellationToken) =>
        RunAsync(ShellLauncher.StartInfo(script, workingDirectory), limit, onStarted, cancellationToken);

    /// <summary>Runs a program with its argv and no shell (<c>exec</c>): the same process group, limits and output caps as a script.</summary>
    public static Task<ShellResult> RunAsync(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment, string workingDirectory,
        TimeSpan? limit, Action<int>? onStarted, CancellationToken cancellationToken) =>
        RunAsync(ShellLauncher.StartInfo(argv, environment, workingDirectory), limit, onStarted, cancellationToken);

    private static async Task<ShellResult> RunAsync(ProcessStartInfo startInfo, TimeSpan? limit, Action<int>? onStarted, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = startInfo };
        process.Start();
        using var timer = limit is { } l ? new CancellationTokenSource(l) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);

        var stdout = new CappedOutput(MaxOutputBytes);
        var stderr = new CappedOutput(MaxOutputBytes);
        var reading = Task.WhenAll(stdout.ReadAsync(process.StandardOutput.BaseStream), stderr.ReadAsync(process.StandardError.BaseStream));

        var pgid = process.Id;
        var stopped = false;
        try
        {
            await WaitForOwnGroupAsync(process).ConfigureAwait(false);
            onStarted?.Invoke(pgid);
            try
            {
                await process.WaitForExitAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                stopped = true;
                await ProcessGroups.TerminateAsync(pgid).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await FinishReadingAsync(process, reading).ConfigureAwait(false);
            return new ShellResult(stopped ? -1 : process.ExitCode, stdout.Text(), stderr.Text(), TimedOut: stopped,
                stdout.Truncated || stderr.Truncated, clock.Elapsed);
        }
        catch when (!stopped)
        {
            // onStarted threw, or something failed while waiting: leave nothing running behind us. If bash never
            // became a group leader, the group signal misses it, so the process itself is killed too.
            await ProcessGroups.TerminateAsync(pgid).ConfigureAwait(false);
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
            throw;
        }
    }

    /// <summary>Stops a process group a crashed run left running (SIGTERM, then SIGKILL after a grace period).
    /// False when no such group exists any more.</summary>
    public static bool KillGroup(int pgid) => ProcessGroups.TerminateAsync(pgid).GetAwaiter().GetResult();

    // setsid makes the group right after exec; until then the child is still in our group, and a signal sent
    // to "its" group would miss it. A process that has already exited needs no waiting.
    private static async Task WaitForOwnGroupAsync(Process process)
    {
        var deadline = DateTime.UtcNow + GroupWait;
        while (!process.HasExited && ProcessGroups.GroupOf(process.Id) != process.Id)
        {
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"shell process {process.Id} did not become a process group leader");
            await Task.Delay(1).ConfigureAwait(false);
        }
    }

    private static async Task FinishReadingAsync(Process process, Task reading)
    {
        try
        {
            await Task.WhenAny(reading, Task.Delay(Drain)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Something outside the group (or a leftover background job) still holds the pipes: keep what
            // arrived and close our ends, which ends the pending reads.
            process.StandardOutput.BaseStream.Dispose();
            process.StandardError.BaseStream.Dispose();
            await Task.WhenAny(reading, Task.Delay(Drain)).ConfigureAwait(false);
        }
    }
}
