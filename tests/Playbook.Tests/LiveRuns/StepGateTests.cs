using System.Diagnostics;
using Playbook.LiveRuns.Actions;
using Xunit;
using static Playbook.Tests.LiveRuns.ShellTestKit;

namespace Playbook.Tests.LiveRuns;

/// <summary>A step's process is journaled before it can do anything: it waits at a gate (one line on its
/// stdin) until the runner has written its process group down, and runs nothing if the runner dies first.
/// Its output and exit code go to private files a resume can read.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StepGateTests
{
    private static ShellScript Bash(string script) => new(script, new Dictionary<string, string>());

    [Fact]
    public async Task Nothing_runs_until_the_group_has_been_reported()
    {
        var dir = TempDirectory();
        try
        {
            var marker = Path.Combine(dir, "ran");
            var ranBeforeRelease = true;
            var result = await ShellRunner.RunAsync(Bash("touch ran"), dir, TimeSpan.FromSeconds(10), pgid =>
            {
                // The journal write happens here; give the process every chance to run ahead of it.
                Thread.Sleep(300);
                ranBeforeRelease = File.Exists(marker);
                Assert.True(Directory.Exists($"/proc/{pgid}"), "the process is not waiting at its gate");
            }, CancellationToken.None);
            Assert.False(ranBeforeRelease, "the command ran before its process group was reported");
            Assert.Equal(0, result.ExitCode);
            Assert.True(File.Exists(marker));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A run in a store whose leases run out gives the gate a deadline: a runner held up between journaling the
    /// process and opening its gate (a frozen VM, SIGSTOP) may have been taken over meanwhile, and its process must not
    /// then run the step a second time behind the new holder's back.</summary>
    [Fact]
    public async Task A_gate_opened_after_its_deadline_runs_nothing()
    {
        var dir = TempDirectory();
        try
        {
            var error = await Assert.ThrowsAsync<GateExpiredException>(() => ShellRunner.RunAsync(Bash("touch ran"), dir, TimeSpan.FromSeconds(10),
                _ => Thread.Sleep(1_500), CancellationToken.None, gateLimit: TimeSpan.FromMilliseconds(300)));
            Assert.Contains("ran nothing", error.Message);
            await Task.Delay(300);
            Assert.False(File.Exists(Path.Combine(dir, "ran")));

            // The same gate, opened in time, runs the command.
            var result = await ShellRunner.RunAsync(Bash("touch ran"), dir, TimeSpan.FromSeconds(10),
                _ => Thread.Sleep(100), CancellationToken.None, gateLimit: TimeSpan.FromSeconds(30));
            Assert.Equal(0, result.ExitCode);
            Assert.True(File.Exists(Path.Combine(dir, "ran")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_failure_to_report_the_group_means_the_command_never_runs()
    {
        var dir = TempDirectory();
        try
        {
            await Assert.ThrowsAsync<IOException>(() => ShellRunner.RunAsync(Bash("touch ran"), dir, TimeSpan.FromSeconds(10),
                _ => throw new IOException("disk full"), CancellationToken.None));
            await Task.Delay(300);
            Assert.False(File.Exists(Path.Combine(dir, "ran")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A runner that dies at the gate closes its end of the pipe: the process reads end-of-file and
    /// exits without running the command or writing a status (so a resume knows nothing ran).</summary>
    [Fact]
    public async Task End_of_file_at_the_gate_runs_nothing_and_leaves_no_status()
    {
        var dir = TempDirectory();
        var files = StepFiles.For(Path.Combine(dir, "steps"), "", "s", 1);
        try
        {
            files.Prepare();
            using var process = Process.Start(ShellLauncher.StartInfo(ShellLauncher.BashArgv(Bash("touch ran")), Bash("touch ran").Environment, dir, files))!;
            await Task.Delay(200);
            Assert.False(process.HasExited, "the process did not wait at its gate");
            process.StandardInput.Close();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(125, process.ExitCode);
            Assert.False(File.Exists(Path.Combine(dir, "ran")));
            Assert.Equal(StepStatusKind.Absent, files.ReadStatus().Kind);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Output_and_exit_code_go_to_private_files_of_the_attempt()
    {
        var dir = TempDirectory();
        var files = StepFiles.For(Path.Combine(dir, "run.steps"), "fan/a#2", "s4a", 3);
        try
        {
            var result = await ShellRunner.RunAsync(Bash("echo out; echo err >&2; exit 7"), dir, TimeSpan.FromSeconds(10), null, CancellationToken.None, files);
            Assert.Equal(("out\n", "err\n", 7), (result.Stdout, result.Stderr, result.ExitCode));
            Assert.Equal(new StepStatus(StepStatusKind.Exited, 7), files.ReadStatus());
            Assert.Equal("out\n", File.ReadAllText(files.Stdout));
            Assert.Equal(Path.Combine(dir, "run.steps", "fan+a@2+s4a.3.out"), files.Stdout);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(files.Directory));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(files.Stdout));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(files.Stderr));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A rerun of an attempt whose outcome was unknown must not find the old exit code: the status
    /// is removed before the new process starts.</summary>
    [Fact]
    public async Task A_rerun_of_an_attempt_never_sees_the_status_of_the_one_before()
    {
        var dir = TempDirectory();
        var files = StepFiles.For(Path.Combine(dir, "steps"), "", "s", 1);
        try
        {
            await ShellRunner.RunAsync(Bash("exit 3"), dir, TimeSpan.FromSeconds(10), null, CancellationToken.None, files);
            StepStatus seen = default;
            await ShellRunner.RunAsync(Bash("exit 0"), dir, TimeSpan.FromSeconds(10), _ => seen = files.ReadStatus(), CancellationToken.None, files);
            Assert.Equal(StepStatusKind.Absent, seen.Kind);
            Assert.Equal(new StepStatus(StepStatusKind.Exited, 0), files.ReadStatus());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
