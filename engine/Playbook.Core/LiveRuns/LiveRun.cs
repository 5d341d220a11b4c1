using System.Security.Cryptography;
using Playbook.Compiling;
using Playbook.Journal;
using Playbook.EngineCore;
using Playbook.LiveRuns.Actions;

namespace Playbook.LiveRuns;

/// <summary>How a real run is to be made.</summary>
public sealed record LiveRunOptions
{
    public required CompiledPlaybook Playbook { get; init; }

    public required Func<CompiledPlaybook, string, CompiledPlaybook?> ResolveCallee { get; init; }

    public required IRunView View { get; init; }

    public required string JournalDirectory { get; init; }

    public IReadOnlyDictionary<string, string> Inputs { get; init; } = new Dictionary<string, string>();

    /// <summary>Manual steps answered in advance (approve or reject), by address (<see cref="StateAddress"/>).</summary>
    public IReadOnlyDictionary<string, string> Answers { get; init; } = new Dictionary<string, string>();

    /// <summary>The rest of what the operator said (report, template, --no-wait), journaled with
    /// <see cref="Answers"/>, the journal and the working directory so that a resume does the same.</summary>
    public RunSettings Settings { get; init; } = new();

    /// <summary>The settings as the journal keeps them: these options' answers and directories, made absolute.</summary>
    internal RunSettings Journaled => Settings with
    {
        Answers = Answers,
        JournalDirectory = System.IO.Path.GetFullPath(JournalDirectory),
        WorkingDirectory = System.IO.Path.GetFullPath(WorkingDirectory),
        Rehearsal = Rehearsal is not null,
        RealSteps = Rehearsal is null ? Array.Empty<string>() : Playbook.States.Where(RehearsalRunner.RunsForReal).Select(s => s.Name).ToList(),
    };

    /// <summary>Reads secret NAME; by default from the environment variable PLAYBOOK_SECRET_NAME.</summary>
    /// <remarks>It overrides a secret's <c>from file</c>/<c>from command</c>, which <see cref="RunSecrets"/> reads otherwise.</remarks>
    public Func<string, string?> Secret { get; init; } = EnvironmentSecret;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    public string? NotifyUrl { get; init; } = Environment.GetEnvironmentVariable("PLAYBOOK_NOTIFY_URL");

    /// <summary>Set for a rehearsal (<c>run --rehearse</c>): what the simulated steps do (a scenario's script, or
    /// empty for the <c>simulate</c> hints). Readonly steps run for real; see <see cref="RehearsalRunner"/>.</summary>
    public Simulation.SimulationScript? Rehearsal { get; init; }

    /// <summary>The run's random seed (backoff jitter, simulated durations in a rehearsal); drawn when null.</summary>
    public int? Seed { get; init; }

    /// <summary>The second stop signal. When set and the playbook has a cleanup, the first signal (the run's own
    /// token) ends the run <c>interrupted</c> and runs the cleanup, which this one stops; the run is then over.
    /// When not set, or without a cleanup, the first signal stops the run for a later resume.</summary>
    public CancellationToken? CleanupStop { get; init; }

    /// <summary>Where the run is kept when not in <see cref="JournalDirectory"/>: a shared store (<c>--store</c>). The
    /// journal directory then only holds this machine's step files.</summary>
    public RunStores.IRunStore? Store { get; init; }

    /// <summary>Where answers posted away from the runner's terminal arrive; null: the file store's inbox beside the journal.</summary>
    public RunStores.IAnswerInbox? Inbox { get; init; }

    /// <summary>How long a new run waits for its <c>lock</c> while another run holds it (<c>--wait-lock D</c>); null:
    /// it is refused at once.</summary>
    public TimeSpan? WaitLock { get; init; }

    /// <summary>Told (one line) that the run is waiting for its lock, and for whom.</summary>
    public Action<string>? LockWaiting { get; init; }

    /// <summary>For a resume: per step address, the inbox id of the last answer the run took (from its journal), so
    /// no answer is taken twice.</summary>
    internal IReadOnlyDictionary<string, long>? AnswersTaken { get; init; }

