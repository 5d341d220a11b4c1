using System.Diagnostics;
using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.Journal;
using Playbook.RunStores;

namespace Playbook.LiveRuns;

/// <summary>How <see cref="LiveRun"/> takes a playbook's <c>lock "…"</c>: before the run's first record, in the store
/// the run is kept in (<see cref="RunLocks.For"/>). A run refused by a held lock leaves nothing behind: its empty
/// journal (or run row) is removed. With <see cref="LiveRunOptions.WaitLock"/> it waits, saying for whom, and tries
/// again whenever the lock looks free, until the wait is over.</summary>
internal static class RunLocking
{
    /// <summary>How often a waiting run looks whether the lock is free again.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>The run's lock name (null when the playbook has none, or for a rehearsal, which takes none), or why it cannot be one.</summary>
    public static string? NameOf(CompiledPlaybook playbook, IReadOnlyDictionary<string, object?> values, bool rehearsal, out string? problem)
    {
        problem = null;
        if (rehearsal || playbook.Lock is null) return null;
        var written = playbook.Model.Syntax.Members.OfType<Syntax.LockSyntax>().First().Name.Template;
        try
        {
            var name = LockName.Render(playbook, values)!;
            problem = RunLocks.Problem(name) is { } why ? $"lock \"{written}\": {why}; nothing was run" : null;
            return name;
        }
        catch (ExpressionFailedException e)
        {
            problem = $"lock \"{written}\": its name could not be made from the inputs: {e.Message}; nothing was run";
            return null;
        }
    }

    /// <summary>The refusal of a run (or a resume) whose lock another run holds.</summary>
    public static string Held(string name, LockHolder? holder, TimeSpan? waited)
    {
        var who = holder is null ? "another run (it is still writing who it is)" : holder.Describe(DateTimeOffset.UtcNow);
        var advice = waited is { } w
            ? $"waited {Text.DurationText.Format(Round(w))} for it (--wait-lock); wait longer with --wait-lock {Text.DurationText.Format(Round(w * 2))}"
            : "wait for it with --wait-lock 10m";
        return $"lock '{name}' is held by {who}; {advice}";
    }

    /// <summary>Waits until <paramref name="name"/> looks free or <paramref name="options"/>' wait is over. Null: try
    /// to take it again; otherwise the refusal (the wait is over, none was asked for, or the run was stopped).</summary>
    public static async Task<string?> WaitAsync(IRunLocks locks, string name, LockHolder? holder, LiveRunOptions options, Stopwatch waited,
        CancellationToken cancellationToken)
    {
        if (options.WaitLock is not { } limit || waited.Elapsed >= limit) return Held(name, holder, options.WaitLock is null ? null : waited.Elapsed);
        var announced = holder?.RunId;
        options.LockWaiting?.Invoke($"waiting up to {Text.DurationText.Format(limit - Round(waited.Elapsed))} for lock '{name}', held by {Who(holder)}");
        while (waited.Elapsed < limit)
        {
            try
            {
                await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return $"stopped while waiting for lock '{name}'; nothing was run";
            }
            var now = locks.HolderOf(name);
            if (now is null) return null;
            if (now.RunId != announced)
            {
                announced = now.RunId;
                options.LockWaiting?.Invoke($"lock '{name}' is now held by {Who(now)}; still waiting");
            }
            holder = now;
        }
        return Held(name, holder, waited.Elapsed);
    }

    /// <summary>Takes the lock of a run being resumed (this process holds its lease). Held by another run: refused
    /// (the refusal returned), or with <see cref="LiveRunOptions.WaitLock"/> waited for as a new run waits, the run's
    /// lease renewed meanwhile (by <paramref name="keeper"/>) so that nobody takes the run over while it queues.</summary>
    public static async Task<(HeldLock? Lock, string? Refusal)> TakeForResumeAsync(string runId, string name, LiveRunOptions options, RunLease? lease,
        LeaseKeeper? keeper, CancellationToken cancellationToken)
    {
        var locks = RunLocks.For(options.Store, options.JournalDirectory);
        var waited = Stopwatch.StartNew();
        using var stop = StoreRuns.Linked(cancellationToken, keeper);
        while (true)
        {
            HeldLock? held;
            LockHolder? holder;
            try
            {
                held = locks.TryTake(name, LockClaim.Current(runId, lease), out holder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or RunStoreException or LeaseLostException)
            {
                return (null, $"run {runId}: cannot take lock '{name}': {e.Message}; nothing was run");
            }
            if (held is not null) return (held, null);
            if (await WaitAsync(locks, name, holder, options, waited, stop.Token).ConfigureAwait(false) is { } refusal)
                return (null, $"run {runId} cannot be resumed now: {(keeper?.Why is { } lost ? lost : refusal)}");
        }
    }

    private static string Who(LockHolder? holder) => holder?.Describe(DateTimeOffset.UtcNow) ?? "another run";

    private static TimeSpan Round(TimeSpan span) => TimeSpan.FromSeconds(Math.Max(1, Math.Round(span.TotalSeconds)));

    /// <summary>Removes a run that was created for a start the lock then refused: nothing of it was journaled.</summary>
    public static void Abandon(LiveRunOptions options, string path, JournalWriter writer, RunLease? lease)
    {
        writer.Dispose();
        try
        {
            switch (options.Store)
            {
                case PostgresRunStore postgres when lease is not null:
                    postgres.Forget(lease);
                    break;
                case null or FileRunStore:
                    if (lease is not null) options.Store?.Release(lease);
                    if (new FileInfo(path) is { Exists: true, Length: 0 }) File.Delete(path);
                    break;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or RunStoreException)
        {
            // An empty journal or an unlisted run row: nothing anyone acts on.
        }
    }
}
