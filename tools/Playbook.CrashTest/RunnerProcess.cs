using System.Diagnostics;

namespace Playbook.CrashTest;

/// <summary>One <c>dotnet playbook.dll ARGS</c> process the store harness drives: it can be SIGKILLed, paused
/// (SIGSTOP: a host that hangs or is cut off, whose runner comes back later) and continued (SIGCONT). Only the dotnet
/// process is signalled, never its tree: a shell step's process lives on, as it would on a machine whose runner died.</summary>
public sealed class RunnerProcess : IDisposable
{
    private const string SigKill = "KILL";
    private const string SigCont = "CONT";
    private const string SigStop = "STOP";

    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private RunnerProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static RunnerProcess Start(string playbookDll, string workingDirectory, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var start = PlaybookProcess.StartInfo(playbookDll, workingDirectory, args);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.StandardInput.Close();
        return new RunnerProcess(process);
    }

    public int Pid => _process.Id;

    public TimeSpan Age => _clock.Elapsed;

    public bool HasExited => _process.HasExited;

    /// <summary>Set once the harness SIGKILLed it while it ran.</summary>
    public bool Killed { get; private set; }

    /// <summary>True from a SIGSTOP until the SIGCONT.</summary>
    public bool Paused { get; private set; }

    public bool Kill()
    {
        if (_process.HasExited) return false;
        if (Paused) Signal(SigCont);
        Killed = Signal(SigKill);
        return Killed;
    }

    public bool Pause() => Paused = !_process.HasExited && Signal(SigStop);

    public void Continue()
    {
        if (!Paused) return;
        Paused = false;
        Signal(SigCont);
    }

    /// <summary>Waits for the end (at most <paramref name="longest"/>; then it is killed with its tree and reported as hung).</summary>
    public async Task<ProcessOutcome> EndAsync(TimeSpan longest)
    {
        var exited = _process.WaitForExitAsync();
        if (await Task.WhenAny(exited, Task.Delay(longest)) != exited)
        {
            Continue();
            _process.Kill(entireProcessTree: true);
            await exited;
            return new ProcessOutcome(false, -1, _clock.Elapsed, await _stdout, $"hung: still running after {longest.TotalSeconds:0} s\n{await _stderr}");
        }
        var lifetime = _clock.Elapsed;
        // A process killed with SIGKILL reports 137 (128 + 9); one that exited just before the kill keeps its code.
        return new ProcessOutcome(Killed && _process.ExitCode == 137, _process.ExitCode, lifetime, await _stdout, await _stderr);
    }

    /// <summary>Sends the signal with kill(1): .NET has no SIGSTOP/SIGCONT, and this keeps the tool free of interop.</summary>
    private bool Signal(string signal)
    {
        if (_process.HasExited) return false;
        var start = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add("-" + signal);
        start.ArgumentList.Add(_process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var kill = Process.Start(start)!;
        kill.StandardError.ReadToEnd();
        kill.WaitForExit();
        return kill.ExitCode == 0;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Continue();
            try { _process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
        }
        _process.Dispose();
    }
}
