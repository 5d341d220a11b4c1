using System.Text;
using System.Text.Json;
using Npgsql;
using Playbook.LiveRuns;
using Playbook.RunStores;

namespace Playbook.CrashTest;

/// <summary>How the store harness is to disrupt runs kept in a PostgreSQL store.</summary>
public sealed record StoreCrashOptions
{
    /// <summary>The built CLI the harness runs and kills.</summary>
    public required string PlaybookDll { get; init; }

    /// <summary>The store, <c>postgres://…?lease=D</c>: a short lease, so a killed runner's lease runs out quickly.</summary>
    public required string StoreUrl { get; init; }

    /// <summary>Stop once this many runners (runs and resumes) have been SIGKILLed.</summary>
    public required int Kills { get; init; }

    public int Seed { get; init; }

    /// <summary>No new run is started after this long (the one going on is finished and checked): for a machine too
    /// slow to reach <see cref="Kills"/> in the time there is. Null: no limit.</summary>
    public TimeSpan? TimeBudget { get; init; }

    public string? WorkDirectory { get; init; }

    /// <summary>The server, when the harness may restart it (its own cluster); null for a server it was only given.</summary>
    public PostgresCluster? Cluster { get; init; }

    /// <summary>The server is restarted once per this many kills, while a runner is running (a due restart waits for
    /// the next runner when the last one ended first).</summary>
    public int RestartEvery { get; init; } = 100;

    /// <summary>The chance that a resume is killed too.</summary>
    public double ResumeKillChance { get; init; } = 0.7;

    /// <summary>The chance that, while a runner runs, its database connections are terminated (<c>pg_terminate_backend</c>)
    /// at a random moment, mid-statement when one is running.</summary>
    public double ConnectionKillChance { get; init; } = 0.3;

    /// <summary>The chance that a runner is paused (SIGSTOP) instead of killed: its lease runs out, another host takes
    /// the run over, and the paused runner is continued while the new one runs: its next write must be refused.</summary>
    public double PauseChance { get; init; } = 0.15;

    /// <summary>The chance that what a lost runner left running (a shell step) dies with it (its host lost power), rather
    /// than being left to finish before the other host looks.</summary>
    public double OrphanKillChance { get; init; } = 0.5;

    public Action<string>? Log { get; init; }
}

/// <summary>How a store crash test went. <see cref="Fenced"/> counts paused runners that, continued after their run was
/// taken over, were refused (lease lost) and stopped without writing; <see cref="ConnectionKills"/> the moments their
/// connections were terminated (<see cref="MidStatement"/> of them while a statement ran); <see cref="StoreStops"/> the
/// runners that stopped on a store error or a lost lease and were resumed.</summary>
public sealed record StoreCrashSummary(int Kills, int Runs, int RunsCompleted, int Resumes, IReadOnlyList<string> Violations, TimeSpan Elapsed,
    TimeSpan UninterruptedRun, string WorkDirectory)
{
    public int Takeovers { get; init; }
    public int Pauses { get; init; }
    public int Fenced { get; init; }
    public int ConnectionKills { get; init; }
    public int BackendsTerminated { get; init; }
    public int MidStatement { get; init; }
    public int Restarts { get; init; }
    public int StoreStops { get; init; }
    public int OrphansKilled { get; init; }
    public int Records { get; init; }
}

/// <summary>The crash test against a PostgreSQL store: runs of crash.playbook are SIGKILLed at random moments (some are
/// paused instead, and come back after a takeover), their connections terminated mid-statement, the server restarted
/// once per <see cref="StoreCrashOptions.RestartEvery"/> kills; each time the run is resumed from a different simulated
/// host (PLAYBOOK_HOST, a local directory of its own) once the lease has run out. Checked for every run: each change once
/// (the ledger), records 1..N with no gap or repeat and valid checksums, epochs never going back along the records (no
/// two runners appended), the end and states of an uninterrupted run, nothing left running, and <c>playbook runs</c>
/// lists it as a success.</summary>
public sealed class StoreCrashHarness(StoreCrashOptions options)
{
    private const int MaxResumes = 50;
    private static readonly string[] Hosts = ["host-a", "host-b", "host-c"];
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(120);

