using Playbook.Journal;
using Playbook.LiveRuns;

namespace Playbook.RunStores;

/// <summary>The default store: one journal file per run in a directory, exactly as <c>--journal DIR</c> has always
/// kept them (nothing changes on disk). Its lease is the run's <see cref="RunLock"/>: an exclusive lock the kernel
/// releases when the holder dies, however it dies, so it never needs renewing and expires exactly when its holder
/// is gone. That also makes it its own fence: while a process holds it nobody else can take it, so no other
/// process can append. The epoch is informational here (one more than the starts and resumes journaled so far).</summary>
public sealed class FileRunStore(string directory) : IRunStore
{
    public string Directory { get; } = directory;

    public string Location => Directory;

    public TimeSpan? LeaseDuration => null;

    public string LocalPath(string runId) => Path.Combine(Directory, runId + JournaledRun.Extension);

    public RunLease? TryCreate(string runId, LeaseOwner owner)
    {
        var path = LocalPath(runId);
        try
        {
            // Created 0600 only if new, its name flushed to disk: what a run's journal has always been.
            JournalWriter.Create(path).Dispose();
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
        var held = RunLock.TryAcquire(path);
        return held is null ? null : new RunLease(runId, 1, owner, null) { Handle = held };
    }

    public RunLease? TryAcquire(string runId, LeaseOwner owner, out RunLeaseState holder)
    {
        var path = LocalPath(runId);
        var held = RunLock.TryAcquire(path);
        if (held is null)
        {
            holder = LeaseOf(runId);
            return null;
        }
        holder = RunLeaseState.None(DateTimeOffset.UtcNow);
        var epoch = (ReadContents(runId)?.Records.Count(r => r.Type is "run-started" or "run-resumed") ?? 0) + 1;
        return new RunLease(runId, epoch, owner, null) { Handle = held };
    }

    public void Renew(RunLease lease)
    {
        if (lease.Handle is null) throw Lost(lease);
    }

    public void Release(RunLease lease)
    {
        lease.Handle?.Dispose();
        lease.Handle = null;
        lease.Lost = true;
    }

    /// <summary>What the kernel does when the holder dies: the lock goes. For the contract tests, which play both
    /// the dead holder and the one that takes over in one process.</summary>
    internal static void DropLock(RunLease lease)
    {
        lease.Handle?.Dispose();
        lease.Handle = null;
    }

    public JournalWriter OpenWriter(RunLease lease, JournalContents contents, TimeProvider? time = null) =>
        JournalWriter.Continue(LocalPath(lease.RunId), contents.ValidLength, contents.NextSeq, time).Fenced(() =>
        {
            if (lease.Handle is null) throw Lost(lease);
        });

    private LeaseLostException Lost(RunLease lease) =>
        new($"run {lease.RunId}: lease lost: this process no longer holds the run's lock ({RunLock.PathFor(LocalPath(lease.RunId))}), so it appends nothing more");

    public JournalContents? ReadContents(string runId)
    {
        var path = LocalPath(runId);
        return File.Exists(path) ? JournalReader.Read(path) : null;
    }

    public JournaledRun? Read(string runId)
    {
        var path = LocalPath(runId);
        return File.Exists(path) ? JournaledRun.Read(path) : null;
    }

    public RunLeaseState LeaseOf(string runId) => Read(runId) is { } run ? LeaseOf(run) : RunLeaseState.None(DateTimeOffset.UtcNow);

    // The last holder is the pid the journal's last start or resume names, on this machine.
    private static RunLeaseState LeaseOf(JournaledRun run) =>
        new(run.Pid == 0 ? null : new LeaseOwner(Environment.MachineName, run.Pid, default), 0, null, run.Running, DateTimeOffset.UtcNow);

    public IReadOnlyList<StoredRun> List() => JournaledRun.ReadAll(Directory).Select(r => new StoredRun(r, LeaseOf(r))).ToList();

    public IAnswerInbox Inbox(Action<string>? warn = null) => new FileAnswerInbox(Directory, warn);

    public void Dispose()
    {
    }
}
