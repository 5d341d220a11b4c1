using Playbook.Journal;
using Playbook.RunStores;

namespace Playbook.LiveRuns;

/// <summary>How <see cref="LiveRun"/> starts and continues a run kept in a run store (<c>--store</c>) rather than in
/// the journal directory: the run's records go to the store under a lease, the lease is renewed while the run goes
/// on, and a run whose lease was lost stops with a clear "lease lost". The engine and the journal are the same.</summary>
internal static class StoreRuns
{
    /// <summary>A new run in the store, its lease held, and the writer of its records. Ids are drawn again while taken.</summary>
    public static (string RunId, string Path, JournalWriter Writer, RunLease Lease) Create(IRunStore store, DateTimeOffset now, TimeProvider time)
    {
        var owner = LeaseOwner.Current();
        for (var attempt = 1; ; attempt++)
        {
            var runId = JournaledRun.NewRunId(now);
            if (store.TryCreate(runId, owner) is not { } lease)
            {
                if (attempt < 100) continue;
                throw new IOException($"no free run id in {store.Location} after 100 draws");
            }
            var path = store.LocalPath(runId);
            // The run's step files live on this machine, beside where its journal would be.
            PrivateFiles.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            return (runId, path, store.OpenWriter(lease, new JournalContents([], 0, null), time), lease);
        }
    }

    /// <summary>Takes the lease of a run to resume: null and why when someone holds it.</summary>
    public static RunLease? Acquire(IRunStore store, JournaledRun run, out string? refusal)
    {
        refusal = null;
        var lease = store.TryAcquire(run.RunId, LeaseOwner.Current(), out var holder);
        if (lease is not null)
        {
            PrivateFiles.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(store.LocalPath(run.RunId)))!);
            return lease;
        }
        var until = holder.ExpiresAt is { } at ? $" (its lease runs until {Stamp(at)} unless renewed)" : "";
        refusal = $"run {run.RunId} is running on {holder.Holder?.ToString() ?? "another host"} right now{until}: it cannot be resumed until that runner stops or its lease runs out";
        return null;
    }

    /// <summary>The run's token, also cancelled when the lease is lost.</summary>
    public static CancellationTokenSource Linked(CancellationToken token, LeaseKeeper? keeper) =>
        keeper is null ? CancellationTokenSource.CreateLinkedTokenSource(token) : CancellationTokenSource.CreateLinkedTokenSource(token, keeper.LostToken);

    public static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What a takeover says on the runner's screen.</summary>
    public static string Describe(Takeover t) =>
        $"took the run over from {t.From} (its lease ran out at {Stamp(t.ExpiredAt)}; {Text.DurationText.Format(t.Gap)} without a runner)";
}
