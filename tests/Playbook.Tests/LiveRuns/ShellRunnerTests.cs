using System.Diagnostics;
using Playbook.LiveRuns.Actions;
using Xunit;
using static Playbook.Tests.LiveRuns.ShellTestKit;

namespace Playbook.Tests.LiveRuns;

public sealed class ShellRunnerTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    private static ShellScript Bash(string script) => new(script, new Dictionary<string, string>());

    private static Task<ShellResult> Run(string script, string? dir = null, TimeSpan? limit = null, Action<int>? onStarted = null, CancellationToken ct = default) =>
        ShellRunner.RunAsync(Bash(script), dir ?? Path.GetTempPath(), limit ?? TimeSpan.FromSeconds(10), onStarted, ct);

    [Fact]
    public async Task Captures_stdout_stderr_and_the_exit_code()
    {
        var result = await Run("echo out; echo err >&2; printf 'ü✓'; exit 3");
        Assert.Equal("out\nü✓", result.Stdout);
        Assert.Equal("err\n", result.Stderr);
        Assert.Equal(3, result.ExitCode);
        Assert.False(result.TimedOut);
        Assert.False(result.OutputTruncated);
    }

    [Fact]
    public async Task Runs_in_the_working_directory_with_the_extra_environment_and_no_stdin()
    {
        var dir = TempDirectory();
        try
        {
            var script = new ShellScript("pwd; printf '%s\\n' \"$EXTRA\"; cat; [ -t 0 ] || echo no-tty",
                new Dictionary<string, string> { ["EXTRA"] = "here" });
            var result = await ShellRunner.RunAsync(script, dir, TimeSpan.FromSeconds(10), null, CancellationToken.None);
            Assert.Equal($"{dir}\nhere\nno-tty\n", result.Stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Output_beyond_the_cap_is_cut_and_flagged_without_blocking_the_writer()
    {
        // 3 MiB on stdout, a little on stderr after it: the writer only gets there if the rest was read.
        var result = await Run("head -c 3145728 /dev/zero | tr '\\0' a; echo done >&2");
        Assert.True(result.OutputTruncated);
        Assert.Equal(ShellRunner.MaxOutputBytes, result.Stdout.Length);
        Assert.Equal("done\n", result.Stderr);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task A_multibyte_character_split_by_the_cap_is_dropped()
    {
        // One 'a' then 3-byte characters: the cap falls inside one of them.
        var result = await Run("printf a; yes '✓' | tr -d '\\n' | head -c 2097152");
        Assert.True(result.OutputTruncated);
        Assert.DoesNotContain('\uFFFD', result.Stdout);
        Assert.Equal(1 + (ShellRunner.MaxOutputBytes - 1) / 3, result.Stdout.Length);
    }

    [Fact]
    public async Task A_timeout_kills_the_script_and_what_it_started_in_the_background()
    {
        var dir = TempDirectory();
        try
        {
            var clock = Stopwatch.StartNew();
            var result = await Run("sleep 300 & echo $! > child.pid; sleep 30 | cat", dir, Short);
            clock.Stop();
            Assert.True(result.TimedOut);
            Assert.Equal(-1, result.ExitCode);
            Assert.InRange(clock.Elapsed, Short, TimeSpan.FromSeconds(2.5));
            var child = int.Parse(File.ReadAllText(Path.Combine(dir, "child.pid")).Trim());
            Assert.True(await Processes.Gone(child), $"background child {child} still running");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Processes_that_ignore_sigterm_are_killed_after_the_grace_period()
    {
        var dir = TempDirectory();
        try
        {
            var result = await Run("trap '' TERM; sh -c 'trap \"\" TERM; echo $$ > child.pid; while :; do sleep 0.05; done' & wait", dir, Short);
            Assert.True(result.TimedOut);
            var child = int.Parse(File.ReadAllText(Path.Combine(dir, "child.pid")).Trim());
            Assert.True(await Processes.Gone(child), $"child {child} that ignores SIGTERM still running");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Cancellation_kills_the_group_then_throws()
    {
        var dir = TempDirectory();
        try
        {
            using var cts = new CancellationTokenSource();
            var pgid = 0;
            var run = Run("sleep 300 & echo $! > child.pid; sleep 30", dir, TimeSpan.FromSeconds(30), p => pgid = p, cts.Token);
            await WaitFor(() => File.Exists(Path.Combine(dir, "child.pid")) && File.ReadAllText(Path.Combine(dir, "child.pid")).Trim().Length > 0);
            cts.Cancel();
            var clock = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
            Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2.5));
            var child = int.Parse(File.ReadAllText(Path.Combine(dir, "child.pid")).Trim());
            Assert.True(await Processes.Gone(child), $"background child {child} still running");
            Assert.False(ShellRunner.KillGroup(pgid));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task OnStarted_receives_the_live_process_group_of_the_script()
    {
        var seen = new List<(int Pgid, bool Existed)>();
        // The script prints its own process group; it must be the one reported, and exist while running.
        var result = await Run("ps -o pgid= -p $$ 2>/dev/null || cut -d' ' -f5 /proc/$$/stat",
            onStarted: pgid => seen.Add((pgid, Directory.Exists($"/proc/{pgid}"))));
        var (reported, existed) = Assert.Single(seen);
        Assert.True(existed);
        Assert.Equal(reported.ToString(), result.Stdout.Trim());
        Assert.NotEqual(Environment.ProcessId, reported);
    }

    [Fact]
    public async Task A_background_job_left_running_does_not_hold_the_step_open()
    {
        var pgid = 0;
        var clock = Stopwatch.StartNew();
        var result = await Run("sleep 30 & echo started", onStarted: p => pgid = p);
        clock.Stop();
        try
        {
            Assert.Equal("started\n", result.Stdout);
            Assert.Equal(0, result.ExitCode);
            Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        }
        finally
        {
            ShellRunner.KillGroup(pgid);
        }
    }

    [Fact]
    public async Task KillGroup_stops_a_detached_group_and_says_whether_it_existed()
    {
        // As a crashed run would leave it: a session of its own that nobody here is waiting for.
        using var starter = Process.Start(new ProcessStartInfo("setsid", "--fork sleep 100") { UseShellExecute = false })!;
        await starter.WaitForExitAsync();
        var pgid = 0;
        await WaitFor(() => (pgid = FindGroupOf("sleep 100")) != 0);
        Assert.True(ShellRunner.KillGroup(pgid));
        Assert.True(await Processes.Gone(pgid));
        Assert.False(ShellRunner.KillGroup(pgid));
    }

    /// <summary>The process group of a process with this command line that leads its own group, 0 if none.</summary>
    private static int FindGroupOf(string commandLine)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim() != commandLine) continue;
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var pgid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2]);
                if (pgid == pid) return pid;
            }
            catch (IOException) { }
        }
        return 0;
    }

    // Generous: on a loaded 2-core CI machine a child process can take seconds to be scheduled.
    private static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(condition());
    }
}
