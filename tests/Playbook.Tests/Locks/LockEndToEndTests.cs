using System.Diagnostics;
using Playbook.RunStores;
using Xunit;
using Xunit.Abstractions;

namespace Playbook.Tests.Locks;

/// <summary><c>lock "failover-${region}"</c> with the real CLI and the file store: a second run is refused at start,
/// naming the holder, with nothing journaled; with <c>--wait-lock</c> it starts once the first has ended; a holder killed
/// with SIGKILL frees the lock (the kernel drops its flock), and the run it left cannot be resumed while another run
/// holds the lock. The runs hold their step until the test lets them go (a file appears), never for a fixed time.</summary>
public sealed class LockEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("playbook-lock-e2e-").FullName;

    internal const string Playbook = """
        playbook failover {
          input region: string = "eu"
          lock "failover-${region}"

          step work "Fail over" {
            shell "echo started >> started-${region}; while [ ! -f release ]; do sleep 0.05; done"
            timeout 10m
            on ok   -> done
            on fail -> failed
          }

          end done   success "Failed over"
          end failed failure "Could not fail over"
        }

        """;

    private static readonly Dictionary<string, string?> Alice = new() { ["USER"] = "alice", ["PLAYBOOK_STORE"] = null };
    private static readonly Dictionary<string, string?> Bob = new() { ["USER"] = "bob", ["PLAYBOOK_STORE"] = null };

    private string Journal => Path.Combine(_work, ".playbook", "runs");

    private string[] Journals() => Directory.Exists(Journal) ? Directory.GetFiles(Journal, "*.journal").Order(StringComparer.Ordinal).ToArray() : [];

    private LockHolder? Holder(string name) => Directory.Exists(Journal) ? new FileRunLocks(Journal).HolderOf(name) : null;

    [Fact]
    public async Task A_second_run_is_refused_with_the_holder_and_with_wait_lock_starts_once_the_first_ends()
    {
        File.WriteAllText(Path.Combine(_work, "failover.playbook"), Playbook);
        using var first = CliProcess.Start(_work, Alice, "run", "failover.playbook");
        await Until(() => Holder("failover-eu") is not null && File.Exists(Path.Combine(_work, "started-eu")), "the first run to hold the lock and start its step");
        var firstRun = Path.GetFileNameWithoutExtension(Assert.Single(Journals()));

        var refused = CliProcess.Run(_work, Bob, "run", "failover.playbook");
        output.WriteLine(refused.ToString());
        Assert.Equal(2, refused.Exit);
        var line = Assert.Single(refused.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches($@"^playbook: lock 'failover-eu' is held by run {firstRun} \(alice@[^,]+, pid {first.Pid}\) since \d\d:\d\d:\d\d UTC \([^)]+\); wait for it with --wait-lock 10m$", line);
        Assert.Equal([firstRun], Journals().Select(Path.GetFileNameWithoutExtension));

        // Another region is another lock: it starts at once (and waits on the same release file).
        using var other = CliProcess.Start(_work, Bob, "run", "failover.playbook", "--input", "region=us");
        await Until(() => Holder("failover-us") is not null, "the run for region us to take its own lock");

        var listed = CliProcess.Run(_work, Bob, "runs");
        Assert.Contains($"{firstRun}: holds lock 'failover-eu' (alice@", listed.Out, StringComparison.Ordinal);

        // Its stderr is read line by line: the test lets the first run go only once this one says it is waiting.
        var said = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var waiting = StartReadingStderr(_work, Bob, said, "run", "failover.playbook", "--wait-lock", "5m");
        await Until(() => said.Any(l => l.StartsWith("playbook: waiting up to ", StringComparison.Ordinal)), "the third run to say it waits");
        Assert.Contains(said, l => l.Contains($"for lock 'failover-eu', held by run {firstRun} (alice@", StringComparison.Ordinal));
        // It waits without journaling anything while the first run holds the lock.
        Assert.Equal(2, Journals().Length);
        File.WriteAllText(Path.Combine(_work, "release"), "");
        Assert.Equal(0, first.Finish(TimeSpan.FromMinutes(2)).Exit);
        Assert.Equal(0, other.Finish(TimeSpan.FromMinutes(2)).Exit);
        Assert.True(waiting.WaitForExit(TimeSpan.FromMinutes(3)), "the waiting run did not end");
        output.WriteLine(string.Join("\n", said));
        Assert.Equal(0, waiting.ExitCode);

        // The waiting run started after the first had ended, and the lock is free again.
        var runs = Journals().Select(p => global::Playbook.LiveRuns.JournaledRun.Read(p)).ToList();
        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Equal("success", r.Status));
        var firstEnded = runs.Single(r => r.RunId == firstRun).Records.Single(r => r.Type == "run-ended").At;
        var third = runs.Single(r => r.RunId != firstRun && r.Inputs["region"] == "eu");
        Assert.True(third.StartedAt >= firstEnded, $"the waiting run started at {third.StartedAt:O}, before the first ended at {firstEnded:O}");
        Assert.Null(Holder("failover-eu"));
    }

    [Fact]
    public async Task A_holder_killed_with_SIGKILL_frees_the_lock_and_its_run_is_not_resumed_while_another_holds_it()
    {
        File.WriteAllText(Path.Combine(_work, "failover.playbook"), Playbook);
        string killedRun;
        using (var first = CliProcess.Start(_work, Alice, "run", "failover.playbook"))
        {
            await Until(() => Holder("failover-eu") is not null && File.Exists(Path.Combine(_work, "started-eu")), "the first run to hold the lock");
            killedRun = Path.GetFileNameWithoutExtension(Assert.Single(Journals()));
            first.Kill();
            first.Finish();
        }
        // The kernel dropped the flock with the process; the record it left behind names nobody.
        await Until(() => Holder("failover-eu") is null, "the killed runner's lock to be free");

        using var second = CliProcess.Start(_work, Bob, "run", "failover.playbook");
        await Until(() => Holder("failover-eu") is { User: "bob" }, "the second run to take the lock");

        var resumed = CliProcess.Run(_work, Alice, "resume", killedRun, "--answer", "work=rerun");
        output.WriteLine(resumed.ToString());
        Assert.Equal(2, resumed.Exit);
        Assert.Contains($"run {killedRun} cannot be resumed now: lock 'failover-eu' is held by run ", resumed.Err, StringComparison.Ordinal);
        Assert.Contains("(bob@", resumed.Err, StringComparison.Ordinal);

        Assert.Contains("; wait for it with --wait-lock 10m", resumed.Err, StringComparison.Ordinal);

        // --wait-lock works on resume as on run: it queues (journaling nothing) until the holder has ended, then goes on.
        var before = File.ReadAllBytes(Path.Combine(Journal, killedRun + ".journal"));
        var said = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var waiting = StartReadingStderr(_work, Alice, said, "resume", killedRun, "--answer", "work=rerun", "--wait-lock", "5m");
        await Until(() => said.Any(l => l.StartsWith("playbook: waiting up to ", StringComparison.Ordinal)), "the resume to say it waits for the lock");
        Assert.Contains(said, l => l.Contains("for lock 'failover-eu', held by run ", StringComparison.Ordinal) && l.Contains("(bob@", StringComparison.Ordinal));
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(Journal, killedRun + ".journal")));
        File.WriteAllText(Path.Combine(_work, "release"), "");
        var secondRun = second.Finish(TimeSpan.FromMinutes(2));
        Assert.Equal(0, secondRun.Exit);
        Assert.True(waiting.WaitForExit(TimeSpan.FromMinutes(3)), "the waiting resume did not end");
        output.WriteLine(string.Join("\n", said));
        Assert.Equal(0, waiting.ExitCode);

        // The lock is journaled with each turn of the run, and runs and report say when it was held.
        var journaled = global::Playbook.LiveRuns.JournaledRun.Read(Path.Combine(Journal, killedRun + ".journal"));
        Assert.Equal(["failover-eu", "failover-eu"], journaled.Records.Where(r => r.Type == "lock-taken").Select(r => r.Body.GetProperty("lock").GetString()));
        var bobsEnd = Journals().Select(p => global::Playbook.LiveRuns.JournaledRun.Read(p)).Single(r => r.RunId != killedRun).Records.Single(r => r.Type == "run-ended").At;
        Assert.True(journaled.Records.Last(r => r.Type == "lock-taken").At >= bobsEnd, "the resume journaled the lock before the holder had ended");
        var listed = CliProcess.Run(_work, Bob, "runs");
        output.WriteLine(listed.ToString());
        Assert.Matches($@"{killedRun}: lock 'failover-eu' held from \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ to \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ\n", listed.Out);
        Assert.Equal(2, listed.Out.Split('\n').Count(l => l.StartsWith($"{killedRun}: lock 'failover-eu' held from ", StringComparison.Ordinal)));
        var report = CliProcess.Run(_work, Bob, "report", killedRun, "--format", "md");
        Assert.True(report.Exit == 0, report.ToString());
        Assert.Matches(@"\| lock \| `failover-eu` held from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z to \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z \|", report.Out);
    }

    [Fact]
    public void A_rehearsal_takes_no_lock_and_an_inputless_bad_name_is_refused_before_anything_runs()
    {
        File.WriteAllText(Path.Combine(_work, "failover.playbook"), Playbook);
        File.WriteAllText(Path.Combine(_work, "release"), "");
        using var held = new FileRunLocks(Journal).TryTake("failover-eu", LockClaim.Current("20261206-000000-aaaa"), out _);
        Assert.NotNull(held);
        var rehearsal = CliProcess.Run(_work, Bob, "run", "failover.playbook", "--rehearse");
        output.WriteLine(rehearsal.ToString());
        Assert.Equal(0, rehearsal.Exit);

        var tooLong = CliProcess.Run(_work, Bob, "run", "failover.playbook", "--input", "region=" + new string('x', 300));
        Assert.Equal(2, tooLong.Exit);
        Assert.Contains("lock \"failover-${region}\": the lock's name is 309 characters long once its inputs are filled in, over the 200", tooLong.Err, StringComparison.Ordinal);
        Assert.Single(Journals()); // the rehearsal's

        var badWait = CliProcess.Run(_work, Bob, "run", "failover.playbook", "--wait-lock", "soon");
        Assert.Equal(2, badWait.Exit);
        Assert.Equal("playbook: --wait-lock soon: give how long to wait for the lock, like 30s or 10m\n", badWait.Err);
        Assert.Single(Journals());
    }

    /// <summary>The CLI started with its stderr read line by line into <paramref name="said"/> as it comes.</summary>
    internal static Process StartReadingStderr(string work, IReadOnlyDictionary<string, string?> environment, System.Collections.Concurrent.ConcurrentQueue<string> said, params string[] args)
    {
        var start = new ProcessStartInfo(CliProcess.DotnetHost()) { WorkingDirectory = work, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(CliProcess.PlaybookDll());
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } l) said.Enqueue(l); };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    internal static async Task Until(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"waited 120 s for {what}");
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        // A step left waiting by a killed runner ends once the release file is there.
        File.WriteAllText(Path.Combine(_work, "release"), "");
        try { Directory.Delete(_work, recursive: true); }
        catch (IOException) { }
    }
}
