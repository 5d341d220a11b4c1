using Playbook.Journal;
using Playbook.LiveRuns;

namespace Playbook.RunStores;

/// <summary>Where runs live: their records (the journal: totally ordered, each acknowledged only once durable, read
/// back with the journal's checksums and validation) and their leases (who drives a run now, with an epoch that
/// fences off a runner whose lease was taken). Two stores: <see cref="FileRunStore"/> (today's journal files, the
/// default, nothing to install) and <see cref="PostgresRunStore"/> (a shared database, for a team).</summary>
public interface IRunStore : IDisposable
{
    /// <summary>Where the store is, for messages (never a password).</summary>
    string Location { get; }

    /// <summary>How long a lease lasts without renewal; null when it lasts as long as its process (the file store).</summary>
    TimeSpan? LeaseDuration { get; }

    /// <summary>The local path that names run <paramref name="runId"/> on this machine: its journal for the file
    /// store; for a shared store, where this machine keeps the run's step files (its processes are local).</summary>
    string LocalPath(string runId);

    /// <summary>Creates run <paramref name="runId"/> with no records and gives <paramref name="owner"/> its lease;
    /// null when a run of that id exists.</summary>
    RunLease? TryCreate(string runId, LeaseOwner owner);

    /// <summary>Takes run <paramref name="runId"/>'s lease when nobody holds it: released, expired, or held by a
    /// process of this host that is gone. The new lease has a larger epoch than any before, and says from whom it
    /// was taken over. Null when it is held (then <paramref name="holder"/> says by whom).</summary>
    RunLease? TryAcquire(string runId, LeaseOwner owner, out RunLeaseState holder);

    /// <summary>Extends the lease; <see cref="LeaseLostException"/> when it was taken over or ran out.</summary>
    void Renew(RunLease lease);

    /// <summary>Gives the lease up (the run stopped cleanly, or ended); anyone may take it at once.</summary>
    void Release(RunLease lease);

    /// <summary>A writer that appends the run's records after <paramref name="contents"/> (what was read under the
    /// lease), each one accepted only while <paramref name="lease"/> is the run's current lease.</summary>
    JournalWriter OpenWriter(RunLease lease, JournalContents contents, TimeProvider? time = null);

    /// <summary>The run's records in order, checked as the file journal's are (checksum, seq); null when there is no such run.</summary>
    JournalContents? ReadContents(string runId);

    /// <summary>The run read back (see <see cref="JournaledRun"/>); null when there is no such run.</summary>
    JournaledRun? Read(string runId);

    /// <summary>The run's lease as anyone sees it.</summary>
    RunLeaseState LeaseOf(string runId);

    /// <summary>Every run, oldest first, with its lease.</summary>
    IReadOnlyList<StoredRun> List();

    /// <summary>Where answers to this store's runs are posted and awaited (see <see cref="IAnswerInbox"/>): files
    /// beside the journal, or the shared database. <paramref name="warn"/> hears of answers skipped as malformed.</summary>
    IAnswerInbox Inbox(Action<string>? warn = null);
}
