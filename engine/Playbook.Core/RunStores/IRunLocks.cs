using System.Globalization;

namespace Playbook.RunStores;

/// <summary>The run-level locks of a store (<c>lock "…"</c> in a playbook): a name held by at most one live run at a
/// time, across everyone who uses the store. A separate interface from <see cref="IRunStore"/> so that a store's
/// records and leases stay one contract and its locks another, each with its own contract tests; every store has
/// exactly one (<see cref="RunLocks.For"/>). A lock is held by a <em>live runner</em>: the file store's by the
/// runner's process (an flock the kernel drops when it dies), the PostgreSQL store's by the run's lease (a lock row
/// that counts only while the lease it names is current and unexpired, so fencing and expiry cover it too).</summary>
public interface IRunLocks
{
    /// <summary>Takes lock <paramref name="name"/> for the run <paramref name="claim"/> describes; null when a live run
    /// holds it (then <paramref name="holder"/> says which; it may be null when the holder is still writing its record).
    /// The same run takes its own lock again (a resume, a takeover).</summary>
    HeldLock? TryTake(string name, LockClaim claim, out LockHolder? holder);

    /// <summary>Who holds <paramref name="name"/> now; null when nobody does.</summary>
    LockHolder? HolderOf(string name);

    /// <summary>Every lock held now, by name.</summary>
    IReadOnlyList<LockHolder> Held();
}

/// <summary>What a run claims a lock with: its id, who runs it, this process, and in a store with leases the
/// run's lease (the lock lives exactly as long as it).</summary>
public sealed record LockClaim(string RunId, string User, LeaseOwner Owner, RunLease? Lease = null)
{
    public static LockClaim Current(string runId, RunLease? lease = null) => new(runId, CurrentUser(), lease?.Owner ?? LeaseOwner.Current(), lease);

    /// <summary>The user as the team knows them: $USER, else the account name.</summary>
    public static string CurrentUser() =>
        Environment.GetEnvironmentVariable("USER") is { Length: > 0 } user ? user : Environment.UserName;
}

/// <summary>Who holds a lock: the run, the user, the host and process, and since when (UTC).</summary>
public sealed record LockHolder(string Name, string RunId, string User, string Host, int Pid, DateTimeOffset Since)
{
    /// <summary>"run R (alice@host, pid N) since 10:02:11 UTC (4m ago)", as a refusal or <c>runs</c> says it.</summary>
    public string Describe(DateTimeOffset now) =>
        $"run {RunId} ({User}@{Host}, pid {Pid.ToString(CultureInfo.InvariantCulture)}) since {Since.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC" +
        $"{(now - Since >= TimeSpan.FromDays(1) ? " on " + Since.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "")} ({Ago(now - Since)})";

    private static string Ago(TimeSpan span) =>
        span < TimeSpan.FromSeconds(1) ? "just now" : Text.DurationText.Format(TimeSpan.FromSeconds(Math.Floor(span.TotalSeconds))) + " ago";
}

/// <summary>A lock this process holds; disposing it gives it up (as does this process's death, or, in a store with
/// leases, the run's lease running out or being taken over).</summary>
public sealed class HeldLock : IDisposable
{
    private Action? _release;

    internal HeldLock(LockHolder holder, Action release)
    {
        Holder = holder;
        _release = release;
    }

    public LockHolder Holder { get; }

    public string Name => Holder.Name;

    public void Dispose()
    {
        var release = Interlocked.Exchange(ref _release, null);
        release?.Invoke();
    }
}

/// <summary>The locks of a store: the file store's lock files under its journal directory, the PostgreSQL store's
/// lock rows in the same database.</summary>
public static class RunLocks
{
    /// <summary>The longest lock name a run takes (characters), as PB2021 holds the literal text to.</summary>
    public const int MaxNameLength = Checking.Rules.LockCheck.MaxLength;

    public static IRunLocks For(IRunStore? store, string journalDirectory) => store switch
    {
        PostgresRunStore postgres => new PostgresRunLocks(postgres),
        FileRunStore file => new FileRunLocks(file.Directory),
        _ => new FileRunLocks(journalDirectory),
    };

    /// <summary>Why a rendered name cannot be a lock's, or null when it can.</summary>
    public static string? Problem(string name) =>
        name.Trim().Length == 0 ? "the lock's name is empty once its inputs are filled in"
        : name.Length > MaxNameLength ? $"the lock's name is {name.Length} characters long once its inputs are filled in, over the {MaxNameLength} a lock name may have"
        : name.Any(char.IsControl) ? "the lock's name holds a control character once its inputs are filled in"
        : null;
}
