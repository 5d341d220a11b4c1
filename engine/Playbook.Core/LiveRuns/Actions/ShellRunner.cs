using System.Diagnostics;

namespace Playbook.LiveRuns.Actions;

/// <summary>What one run of a shell script did.</summary>
public sealed record ShellResult(int ExitCode, string Stdout, string Stderr, bool TimedOut, bool OutputTruncated, TimeSpan Duration);

/// <summary>A step's process refused to run because its gate opened after its deadline (<see cref="ShellLauncher"/>).</summary>
public sealed class GateExpiredException(string message) : Exception(message);

/// <summary>An attempt taken over from a stopped run: its outcome, and whether its command wrote an exit code.</summary>
public sealed record AdoptedResult(ShellResult Result, bool Exited);

/// <summary>Runs shell steps for real: bash in its own process group, so that a timeout or a cancelled run
/// stops everything the script started, not just bash; started gated (see <see cref="ShellLauncher"/>), so
/// the group is journaled before the script can do anything.</summary>
public static class ShellRunner
{
    /// <summary>The most kept of each output stream (and of an HTTP body); the rest is dropped and flagged.</summary>
    public const int MaxOutputBytes = 1 << 20;

    /// <summary>How long the new process may take to become its own group leader and exec into the wrapper.</summary>
    private static readonly TimeSpan GroupWait = TimeSpan.FromSeconds(5);

    /// <summary>How often the output files are cut back to <see cref="MaxOutputBytes"/> while the step runs.</summary>
    private static readonly TimeSpan CapPoll = TimeSpan.FromMilliseconds(100);

    /// <param name="onStarted">Gets the process group while the process waits at its gate: whatever it does
    /// (journal it, and fsync) happens before the script runs. If it throws, the script never runs.</param>
    /// <param name="files">Where the output and status go (the run's step files); a temporary directory,
    /// removed afterwards, when null.</param>
    public static Task<ShellResult> RunAsync(ShellScript script, string workingDirectory, TimeSpan? limit,
        Action<int>? onStarted, CancellationToken cancellationToken, StepFiles? files = null, Redactor? redactor = null, TimeSpan? gateLimit = null) =>
        RunAsync(ShellLauncher.BashArgv(script), script.Environment, workingDirectory, limit, onStarted, cancellationToken, files, redactor, gateLimit);

    /// <summary>Runs a program with its argv and no shell (<c>exec</c>): the same gate, process group, limits
    /// and output caps as a script (a script is the argv <c>bash -c SCRIPT</c>).</summary>
    /// <param name="gateLimit">How long the process may wait at its gate (see <see cref="ShellLauncher"/>); past it, it
    /// runs nothing and <see cref="GateExpiredException"/> is thrown. Null: as long as it takes.</param>
    public static async Task<ShellResult> RunAsync(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment, string workingDirectory,
        TimeSpan? limit, Action<int>? onStarted, CancellationToken cancellationToken, StepFiles? files = null, Redactor? redactor = null,
        TimeSpan? gateLimit = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var temporary = files is null;
        files ??= StepFiles.Temporary();
        try
        {
            files.Prepare();
            var clock = Stopwatch.StartNew();
            // Read before the process exists: the deadline counts from no later than the moment it was made.
            var deadline = ShellLauncher.Deadline(gateLimit);
            using var process = new Process { StartInfo = ShellLauncher.StartInfo(argv, environment, workingDirectory, files, deadline) };
            process.Start();
            var pgid = process.Id;
            var stopped = false;
            try
            {
                await WaitAtGateAsync(process, ProcessIdentity.Encode(ShellLauncher.LeaderCommandLine(argv, files, deadline))).ConfigureAwait(false);
                onStarted?.Invoke(pgid);
                Release(process);
                var waited = await WaitAsync(process, pgid, files, limit, cancellationToken, redactor).ConfigureAwait(false);
                stopped = !waited;
                if (waited && deadline != ShellLauncher.NoDeadline && process.ExitCode == 125 && files.ReadStatus().Kind == StepStatusKind.Absent)
                    throw new GateExpiredException($"its process waited at its gate for over {gateLimit!.Value.TotalSeconds:0.#} s (this runner was held up: stopped or starved) and ran nothing");
                var (stdout, stdoutCut) = StepFiles.Read(files.Stdout, MaxOutputBytes, redactor);
                var (stderr, stderrCut) = StepFiles.Read(files.Stderr, MaxOutputBytes, redactor);
                return new ShellResult(stopped ? -1 : process.ExitCode, stdout, stderr, TimedOut: stopped, stdoutCut || stderrCut, clock.Elapsed);
            }
            catch when (!stopped)
            {
                // onStarted threw, or something failed while waiting: leave nothing running behind us. If the
                // process never became a group leader, the group signal misses it, so it is killed too.
                if (pgid > 1) await ProcessGroups.TerminateAsync(pgid).ConfigureAwait(false);
                try { process.Kill(entireProcessTree: true); }
                catch (InvalidOperationException) { }
                throw;
            }
        }
        finally
        {
            if (temporary) files.DeleteDirectory();
        }
    }