    private readonly Random _random = new(options.Seed);
    private readonly List<string> _violations = [];
    private readonly List<string> _completed = [];
    private readonly List<TimeSpan> _lifetimes = [];
    private readonly string _admin = AdminConnectionString(options.StoreUrl);
    private readonly TimeSpan _lease = PostgresLocation.Parse(options.StoreUrl, out _)?.Lease ?? PostgresLocation.DefaultLease;
    private int _kills, _resumes, _takeovers, _pauses, _fenced, _connectionKills, _terminated, _midStatement, _restarts, _storeStops, _orphansKilled, _records;
    private int _nextRestart;
    private string _root = "";

    public async Task<StoreCrashSummary> RunAsync()
    {
        if (PostgresLocation.Parse(options.StoreUrl, out var problem) is null) throw new ArgumentException($"--store: {problem}");
        _nextRestart = options.RestartEvery;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var playbook = CrashPlaybook.Beside();
        _root = options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), $"playbook-pgcrash-{options.Seed}-{Guid.NewGuid():N}"[..42]);
        Directory.CreateDirectory(_root);

        var (reference, uninterrupted) = await ReferenceAsync(playbook);
        if (reference is null) return Summary(0, clock, uninterrupted);
        _lifetimes.Add(uninterrupted);
        Say($"uninterrupted run: {Ms(uninterrupted)}, ends {reference.Status} at '{reference.End}'; killing {options.Kills} times (seed {options.Seed}), lease {_lease.TotalSeconds:0.#} s");

        var runs = 0;
        while (_kills < options.Kills && !(clock.Elapsed > options.TimeBudget))
        {
            runs++;
            await CycleAsync(runs, playbook, Path.Combine(_root, $"run-{runs:D4}"), reference);
        }
        CheckListed(reference);
        return Summary(runs, clock, uninterrupted);
    }

    private StoreCrashSummary Summary(int runs, System.Diagnostics.Stopwatch clock, TimeSpan uninterrupted) =>
        new(_kills, runs, Math.Max(0, _completed.Count - 1), _resumes, _violations, clock.Elapsed, uninterrupted, _root)
        {
            Takeovers = _takeovers, Pauses = _pauses, Fenced = _fenced, ConnectionKills = _connectionKills, BackendsTerminated = _terminated,
            MidStatement = _midStatement, Restarts = _restarts, StoreStops = _storeStops, OrphansKilled = _orphansKilled, Records = _records,
        };

    private async Task<(ReferenceRun?, TimeSpan)> ReferenceAsync(CrashPlaybook playbook)
    {
        var directory = Path.Combine(_root, "uninterrupted");
        playbook.CopyInto(directory);
        var known = RunIds();
        using var runner = Start(directory, Hosts[0], ["run", CrashPlaybook.FileName, "--journal", HostDirectory(Hosts[0])]);
        var outcome = await runner.EndAsync(Hang);
        var runId = NewRun(known);
        if (outcome.ExitCode != 0 || runId is null)
        {
            _violations.Add($"the uninterrupted run exited {outcome.ExitCode}: {outcome.Stderr.Trim()}");
            return (null, outcome.Lifetime);
        }
        _violations.AddRange(CrashChecks.Ledger(playbook.Changes, CrashPlaybook.ReadLedger(directory)).Select(v => "uninterrupted run: " + v));
        var run = ReadRun(runId)!;
        _completed.Add(runId);
        return (ReferenceRun.Of(run), outcome.Lifetime);
    }

    private async Task CycleAsync(int number, CrashPlaybook playbook, string directory, ReferenceRun reference)
    {
        playbook.CopyInto(directory);
        var known = RunIds();
        var log = new StringBuilder($"run {number}:");
        var window = Window();
        string? runId = null;
        var host = Hosts[_random.Next(Hosts.Length)];
        RunnerProcess? paused = null;
        var oldRunnerContinued = false;
        var (outcome, pausedNow) = await DriveAsync(directory, host, ["run", CrashPlaybook.FileName, "--journal", HostDirectory(host)], window, fresh: true,
            paused: null, log, "run");
        paused = pausedNow;
        if (!outcome.Killed && outcome.ExitCode == 0) _lifetimes.Add(outcome.Lifetime);
        try
        {
            for (var resumes = 0; ; resumes++)
            {
                if (paused is null && !outcome.Killed && outcome.ExitCode == 0) break;
                // The paused runner, continued while this resume was starting, took the lease first and ended the run:
                // the resume then reads the end and refuses, touching nothing. Only the store's word counts: the run
                // must really have ended, and the checks below judge what the old runner did.
                if (paused is null && !outcome.Killed && oldRunnerContinued && EndedMeanwhile(outcome) && runId is not null && ReadRun(runId) is { Finished: true })
                {
                    log.Append(" (the old runner ended the run first; the resume found it ended)");
                    break;
                }
                if (paused is null && !outcome.Killed && !Resumable(outcome))
                {
                    Violation(log, $"{(resumes == 0 ? "the run" : "a resume")} exited {outcome.ExitCode}: {FirstLines(outcome.Stderr + outcome.Stdout)}");
                    return;
                }
                if (!outcome.Killed && paused is null && outcome.ExitCode != 0) _storeStops++;
                if (resumes == MaxResumes)
                {
                    Violation(log, $"still not at its end after {MaxResumes} resumes");
                    return;
                }
                runId ??= NewRun(known);
                if (runId is null)
                {
                    // Killed before its first record: nothing ran and there is nothing to resume; a paused one is let go.
                    if (paused is not null) await LetGoAsync(paused, log);
                    paused = null;
                    await Orphans.WaitAsync(directory, TimeSpan.FromSeconds(5));
                    host = Hosts[_random.Next(Hosts.Length)];
                    (outcome, paused) = await DriveAsync(directory, host, ["run", CrashPlaybook.FileName, "--journal", HostDirectory(host)], window, fresh: false,
                        paused: null, log, "nothing recorded, run again");
                    continue;
                }
                // The lost runner's host is gone: its lease has to run out before another host may take the run.
                if (!await LeaseFreeAsync(runId))
                {
                    Violation(log, $"the lease of {runId} did not run out within {LeaseWait.TotalSeconds:0} s");
                    return;
                }
                var run = ReadRun(runId);
                if (run is null)
                {
                    Violation(log, $"run {runId} cannot be read back from the store");
                    return;
                }
                if (run.Finished)
                {
                    log.Append(" (it had ended before the kill)");
                    if (paused is not null) await LetGoAsync(paused, log);
                    paused = null;
                    break;
                }
                await SettleOrphansAsync(directory, paused?.Pid);
                var ledger = CrashPlaybook.ReadLedger(directory);
                var answers = Answers(playbook, run, ledger);
                var holder = LastHolder(runId);
                host = Hosts.Where(h => h != holder).ElementAt(_random.Next(Hosts.Length - 1));
                _resumes++;
                string[] args = ["resume", runId, "--journal", HostDirectory(host), .. answers.SelectMany(a => new[] { "--answer", a })];
                var previous = paused;
                (outcome, paused) = await DriveAsync(directory, host, args, window, fresh: false, previous, log, $"resume on {host} (from {holder})");
                oldRunnerContinued = previous is not null;
                if (previous is not null) await FencedAsync(previous, log);
                if (outcome.Stdout.Contains("took the run over from", StringComparison.Ordinal)) _takeovers++;
            }
            runId ??= NewRun(known);
            if (runId is null)
            {
                Violation(log, "the run ended, but the store has no run for it");
                return;
            }
            var ended = ReadRun(runId)!;
            var problems = CrashChecks.Ledger(playbook.Changes, CrashPlaybook.ReadLedger(directory))
                .Concat(CrashChecks.Journal(ended, reference))
                .Concat(Records(runId, ended))
                .Concat(CrashChecks.NothingLeftRunning(directory)).ToList();
            _completed.Add(runId);
            log.Append(problems.Count == 0 ? " → ok" : "");
            foreach (var p in problems) Violation(log, p);
            if (problems.Count == 0) Say(log.ToString());
        }
        finally
        {
            paused?.Dispose();
        }
    }

    /// <summary>Starts a runner and disrupts it: a fresh run is always killed (or paused), a resume sometimes; its
    /// connections may be terminated at a random moment; the server restarted when its turn has come. A runner paused
    /// before (<paramref name="paused"/>) is continued at a random moment of this one's life. Returns how it ended, and
    /// the runner when it was paused (it lives on, stopped).</summary>
    private async Task<(ProcessOutcome, RunnerProcess?)> DriveAsync(string directory, string host, IReadOnlyList<string> args, TimeSpan window, bool fresh,
        RunnerProcess? paused, StringBuilder log, string what)
    {
        var events = new List<(TimeSpan At, string What)>();
        var disrupt = _kills < options.Kills && (fresh || _random.NextDouble() < options.ResumeKillChance);
        if (disrupt) events.Add((window * _random.NextDouble(), paused is null && _random.NextDouble() < options.PauseChance ? "pause" : "kill"));
        if (_random.NextDouble() < options.ConnectionKillChance) events.Add((window * _random.NextDouble(), "connections"));
        // A due restart stays due until it has happened under a runner: a runner that ends (or is killed) before
        // its moment comes hands it to the next one, so the count of restarts does not depend on the machine's speed.
        if (options.Cluster is not null && _kills >= _nextRestart) events.Add((window * _random.NextDouble(), "restart"));
        if (paused is not null) events.Add((window * _random.NextDouble(), "continue"));
        events.Sort((a, b) => a.At.CompareTo(b.At));

        var runner = Start(directory, host, args);
        var notes = new List<string>();
        RunnerProcess? nowPaused = null;
        foreach (var (at, kind) in events)
        {
            var wait = at - runner.Age;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            if (kind == "continue")
            {
                // The paused runner comes back while this one drives the run: its next write must be refused.
                paused!.Continue();
                notes.Add($"old runner continued at {Ms(runner.Age)}");
                continue;
            }
            if (runner.HasExited) continue;
            switch (kind)
            {
                case "kill":
                    if (runner.Kill()) notes.Add($"killed at {Ms(runner.Age)}");
                    break;
                case "pause":
                    if (runner.Pause())
                    {
                        nowPaused = runner;
                        _pauses++;
                        notes.Add($"paused at {Ms(runner.Age)}");
                    }
                    break;
                case "connections":
                    var (killed, active) = TerminateConnections();
                    _connectionKills++;
                    _terminated += killed;
                    _midStatement += active;
                    notes.Add($"{killed} connection(s) terminated at {Ms(runner.Age)}{(active > 0 ? $", {active} mid-statement" : "")}");
                    break;
                case "restart":
                    notes.Add($"server restarted at {Ms(runner.Age)}");
                    await Task.Run(() => options.Cluster!.Restart());
                    _restarts++;
                    _nextRestart += options.RestartEvery;
                    break;
            }
            if (nowPaused is not null || runner.Killed) break;
        }
        if (paused is { Paused: true }) paused.Continue();
        ProcessOutcome outcome;
        if (nowPaused is not null) outcome = new ProcessOutcome(true, 137, runner.Age, "", "");
        else
        {
            outcome = await runner.EndAsync(Hang);
            runner.Dispose();
        }
        if (outcome.Killed && nowPaused is null) _kills++;
        log.Append($" {what}{(notes.Count > 0 ? " [" + string.Join(", ", notes) + "]" : "")} {(nowPaused is not null ? "paused" : outcome.Killed ? "killed" : $"exit {outcome.ExitCode}")};");
        return (outcome, nowPaused);
    }

    /// <summary>A paused runner, continued while another host drove its run (or after its lease ran out), must stop
    /// without appending: it says its lease was lost. One paused before it held the lease (still starting) is only a
    /// slow runner: it may take the lease and go on, be refused because another holds it, or (a resume) find that the
    /// run ended meanwhile. Whatever it did, the
    /// records' epochs and the ledger are checked at the run's end.</summary>
    private async Task FencedAsync(RunnerProcess old, StringBuilder log)
    {
        old.Continue();
        var outcome = await old.EndAsync(Hang);
        old.Dispose();
        if (outcome.ExitCode != 0 && outcome.Stderr.Contains("lease lost", StringComparison.Ordinal))
        {
            _fenced++;
            log.Append(" old runner fenced (lease lost);");
        }
        else if (outcome.ExitCode == 0 || Resumable(outcome)) log.Append($" old runner (paused before it held the lease) exit {outcome.ExitCode};");
        // Paused before it held the lease, with answers for the attempts in flight then; continued, it read the run
        // again and found newer attempts in flight: its answers are not for them, so it asks and touches nothing.
        else if (outcome.ExitCode == 2 && outcome.Stderr.Contains("say what to do with --answer", StringComparison.Ordinal))
            log.Append(" old runner (paused before it held the lease) asked again: its answers were for attempts no longer in flight;");
        // A resume paused before it read the run, continued after another runner ended it: it reads the end and
        // refuses, touching nothing (what every later resume of an ended run does).
        else if (EndedMeanwhile(outcome))
            log.Append(" old runner (paused before it read the run) found it ended;");
        else Violation(log, $"the paused runner, continued, exited {outcome.ExitCode}: {FirstLines(outcome.Stderr + outcome.Stdout)}");
    }

    /// <summary>A paused runner whose run needs no takeover (it ended, or never recorded anything) is let go.</summary>
    private static async Task LetGoAsync(RunnerProcess old, StringBuilder log)
    {
        old.Kill();
        await old.EndAsync(Hang);
        old.Dispose();
        log.Append(" paused runner let go;");
    }

    /// <summary>What the lost runner left running: killed with its host (a power loss) or let finish, before the other
    /// host looks at the ledger; a paused runner is not touched.</summary>
    private async Task SettleOrphansAsync(string directory, int? pausedPid)
    {
        if (_random.NextDouble() < options.OrphanKillChance)
        {
            foreach (var (pid, _) in Orphans.In(directory).Where(p => p.Pid != pausedPid))
            {
                try
                {
                    using var process = System.Diagnostics.Process.GetProcessById(pid);
                    process.Kill();
                    _orphansKilled++;
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Ended on its own meanwhile.
                }
            }
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        // The paused runner's own steps' processes too: the ledger is read once nothing can write to it any more. One at
        // its gate may be killed here (it ran nothing, and its runner, continued, must take that in its stride).
        while (Orphans.In(directory).Any(p => p.Pid != pausedPid) && DateTime.UtcNow < deadline) await Task.Delay(20);
    }

    /// <summary>A runner that stopped by itself and can be resumed: its store failed or its lease was lost (it says
    /// "the run stopped here" or "lease lost"), the store could not be reached at its start, or a resume was refused while the old
    /// lease still held.</summary>
    /// <summary>What an operator who read the run and the ledger answers: for each change in flight, skip when its line
    /// is in the ledger, else rerun — bound to the attempt they saw (STEP#N). A resume that reads the run later, after
    /// another runner started a newer attempt, must not take an answer about an older one: it asks again.</summary>
    private static List<string> Answers(CrashPlaybook playbook, JournaledRun run, IReadOnlyCollection<string> ledger)
    {
        var writes = playbook.Writes.ToDictionary(w => w.Address, StringComparer.Ordinal);
        return RunProcesses.InFlightAttempts(run)
            .Select(a => (Address: StateAddress.ItemAddressOf(a.Flow, a.State), a.Attempt))
            .Where(a => writes.ContainsKey(a.Address))
            .Select(a => $"{StateAddress.WithAttempt(a.Address, a.Attempt)}={(ledger.Contains(writes[a.Address].Line) ? "skip" : "rerun")}")
            .ToList();
    }

    /// <summary>A resume that read the run after another runner had ended it: it refused and touched nothing.</summary>
    private static bool EndedMeanwhile(ProcessOutcome outcome) =>
        outcome.ExitCode == 2 && outcome.Stderr.Contains("already ended", StringComparison.Ordinal)
                              && outcome.Stderr.Contains("nothing to resume", StringComparison.Ordinal);

    private static bool Resumable(ProcessOutcome outcome) =>
        outcome.ExitCode == 2 && (outcome.Stderr.Contains("the run stopped here", StringComparison.Ordinal)
                                  || outcome.Stderr.Contains("lease lost", StringComparison.Ordinal)
                                  || outcome.Stderr.Contains("cannot use the store", StringComparison.Ordinal)
                                  || outcome.Stderr.Contains("cannot create a journal", StringComparison.Ordinal)
                                  || outcome.Stderr.Contains("right now", StringComparison.Ordinal));

    private TimeSpan LeaseWait => _lease * 4 + TimeSpan.FromSeconds(60);

    private async Task<bool> LeaseFreeAsync(string runId)
    {
        var deadline = DateTime.UtcNow + LeaseWait;
        while (DateTime.UtcNow < deadline)
        {
            var free = Query("SELECT lease_expires_at IS NULL OR lease_expires_at <= now() FROM playbook_runs WHERE run_id = @run",
                c => c.Parameters.AddWithValue("run", runId), r => r.GetBoolean(0)).FirstOrDefault(true);
            if (free) return true;
            await Task.Delay(50);
        }
        return false;
    }

    /// <summary>The run's rows as the database holds them: seqs 1..N, no gap and no repeat, each row read back as a
    /// whole valid record, and epochs that never go back (a lower epoch after a higher one is a fenced-off runner that
    /// appended anyway).</summary>
    private IEnumerable<string> Records(string runId, JournaledRun run)
    {
        var rows = Query("SELECT seq, epoch FROM playbook_records WHERE run_id = @run ORDER BY seq",
            c => c.Parameters.AddWithValue("run", runId), r => (Seq: r.GetInt64(0), Epoch: r.GetInt64(1)));
        _records += rows.Count;
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Seq != i + 1)
            {
                yield return $"run {runId}: record {i + 1} has seq {rows[i].Seq}: a record was lost or written twice";
                yield break;
            }
            if (i > 0 && rows[i].Epoch < rows[i - 1].Epoch)
                yield return $"run {runId}: record {rows[i].Seq} was appended under epoch {rows[i].Epoch} after one under epoch {rows[i - 1].Epoch}: two runners appended";
        }
        if (run.Records.Count != rows.Count) yield return $"run {runId}: {rows.Count} rows, but {run.Records.Count} records read back";
    }

    private (int Killed, int Active) TerminateConnections()
    {
        try
        {
            var rows = Query("""
                SELECT state, pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'playbook'
                """, _ => { }, r => (State: r.IsDBNull(0) ? "" : r.GetString(0), Done: r.GetBoolean(1)));
            return (rows.Count(r => r.Done), rows.Count(r => r.Done && r.State is "active" or "idle in transaction"));
        }
        catch (NpgsqlException)
        {
            return (0, 0);
        }
    }

    private string? LastHolder(string runId) =>
        Query("SELECT lease_host FROM playbook_runs WHERE run_id = @run", c => c.Parameters.AddWithValue("run", runId), r => r.GetString(0)).FirstOrDefault();

    private HashSet<string> RunIds() =>
        TableExists() ? Query("SELECT run_id FROM playbook_runs", _ => { }, r => r.GetString(0)).ToHashSet(StringComparer.Ordinal) : [];

    /// <summary>The run this cycle started: a run not there before that has a record (one killed before its first
    /// record has none, and is left behind as nothing to resume).</summary>
    private string? NewRun(HashSet<string> known) =>
        Query("SELECT run_id FROM playbook_runs r WHERE EXISTS (SELECT 1 FROM playbook_records x WHERE x.run_id = r.run_id) ORDER BY created_at",
            _ => { }, r => r.GetString(0)).FirstOrDefault(id => !known.Contains(id));

    private bool TableExists() => Query("SELECT to_regclass('playbook_runs') IS NOT NULL", _ => { }, r => r.GetBoolean(0)).Single();

    /// <summary>The run through the store itself (same checksum and validation as the file journal). A store of its own,
    /// closed at once: its pooled connections must not be among those the harness terminates.</summary>
    private JournaledRun? ReadRun(string runId)
    {
        using var store = PostgresRunStore.Open(PostgresLocation.Parse(options.StoreUrl, out _)!, Path.Combine(_root, "reader"));
        return store.Read(runId);
    }

    private void CheckListed(ReferenceRun reference)
    {
        using var runner = Start(_root, Hosts[0], ["runs", "--journal", HostDirectory(Hosts[0]), "--format", "json"]);
        var outcome = runner.EndAsync(Hang).GetAwaiter().GetResult();
        if (outcome.ExitCode != 0)
        {
            _violations.Add($"'playbook runs' exited {outcome.ExitCode}: {FirstLines(outcome.Stderr)}");
            return;
        }
        using var listed = JsonDocument.Parse(outcome.Stdout);
        var status = listed.RootElement.GetProperty("runs").EnumerateArray()
            .ToDictionary(r => r.GetProperty("run").GetString() ?? "", r => r.GetProperty("status").GetString() ?? "", StringComparer.Ordinal);
        foreach (var id in _completed) _violations.AddRange(CrashChecks.Listed(id, status, reference));
    }

    private RunnerProcess Start(string directory, string host, IReadOnlyList<string> args) =>
        RunnerProcess.Start(options.PlaybookDll, directory, args, new Dictionary<string, string>
        {
            [LeaseOwner.HostVariable] = host,
            [RunStore.Variable] = options.StoreUrl,
        });

    /// <summary>Each simulated host keeps its runs' step files in a directory of its own: it sees none of another's.</summary>
    private string HostDirectory(string host) => Path.Combine(_root, "hosts", host);

    private List<T> Query<T>(string sql, Action<NpgsqlCommand> parameters, Func<NpgsqlDataReader, T> row)
    {
        using var connection = new NpgsqlConnection(_admin);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        parameters(command);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(row(reader));
        return rows;
    }

    /// <summary>The harness's own connections: not pooled, and named apart from the runners' ("playbook"), so
    /// terminating the runners' never hits them.</summary>
    private static string AdminConnectionString(string url)
    {
        var location = PostgresLocation.Parse(url, out var problem) ?? throw new ArgumentException($"--store: {problem}");
        return new NpgsqlConnectionStringBuilder(location.ConnectionString) { ApplicationName = "playbook-crash", Pooling = false }.ConnectionString;
    }

    private TimeSpan Window()
    {
        var last = _lifetimes.TakeLast(5).Order().ToList();
        return last[last.Count / 2] * 1.1;
    }

    private void Violation(StringBuilder log, string problem)
    {
        var text = $"{log} ✗ {problem}";
        _violations.Add(text);
        Say(text);
    }

    private void Say(string line) => options.Log?.Invoke(line);

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0}ms";

    private static string FirstLines(string text) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(6));
}