    public static string? EnvironmentSecret(string name) =>
        Environment.GetEnvironmentVariable(ShellScript.SecretVariable(name));
}

/// <summary>How a real run went: refused before it started (<see cref="Errors"/>), stopped by the user
/// (<see cref="Interrupted"/>), or ended (<see cref="Result"/>).</summary>
public sealed record LiveRunOutcome(string? RunId, string? JournalPath, RunResult? Result, IReadOnlyList<string> Errors, bool Interrupted = false)
{
    public static LiveRunOutcome Refused(IEnumerable<string> errors) => new(null, null, null, errors.ToList());
}

/// <summary>Starts and resumes real runs: binds inputs and secrets, opens the journal, runs the engine
/// with the live runner on the system clock, and journals how it ended.</summary>
public static class LiveRun
{
    /// <summary>Where run journals are kept unless told otherwise (the CLI's --journal default).</summary>
    public const string DefaultJournal = ".playbook/runs";

    public static async Task<LiveRunOutcome> StartAsync(LiveRunOptions options, CancellationToken cancellationToken = default)
    {
        var playbook = options.Playbook;
        var (secrets, unread) = await RunSecrets.ReadAsync(playbook, options.ResolveCallee, options.Secret, cancellationToken).ConfigureAwait(false);
        // A secret that could not be read would also be "not set": say only why it could not be read.
        if (unread.Count > 0) return LiveRunOutcome.Refused(unread);
        var (values, errors) = RunParameters.Bind(playbook, options.Inputs, name => secrets.Get(playbook, name));
        if (errors.Count > 0) return LiveRunOutcome.Refused(errors);

        var redactor = RedactorFor(secrets);
        options = options with { View = new RedactingRunView(options.View, redactor) };
        var lockName = RunLocking.NameOf(playbook, values, options.Rehearsal is not null, out var lockProblem);
        if (lockProblem is not null) return LiveRunOutcome.Refused([lockProblem]);
        var locks = lockName is null ? null : RunStores.RunLocks.For(options.Store, options.JournalDirectory);
        RunStores.HeldLock? runLock = null;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var now = options.Time.GetUtcNow();
        string runId, path;
        JournalWriter writer;
        RunStores.RunLease? lease;
        while (true)
        {
            lease = null;
            try
            {
                if (options.Store is { } store) (runId, path, writer, lease) = StoreRuns.Create(store, now, options.Time);
                else (runId, path, writer) = CreateJournal(options, now);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or RunStores.RunStoreException)
            {
                // Nothing has run: a run without a journal could not be resumed, so it does not start.
                return LiveRunOutcome.Refused([$"cannot create a journal in '{options.Store?.Location ?? options.JournalDirectory}': {e.Message}"]);
            }
            if (locks is null) break;
            // The lock before the first record: a run refused here has journaled nothing, and leaves nothing behind.
            RunStores.LockHolder? holder;
            try
            {
                runLock = locks.TryTake(lockName!, RunStores.LockClaim.Current(runId, lease), out holder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or RunStores.RunStoreException or RunStores.LeaseLostException)
            {
                RunLocking.Abandon(options, path, writer, lease);
                return LiveRunOutcome.Refused([$"cannot take lock '{lockName}': {e.Message}; nothing was run"]);
            }
            if (runLock is not null) break;
            RunLocking.Abandon(options, path, writer, lease);
            if (await RunLocking.WaitAsync(locks, lockName!, holder, options, waited, cancellationToken).ConfigureAwait(false) is { } refusal)
                return LiveRunOutcome.Refused([refusal]);
            now = options.Time.GetUtcNow();
        }
        using var heldLock = runLock;
        using var held = lease is null ? RunLock.TryAcquire(path) : null;
        using var keeper = lease is null ? null : new RunStores.LeaseKeeper(options.Store!, lease);
        using var stop = StoreRuns.Linked(cancellationToken, keeper);
        cancellationToken = stop.Token;
        using var journal = new RunJournal(writer, redactor, runId);
        // Made before any step: its presence says the run's steps are gated, so a missing status file means "never ran".
        StepFiles.CreatePrivateDirectory(StepFiles.DirectoryFor(path));
        var seed = options.Seed ?? Random.Shared.Next();
        journal.RunStarted(runId, playbook, Sha256Of(playbook.Path), EffectiveInputs(playbook, values), seed, now, options.Journaled,
            CalleeHashes(playbook, options.ResolveCallee));
        if (heldLock is not null) journal.LockTaken(heldLock.Name);
        options.View.Started(runId, playbook, options.Store is { } shared ? shared.Location : path, resumedAfter: null);
        RunClock clock = options.Rehearsal is null ? new SystemRunClock(options.Time, now) : new RehearsalClock(options.Time, now);
        return await DriveAsync(options, journal, runId, path, seed, redactor, secrets, clock, values, resume: null, null, cancellationToken, lease).ConfigureAwait(false);
    }

    /// <summary>A new journal under a new run id. Ids are made of the second and a random suffix, so two
    /// runs started in the same second can draw the same one: the journal is created only if no file has
    /// that name, and another id is drawn otherwise.</summary>
    private static (string RunId, string Path, JournalWriter Writer) CreateJournal(LiveRunOptions options, DateTimeOffset now)
    {
        for (var attempt = 1; ; attempt++)
        {
            var runId = JournaledRun.NewRunId(now);
            var path = Path.Combine(options.JournalDirectory, runId + JournaledRun.Extension);
            try
            {
                return (runId, path, JournalWriter.Create(path, options.Time));
            }
            catch (IOException) when (File.Exists(path) && attempt < 100)
            {
                // Taken: draw again.
            }
        }
    }

    /// <summary>Continues a run from its journal. Refuses (with the reason) a journal damaged before its
    /// tail, a run that already ended, a playbook that changed since, a step's process still running that
    /// <paramref name="chooseOrphan"/> has no answer for (wait or kill), and a non-idempotent attempt in flight
    /// that <paramref name="choose"/> has no answer for. What the in-flight attempts' processes left is
    /// settled first (see <see cref="InFlightProcesses"/>): an orphan is waited for or stopped before anything else.</summary>
    public static async Task<LiveRunOutcome> ResumeAsync(JournaledRun run, LiveRunOptions options, Func<InFlightAttempt, InFlightChoice?> choose,
        CancellationToken cancellationToken = default, Func<InFlightAttempt, OrphanChoice?>? chooseOrphan = null)
    {
        var playbook = options.Playbook;
        RunStores.RunLease? lease = null;
        if (options.Store is { } store)
        {
            lease = StoreRuns.Acquire(store, run, out var refusal);
            if (lease is null) return LiveRunOutcome.Refused([refusal!]);
            // Renewed from the moment it is held: reading the run again, checking it, reading its secrets (a command
            // may take a while) and waiting for its lock all come before the first record, and may outlast a lease.
            using var keeper = new RunStores.LeaseKeeper(store, lease);
            try
            {
                return await ResumeHeldAsync(store.Read(run.RunId)!, options, choose, cancellationToken, chooseOrphan, lease, keeper).ConfigureAwait(false);
            }
            finally
            {
                // Renewal stops before the release: a renewal after it would find the lease gone.
                keeper.Dispose();
                if (!lease.Lost) TryRelease(store, lease);
            }
        }
        // Before the lock: taking it creates a file in the directory.
        if (PrivateFiles.Problem(Path.GetDirectoryName(Path.GetFullPath(run.JournalPath))!, run.JournalPath, RunLock.PathFor(run.JournalPath)) is { } unsafeFiles)
            return LiveRunOutcome.Refused([$"run {run.RunId} cannot be resumed: {unsafeFiles}"]);
        using var held = RunLock.TryAcquire(run.JournalPath);
        if (held is null)
            return LiveRunOutcome.Refused([$"run {run.RunId} is running in another process right now: it cannot be resumed until that process stops"]);
        // Read again under the lock: the journal may have grown since it was listed.
        return await ResumeHeldAsync(JournaledRun.Read(run.JournalPath), options, choose, cancellationToken, chooseOrphan, null, null).ConfigureAwait(false);
    }

    /// <summary>The resume itself, once this process holds the run (its lock, or its lease in a store) and has read it again.</summary>
    private static async Task<LiveRunOutcome> ResumeHeldAsync(JournaledRun run, LiveRunOptions options, Func<InFlightAttempt, InFlightChoice?> choose,
        CancellationToken cancellationToken, Func<InFlightAttempt, OrphanChoice?>? chooseOrphan, RunStores.RunLease? lease, RunStores.LeaseKeeper? keeper)
    {
        var playbook = options.Playbook;
        // A lease lost from here on stops whatever waits (the secrets' commands, the lock, the run itself).
        using var stop = StoreRuns.Linked(cancellationToken, keeper);
        cancellationToken = stop.Token;
        if (run.Contents.Damage is { AtTail: false } damage)
            return LiveRunOutcome.Refused([$"{run.JournalPath}:{damage.Line}: the journal is damaged before its end ({WithoutLine(damage.Reason)}); the records after it cannot be trusted, so it cannot be resumed"]);
        if (run.Finished)
            return LiveRunOutcome.Refused([$"run {run.RunId} already ended ({run.Status}{(run.End is null ? "" : ", at '" + run.End + "'")}): nothing to resume"]);
        if (run.Problem is { } problem)
            return LiveRunOutcome.Refused([$"{problem}; the journal is not as a run writes it, so run {run.RunId} cannot be resumed"]);
        if (PlaybookMismatch(run) is { } mismatch) return LiveRunOutcome.Refused([mismatch]);
        // A rehearsal simulated what it did not read: continuing it for real would act on a world it never changed.
        if (run.Settings.Rehearsal)
            return LiveRunOutcome.Refused([$"run {run.RunId} is a rehearsal (run --rehearse), not a real run: it is never resumed; rehearse again, or run the playbook for real"]);
        if (Path.GetFullPath(playbook.Path) != run.PlaybookPath)
            return LiveRunOutcome.Refused([$"run {run.RunId} ran '{run.PlaybookPath}', not '{playbook.Path}'"]);
        if (run.Callees is { } journaled && CalleeMismatch(run, journaled, CalleeHashes(playbook, options.ResolveCallee)) is { } changed)
            return LiveRunOutcome.Refused([changed]);
        // Every record is checked against the playbook before anything acts on one: no process group is
        // signalled, no step run again and no answer taken from a record the run could not have written.
        if (JournalValidator.Check(run, playbook, options.ResolveCallee) is { } bad)
            return LiveRunOutcome.Refused([$"{run.JournalPath}:{bad.Line}: {bad.Why}: playbook '{playbook.Name}' could not have written this record, so the journal cannot be trusted and run {run.RunId} is not resumed"]);

        // Read again: a secret is never journaled, and may have been rotated since (then it is the new one).
        var (secrets, unread) = await RunSecrets.ReadAsync(playbook, options.ResolveCallee, options.Secret, cancellationToken).ConfigureAwait(false);
        // A secret that could not be read would also be "not set": say only why it could not be read.
        if (unread.Count > 0) return LiveRunOutcome.Refused(unread);
        var (values, errors) = RunParameters.Bind(playbook, run.Inputs, name => secrets.Get(playbook, name));
        if (errors.Count > 0) return LiveRunOutcome.Refused(errors);
        var redactor = RedactorFor(secrets);
        options = options with { View = new RedactingRunView(options.View, redactor) };

        // The run's lock again, before anything acts: held by another run since this one stopped, it is not resumed.
        var lockName = RunLocking.NameOf(playbook, values, rehearsal: false, out var lockProblem);
        if (lockProblem is not null) return LiveRunOutcome.Refused([lockProblem]);
        RunStores.HeldLock? runLock = null;
        if (lockName is not null)
        {
            (runLock, var refusal) = await RunLocking.TakeForResumeAsync(run.RunId, lockName, options, lease, keeper, cancellationToken).ConfigureAwait(false);
            if (runLock is null) return LiveRunOutcome.Refused([refusal!]);
        }
        using var heldLock = runLock;

        // First pass: which processes the stopped run left still run, and what the operator wants done with them.
        var stepsDirectory = StepFiles.DirectoryFor(run.JournalPath);
        // A store's run last driven from another host: its step files are there, and a stale directory here (from an
        // earlier turn of this host) would make every missing status file read as "never started". Each attempt's
        // process record names its host, which settles it per attempt; the last holder settles older records.
        var foreign = lease?.Previous is { } previous && previous.Host != RunStores.LeaseOwner.HostName();
        var processes = new InFlightProcesses(stepsDirectory, Directory.Exists(stepsDirectory), foreign, chooseOrphan ?? (_ => null));
        var plan = ResumePlan.Build(run, playbook, options.ResolveCallee, _ => null, processes.Settle, redactor.Secrets);
        if (plan.Problem is not null) return LiveRunOutcome.Refused([$"run {run.RunId} cannot be resumed: {plan.Problem}"]);
        if (processes.Undecided.Count > 0)
        {
            var live = RunProcesses.InFlight(run);
            return LiveRunOutcome.Refused(processes.Undecided.Select(a => OrphanQuestion(a, live)));
        }

        // Every group an in-flight attempt started that can still be the one the run started (same boot, same
        // leader, same command line) is stopped, unless the resume waits for it; then what each left is read again.
        RunJournal? journal = null;
        RunJournal Journal() => journal ??= new RunJournal(lease is null
            ? JournalWriter.Continue(run.JournalPath, run.Contents.ValidLength, run.Contents.NextSeq, options.Time)
            : options.Store!.OpenWriter(lease, run.Contents, options.Time), redactor, run.RunId);
        var stopped = new List<int>();
        try
        {
            foreach (var (attempt, _) in plan.Decisions)
            {
                foreach (var (group, identity) in attempt.Processes)
                {
                    if (processes.IsWaitedFor(group) || stopped.Contains(group) || !ProcessIdentity.StillOurs(group, identity) || !ShellRunner.KillGroup(group)) continue;
                    stopped.Add(group);
                    Journal().ProcessStopped(attempt.Flow, attempt.State.Name, attempt.Attempt, group);
                }
            }
            // Groups of attempts the plan has no decision for (a call's own process, say): stopped as before.
            foreach (var (group, identity) in plan.ProcessGroups)
            {
                if (processes.IsWaitedFor(group) || stopped.Contains(group) || !ProcessIdentity.StillOurs(group, identity) || !ShellRunner.KillGroup(group)) continue;
                stopped.Add(group);
            }

            processes.NewPass();
            plan = ResumePlan.Build(run, playbook, options.ResolveCallee, choose, processes.Settle, redactor.Secrets);
            if (plan.Problem is not null) return LiveRunOutcome.Refused([$"run {run.RunId} cannot be resumed: {plan.Problem}"]);
            if (plan.Undecided.Count > 0)
                return LiveRunOutcome.Refused(plan.Undecided.Select(a =>
                    $"step '{a.State.Name}'{(a.Flow.Length == 0 ? "" : $" (in {a.Flow})")} was running (attempt {a.Attempt}) when the run stopped, and it is not idempotent" +
                    (processes.OutcomeOf(a.Flow, a.State.Name, a.Attempt) == "killed" ? " (its process group was stopped)" : "") + ": " +
                    $"say what to do with --answer {StateAddress.WithAttempt(a.ItemAddress, a.Attempt)}=rerun (run it again), =skip (count it as done) or =fail (count it as failed)" +
                    EveryItem(a)));

            Journal().Resumed(run.Contents.Damage, plan.Decisions.Select(d => (d.Attempt.Flow, d.Attempt.State.Name, d.Attempt.Attempt, d.Choice)), stopped,
                processes.OutcomeOf, options.Journaled, lease?.TakenOver);
            if (heldLock is not null) Journal().LockTaken(heldLock.Name);
            options.View.Started(run.RunId, playbook, options.Store?.Location ?? run.JournalPath, resumedAfter: plan.Resume!.Path);
            if (lease?.TakenOver is { } takeover) options.View.Say(StoreRuns.Describe(takeover));
            if (run.Contents.Damage is { } cut) options.View.Say($"cut a torn record at the end of the journal ({cut.Reason})");
            foreach (var group in stopped) options.View.Say($"stopped process group {group}, left running by the run that stopped");
            StepFiles.CreatePrivateDirectory(stepsDirectory);
            var clock = new SystemRunClock(options.Time, run.StartedAt);
            options = options with { AnswersTaken = run.AnswersTaken };
            return await DriveAsync(options, Journal(), run.RunId, run.JournalPath, run.Seed, redactor, secrets, clock, values, plan.Resume, processes.Adopted, cancellationToken, lease).ConfigureAwait(false);
        }
        finally
        {
            journal?.Dispose();
        }
    }

    /// <summary>Why a resume stops at a live orphan nobody answered for, and how to answer.</summary>
    private static string OrphanQuestion(InFlightAttempt a, IReadOnlyList<JournaledProcess> journaled)
    {
        var process = journaled.LastOrDefault(p => p.Flow == a.Flow && p.State == a.State.Name && p.Attempt == a.Attempt);
        var what = process is null ? "" : $" (pid {process.Group}{(process.Command is null ? "" : $", `{process.Command}`")}, since {process.Since.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z)";
        return $"step '{a.State.Name}'{(a.Flow.Length == 0 ? "" : $" (in {a.Flow})")} is still running from the run that stopped{what}, and it is not idempotent: " +
               $"say what to do with --answer {StateAddress.WithAttempt(a.ItemAddress, a.Attempt)}=wait (let it finish and take its outcome) or =kill (stop it; then rerun, skip or fail decides)" +
               EveryItem(a);
    }

    /// <summary>For a step in a foreach item: that its plain address answers it in every item at once.</summary>
    private static string EveryItem(InFlightAttempt a) =>
        a.ItemAddress == a.Address ? "" : $" (--answer {a.Address}=… answers it in every item)";

    /// <summary>Drives the run; in a store, a lost lease or a store that fails stops it with why (its journal up to
    /// there is whole: it is resumed like any stopped run), and the lease is released when the run stops cleanly.</summary>
    private static async Task<LiveRunOutcome> DriveAsync(LiveRunOptions options, RunJournal journal, string runId, string path, int seed, Redactor redactor,
        RunSecrets secrets, RunClock clock, Dictionary<string, object?> values, RunResume? resume,
        System.Collections.Concurrent.ConcurrentDictionary<string, AdoptedProcess>? adopted, CancellationToken cancellationToken, RunStores.RunLease? lease)
    {
        try
        {
            var outcome = await DriveAsync(options, journal, runId, path, seed, redactor, secrets, clock, values, resume, adopted, cancellationToken).ConfigureAwait(false);
            if (lease is not null && !lease.Lost) TryRelease(options.Store!, lease);
            return outcome;
        }
        catch (Exception e) when (lease is not null && e is RunStores.LeaseLostException or RunStores.RunStoreException or OperationCanceledException)
        {
            options.View.Finished(null);
            var why = e is OperationCanceledException ? $"run {runId}: lease lost: it could not be renewed in time" : e.Message;
            return new LiveRunOutcome(runId, path, null, [$"{why}; the run stopped here: continue it with playbook resume {runId} --store {options.Store!.Location}"]);
        }
    }

    private static void TryRelease(RunStores.IRunStore store, RunStores.RunLease lease)
    {
        try
        {
            store.Release(lease);
        }
        catch (RunStores.RunStoreException)
        {
            // The lease runs out by itself.
        }
    }

    private static async Task<LiveRunOutcome> DriveAsync(LiveRunOptions options, RunJournal journal, string runId, string path, int seed, Redactor redactor,
        RunSecrets secrets, RunClock clock, Dictionary<string, object?> values, RunResume? resume,
        System.Collections.Concurrent.ConcurrentDictionary<string, AdoptedProcess>? adopted, CancellationToken cancellationToken)
    {
        var playbook = options.Playbook;
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var context = new LiveContext
        {
            RunId = runId,
            View = options.View,
            Redactor = redactor,
            Http = http,
            ResolveCallee = options.ResolveCallee,
            Secret = secrets.Get,
            Time = options.Time,
            WorkingDirectory = options.WorkingDirectory,
            Answers = options.Answers,
            NotifyUrl = options.NotifyUrl,
            StepFilesDirectory = StepFiles.DirectoryFor(path),
            Adopted = adopted ?? new(StringComparer.Ordinal),
            GateLimit = options.Store?.LeaseDuration / 2,
            // The store's inbox: a shared store's runner learns of answers posted from any machine.
            Inbox = options.Rehearsal is null
                ? options.Inbox ?? options.Store?.Inbox(options.View.Say) ?? new RunStores.FileAnswerInbox(Path.GetDirectoryName(Path.GetFullPath(path))!, options.View.Say)
                : null,
            AnswersTaken = new(options.AnswersTaken ?? new Dictionary<string, long>(), StringComparer.Ordinal),
            JournalArgument = options.Store is { } shared ? "--store " + shared.Location
                : Path.GetFullPath(options.JournalDirectory) == Path.GetFullPath(DefaultJournal) ? "" : "--journal " + options.JournalDirectory,
        };
        var root = journal.Root;
        IActionRunner runner = new LiveRunner(context, root, playbook);
        if (options.Rehearsal is { } script)
            runner = new RehearsalRunner(runner, new Simulation.SimulationRunner(script, options.ResolveCallee, new Random(seed)), root);
        var engine = new PlaybookEngine(playbook, runner, new Random(seed))
        {
            Observer = new RunObservers(root, options.View),
            CleanupCancellation = playbook.Cleanup is null ? null : options.CleanupStop,
            RunId = runId,
        };
        try
        {
            var result = resume is null
                ? await engine.RunAsync(clock, values, cancellationToken).ConfigureAwait(false)
                : await engine.ResumeAsync(clock, values, resume, cancellationToken).ConfigureAwait(false);
            if (result.Reason is not null) result = result with { Reason = redactor.Redact(result.Reason) };
            journal.RunEnded(result);
            // The step files were only kept so a resume could account for a step's process; an ended run has
            // none to account for, and they hold output before redaction.
            DeleteStepFiles(path);
            options.View.Finished(result);
            return new LiveRunOutcome(runId, path, result, Array.Empty<string>());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            journal.Interrupted("stopped by the user");
            options.View.Finished(null);
            return new LiveRunOutcome(runId, path, null, Array.Empty<string>(), Interrupted: true);
        }
    }

    private static void DeleteStepFiles(string journalPath)
    {
        // The answer inbox too: every answer taken is in the journal, and the files hold comments as posted.
        foreach (var directory in new[] { StepFiles.DirectoryFor(journalPath), Path.ChangeExtension(journalPath, RunStores.FileAnswerInbox.Extension) })
        {
            try { Directory.Delete(directory, recursive: true); }
            catch (DirectoryNotFoundException) { }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Every input as the run uses it, defaults included, as text that binds back to the same value
    /// (a resume binds them again; a report shows them).</summary>
    private static Dictionary<string, string> EffectiveInputs(CompiledPlaybook playbook, IReadOnlyDictionary<string, object?> values) =>
        playbook.Model.Inputs
            .Where(i => values.ContainsKey(i.Name.Text))
            .ToDictionary(i => i.Name.Text, i => values[i.Name.Text] switch
            {
                TimeSpan t => Text.DurationText.Format(t),
                System.Collections.IList list => ListValues.Format(list),
                var v => RunScope.Display(v),
            }, StringComparer.Ordinal);

    /// <summary>Every secret's value is redacted wherever the run writes or shows anything: the secrets of
    /// the playbook and of the playbooks it calls (their records go into this run's journal), and every
    /// <c>PLAYBOOK_SECRET_*</c> variable of this process, declared or not: a step that prints what it was
    /// given must not print a secret meant for another playbook.</summary>
    private static Redactor RedactorFor(RunSecrets secrets) => new(secrets.Named.Concat(ChildEnvironment.InheritedSecrets()));

    /// <summary>A damage reason without its "line N: " prefix, for a message that already says where.</summary>
    private static string WithoutLine(string reason) =>
        reason.StartsWith("line ", StringComparison.Ordinal) && reason.IndexOf(": ", StringComparison.Ordinal) is > 0 and var colon ? reason[(colon + 2)..] : reason;

    /// <summary>The sha256 of every playbook <paramref name="playbook"/> can call, directly or not, by
    /// absolute path: a resume runs the same callees as the run, or refuses.</summary>
    private static SortedDictionary<string, string> CalleeHashes(CompiledPlaybook playbook, Func<CompiledPlaybook, string, CompiledPlaybook?> resolveCallee)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var root = Path.GetFullPath(playbook.Path);
        foreach (var (_, callee, _) in StateAddress.All(playbook, resolveCallee))
        {
            var path = Path.GetFullPath(callee.Path);
            if (path == root || hashes.ContainsKey(path)) continue;
            try
            {
                hashes[path] = Sha256Of(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                hashes[path] = "";
            }
        }
        return hashes;
    }

    private static string? CalleeMismatch(JournaledRun run, IReadOnlyDictionary<string, string> journaled, IReadOnlyDictionary<string, string> now)
    {
        foreach (var (path, sha) in journaled)
        {
            if (!now.TryGetValue(path, out var current))
                return $"'{path}', which run {run.RunId} could call, is no longer what it calls: resuming it with different playbooks is not safe";
            if (current != sha)
                return $"'{path}', which run {run.RunId} can call, changed since it started (its sha256 is not the one journaled): resuming it with a different playbook is not safe";
        }
        foreach (var path in now.Keys.Where(p => !journaled.ContainsKey(p)))
            return $"'{path}' is called now, but was not when run {run.RunId} started: resuming it with different playbooks is not safe";
        return null;
    }

    /// <summary>Why the playbook file a journal names is not the one its run ran, or null when it is: the
    /// file must still be a regular file at that absolute path with the sha256 journaled at the start. Checked
    /// before the file is even read as a playbook, so a journal cannot point a resume at another file.</summary>
    public static string? PlaybookMismatch(JournaledRun run)
    {
        var path = run.PlaybookPath;
        if (!Path.IsPathFullyQualified(path))
            return $"{run.JournalPath}:1: the journal names the playbook '{path}', which is not an absolute path: it is not as a run writes it";
        // The file itself, not a link: a link may point anywhere (a device, a pipe that never ends).
        FileSystemInfo? info = new FileInfo(path);
        if (info.LinkTarget is not null) info = File.ResolveLinkTarget(path, returnFinalTarget: true);
        if (info is not FileInfo { Exists: true } file)
            return $"'{path}', the playbook of run {run.RunId}, is gone: the run cannot be resumed without it";
        // A playbook is never empty, and a device or a pipe reports no length: neither is read.
        if (file.Length == 0 || file.Length > MaxPlaybookBytes)
            return $"'{path}', the playbook of run {run.RunId}, is not a playbook file ({(file.Length == 0 ? "it is empty or not a regular file" : "it is too large")})";
        try
        {
            if (Sha256Of(path) != run.Sha256)
                return $"'{path}' changed since run {run.RunId} started (its sha256 is not the one journaled): resuming it with a different playbook is not safe";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"'{path}', the playbook of run {run.RunId}, cannot be read: {e.Message}";
        }
        return null;
    }

    // Far above what the loader accepts: only a file no run could have started from is refused here.
    private const long MaxPlaybookBytes = 64L * 1024 * 1024;

    public static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