    /// <summary>Waits for the leader to exit, keeping the output files capped. False when the limit ran out
    /// (the group was stopped); throws when the run was cancelled (the group was stopped too).</summary>
    private static async Task<bool> WaitAsync(Process process, int pgid, StepFiles files, TimeSpan? limit, CancellationToken cancellationToken, Redactor? redactor)
    {
        using var timer = limit is { } l ? new CancellationTokenSource(l) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        var exit = process.WaitForExitAsync(stop.Token);
        try
        {
            while (await Task.WhenAny(exit, Task.Delay(CapPoll, CancellationToken.None)).ConfigureAwait(false) != exit)
            {
                StepFiles.Cap(files.Stdout, MaxOutputBytes, redactor);
                StepFiles.Cap(files.Stderr, MaxOutputBytes, redactor);
            }
            await exit.ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            await ProcessGroups.TerminateAsync(pgid).ConfigureAwait(false);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
    }

    /// <summary>Takes over an attempt a stopped run started: waits (keeping its output capped) until its
    /// command has written its exit code or its group <paramref name="group"/> is gone (0: nothing to wait
    /// for), then reads its outcome from its files. The step's limit counts from now; when it runs out, or the
    /// run is cancelled, the group is stopped as a step's would be. <see cref="AdoptedResult.Exited"/> is false
    /// when the group ended without an exit code (stopped from outside).</summary>
    public static async Task<AdoptedResult> AdoptAsync(StepFiles files, int group, ProcessIdentity? identity, TimeSpan? limit, CancellationToken cancellationToken,
        Redactor? redactor = null)
    {
        var clock = Stopwatch.StartNew();
        using var timer = limit is { } l ? new CancellationTokenSource(l) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        var timedOut = false;
        while (files.ReadStatus().Kind != StepStatusKind.Exited && group > 1 && ProcessIdentity.StillOurs(group, identity) && ProcessGroups.IsAlive(group))
        {
            StepFiles.Cap(files.Stdout, MaxOutputBytes, redactor);
            StepFiles.Cap(files.Stderr, MaxOutputBytes, redactor);
            try
            {
                await Task.Delay(CapPoll, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await ProcessGroups.TerminateAsync(group).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                timedOut = true;
                break;
            }
        }
        var status = files.ReadStatus();
        var (stdout, stdoutCut) = StepFiles.Read(files.Stdout, MaxOutputBytes, redactor);
        var (stderr, stderrCut) = StepFiles.Read(files.Stderr, MaxOutputBytes, redactor);
        var exited = status.Kind == StepStatusKind.Exited && !timedOut;
        return new AdoptedResult(new ShellResult(exited ? status.ExitCode : -1, stdout, stderr, timedOut, stdoutCut || stderrCut, clock.Elapsed), exited);
    }

    /// <summary>Stops a process group a crashed run left running (SIGTERM, then SIGKILL after a grace period).
    /// False when no such group exists any more.</summary>
    public static bool KillGroup(int pgid) => ProcessGroups.TerminateAsync(pgid).GetAwaiter().GetResult();

    // setsid makes the group right after exec, then execs the wrapper; until both happened the journal would
    // get the wrong identity (and a signal to "its" group would miss it). A process that has already exited
    // needs no waiting: it ran nothing, as its gate never opened.
    //
    // The wait counts only time this process ran: a runner stopped meanwhile (Ctrl+Z, SIGSTOP) finds its deadline gone
    // when it is continued, though the child had no more time than before. And a child that died at the gate (killed
    // from outside) may still show as a zombie — no command line — until the runtime has reaped it: it is waited for
    // briefly before the wait is declared failed, and then it ran nothing, which its exit code says.
    private static async Task WaitAtGateAsync(Process process, byte[] leaderCommandLine)
    {
        var waited = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var last = clock.Elapsed;
        var proc = Directory.Exists("/proc/self");
        while (!process.HasExited && !(ProcessGroups.GroupOf(process.Id) == process.Id
                   && (!proc || ProcessIdentity.CommandLineOf(process.Id) is { } line && line.AsSpan().SequenceEqual(leaderCommandLine))))
        {
            var now = clock.Elapsed;
            // A poll of 1 ms that took over a second: this process was stopped (or starved), not the child slow.
            waited += now - last > StoppedGap ? TimeSpan.FromMilliseconds(1) : now - last;
            last = now;
            if (waited > GroupWait)
            {
                if (process.WaitForExit(ExitGrace)) return;
                throw new InvalidOperationException($"shell process {process.Id} did not become a process group leader");
            }
            await Task.Delay(1).ConfigureAwait(false);
        }
    }

    private static readonly TimeSpan StoppedGap = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(1);

    /// <summary>Opens the gate: the one line the wrapper waits for, then end-of-file.</summary>
    private static void Release(Process process)
    {
        try
        {
            process.StandardInput.Write(ShellLauncher.Go);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It died at the gate: it ran nothing, and its exit code says so.
        }
    }
}
