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

    /// <summary>Manual steps answered in advance (approve or reject).</summary>
    public IReadOnlyDictionary<string, string> Answers { get; init; } = new Dictionary<string, string>();

    /// <summary>Reads secret NAME from the environment variable PLAYBOOK_SECRET_NAME (by default); it overrides a
    /// secret's <c>from file</c>/<c>from command</c>, which <see cref="RunSecrets"/> reads otherwise.</summary>
    public Func<string, string?> Secret { get; init; } = EnvironmentSecret;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    public string? NotifyUrl { get; init; } = Environment.GetEnvironmentVariable("PLAYBOOK_NOTIFY_URL");

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
        var now = options.Time.GetUtcNow();
        string runId, path;
        JournalWriter writer;
        try
        {
            (runId, path, writer) = CreateJournal(options, now);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing has run: a run without a journal could not be resumed, so it does not start.
            return LiveRunOutcome.Refused([$"cannot create a journal in '{options.JournalDirectory}': {e.Message}"]);
        }
        using var held = RunLock.TryAcquire(path);
        using var journal = new RunJournal(writer, redactor);
        var seed = Random.Shared.Next();
        journal.RunStarted(runId, playbook, Sha256Of(playbook.Path), EffectiveInputs(playbook, values), seed, now);
        options.View.Started(runId, playbook, path, resumedAfter: null);
        var clock = new SystemRunClock(options.Time, now);
        return await DriveAsync(options, journal, runId, path, seed, redactor, secrets, clock, values, resume: null, cancellationToken).ConfigureAwait(false);
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
    /// tail, a run that already ended, a playbook that changed since, and a non-idempotent attempt in
    /// flight that <paramref name="choose"/> has no answer for.</summary>
    public static async Task<LiveRunOutcome> ResumeAsync(JournaledRun run, LiveRunOptions options, Func<InFlightAttempt, InFlightChoice?> choose,
        CancellationToken cancellationToken = default)
    {
        var playbook = options.Playbook;
        // Before the lock: taking it creates a file in the directory.
        if (PrivateFiles.Problem(Path.GetDirectoryName(Path.GetFullPath(run.JournalPath))!, run.JournalPath, RunLock.PathFor(run.JournalPath)) is { } unsafeFiles)
            return LiveRunOutcome.Refused([$"run {run.RunId} cannot be resumed: {unsafeFiles}"]);
        using var held = RunLock.TryAcquire(run.JournalPath);
        if (held is null)
            return LiveRunOutcome.Refused([$"run {run.RunId} is running in another process right now: it cannot be resumed until that process stops"]);
        // Read again under the lock: the journal may have grown since it was listed.
        run = JournaledRun.Read(run.JournalPath);
        if (run.Contents.Damage is { AtTail: false } damage)
            return LiveRunOutcome.Refused([$"{run.JournalPath}:{damage.Line}: the journal is damaged before its end ({WithoutLine(damage.Reason)}); the records after it cannot be trusted, so it cannot be resumed"]);
        if (run.Finished)
            return LiveRunOutcome.Refused([$"run {run.RunId} already ended ({run.Status}{(run.End is null ? "" : ", at '" + run.End + "'")}): nothing to resume"]);
        if (!File.Exists(playbook.Path) || Sha256Of(playbook.Path) != run.Sha256)
            return LiveRunOutcome.Refused([$"'{playbook.Path}' changed since run {run.RunId} started: resuming it with a different playbook is not safe"]);

        // Read again: a secret is never journaled, and may have been rotated since (then it is the new one).
        var (secrets, unread) = await RunSecrets.ReadAsync(playbook, options.ResolveCallee, options.Secret, cancellationToken).ConfigureAwait(false);
        // A secret that could not be read would also be "not set": say only why it could not be read.
        if (unread.Count > 0) return LiveRunOutcome.Refused(unread);
        var (values, errors) = RunParameters.Bind(playbook, run.Inputs, name => secrets.Get(playbook, name));
        if (errors.Count > 0) return LiveRunOutcome.Refused(errors);
        var plan = ResumePlan.Build(run, playbook, options.ResolveCallee, choose);
        if (plan.Problem is not null) return LiveRunOutcome.Refused([$"run {run.RunId} cannot be resumed: {plan.Problem}"]);
        if (plan.Undecided.Count > 0)
            return LiveRunOutcome.Refused(plan.Undecided.Select(a =>
                $"step '{a.State.Name}'{(a.Flow.Length == 0 ? "" : $" (in {a.Flow})")} was running (attempt {a.Attempt}) when the run stopped, and it is not idempotent: " +
                $"say what to do with --answer {a.State.Name}=rerun (run it again), =skip (count it as done) or =fail (count it as failed)"));

        // Only a group that can still be the one the run started (same boot, same leader) is stopped.
        var stopped = plan.ProcessGroups.Where(g => ProcessIdentity.StillOurs(g.Group, g.Identity)).Select(g => g.Group).Where(ShellRunner.KillGroup).ToList();
        var redactor = RedactorFor(secrets);
        options = options with { View = new RedactingRunView(options.View, redactor) };
        using var journal = new RunJournal(JournalWriter.Continue(run.JournalPath, run.Contents.ValidLength, run.Contents.NextSeq, options.Time), redactor);
        journal.Resumed(run.Contents.Damage, plan.Decisions.Select(d => (d.Attempt.Flow, d.Attempt.State.Name, d.Attempt.Attempt, d.Choice)), stopped);
        options.View.Started(run.RunId, playbook, run.JournalPath, resumedAfter: plan.Resume!.Path);
        if (run.Contents.Damage is { } cut) options.View.Say($"cut a torn record at the end of the journal ({cut.Reason})");
        foreach (var group in stopped) options.View.Say($"stopped process group {group}, left running by the run that stopped");
        var clock = new SystemRunClock(options.Time, run.StartedAt);
        return await DriveAsync(options, journal, run.RunId, run.JournalPath, run.Seed, redactor, secrets, clock, values, plan.Resume, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<LiveRunOutcome> DriveAsync(LiveRunOptions options, RunJournal journal, string runId, string path, int seed, Redactor redactor,
        RunSecrets secrets, SystemRunClock clock, Dictionary<string, object?> values, RunResume? resume, CancellationToken cancellationToken)
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
        };
        var root = journal.Root;
        var engine = new PlaybookEngine(playbook, new LiveRunner(context, root, playbook), new Random(seed))
        {
            Observer = new RunObservers(root, options.View),
        };
        try
        {
            var result = resume is null
                ? await engine.RunAsync(clock, values, cancellationToken).ConfigureAwait(false)
                : await engine.ResumeAsync(clock, values, resume, cancellationToken).ConfigureAwait(false);
            if (result.Reason is not null) result = result with { Reason = redactor.Redact(result.Reason) };
            journal.RunEnded(result);
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

    /// <summary>Every input as the run uses it, defaults included, as text that binds back to the same value
    /// (a resume binds them again; a report shows them).</summary>
    private static Dictionary<string, string> EffectiveInputs(CompiledPlaybook playbook, IReadOnlyDictionary<string, object?> values) =>
        playbook.Model.Inputs
            .Where(i => values.ContainsKey(i.Name.Text))
            .ToDictionary(i => i.Name.Text, i => values[i.Name.Text] is TimeSpan t ? Text.DurationText.Format(t) : RunScope.Display(values[i.Name.Text]), StringComparer.Ordinal);

    /// <summary>Every secret's value is redacted wherever the run writes or shows anything: the secrets of
    /// the playbook and of the playbooks it calls (their records go into this run's journal), and every
    /// <c>PLAYBOOK_SECRET_*</c> variable of this process, declared or not: a step that prints what it was
    /// given must not print a secret meant for another playbook.</summary>
    private static Redactor RedactorFor(RunSecrets secrets) => new(secrets.Named.Concat(ChildEnvironment.InheritedSecrets()));

    /// <summary>A damage reason without its "line N: " prefix, for a message that already says where.</summary>
    private static string WithoutLine(string reason) =>
        reason.StartsWith("line ", StringComparison.Ordinal) && reason.IndexOf(": ", StringComparison.Ordinal) is > 0 and var colon ? reason[(colon + 2)..] : reason;

    public static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
