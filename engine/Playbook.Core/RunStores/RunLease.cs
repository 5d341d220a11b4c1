namespace Playbook.RunStores;

/// <summary>A run's lease as its holder has it: the run, the epoch (the fencing token: every acquisition of a run's
/// lease gets a larger one, and a store accepts an append only from the current epoch), the holder and when the
/// lease runs out unless renewed. <see cref="TakenOver"/> says from whom it was taken, when the run was continued
/// by another holder than the last.</summary>
public sealed class RunLease
{
    internal RunLease(string runId, long epoch, LeaseOwner owner, DateTimeOffset? expiresAt, Takeover? takenOver = null)
    {
        RunId = runId;
        Epoch = epoch;
        Owner = owner;
        ExpiresAt = expiresAt;
        TakenOver = takenOver;
    }

    public string RunId { get; }

    public long Epoch { get; }

    public LeaseOwner Owner { get; }

    /// <summary>When the lease runs out unless renewed; null for a lease that lasts as long as its process (the file store's lock).</summary>
    public DateTimeOffset? ExpiresAt { get; internal set; }

    public Takeover? TakenOver { get; }

    /// <summary>Who held the lease before this holder (released or expired); null for a new run. Its step files are on
    /// its host: a resume on another host cannot read them.</summary>
    public LeaseOwner? Previous { get; init; }

    /// <summary>Set once the holder knows it lost the lease (released, taken over, or not renewed in time).</summary>
    public bool Lost { get; internal set; }

    /// <summary>What the store keeps with the lease (the file store's lock).</summary>
    internal IDisposable? Handle { get; set; }
}

/// <summary>A lease taken from a holder that stopped renewing it: who held it, when it ran out, and how long
/// the run went without a holder (from the expiry to the takeover; zero when the holder was known dead on this host).</summary>
public sealed record Takeover(LeaseOwner From, DateTimeOffset ExpiredAt, DateTimeOffset At)
{
    public TimeSpan Gap => At > ExpiredAt ? At - ExpiredAt : TimeSpan.Zero;
}

/// <summary>A run's lease as anyone can see it: the last holder, the epoch, and when it runs (or ran) out.
/// <see cref="ExpiresAt"/> null with a holder: released (the run stopped cleanly) or held for as long as the
/// holder lives (file store, <see cref="HeldNow"/> says which).</summary>
public sealed record RunLeaseState(LeaseOwner? Holder, long Epoch, DateTimeOffset? ExpiresAt, bool HeldNow, DateTimeOffset Now)
{
    public static RunLeaseState None(DateTimeOffset now) => new(null, 0, null, false, now);

    /// <summary>A holder stopped renewing it: a candidate for takeover.</summary>
    public bool Expired => !HeldNow && Holder is not null && ExpiresAt is { } at && at <= Now;
}

/// <summary>A run as a store lists it: what its records say and who holds its lease.</summary>
public sealed record StoredRun(LiveRuns.JournaledRun Run, RunLeaseState Lease);

/// <summary>The runner no longer holds the run's lease: another runner took it over, or it was not renewed in time.
/// Nothing more is appended; the runner stops.</summary>
public sealed class LeaseLostException(string message) : Exception(message);

/// <summary>The store cannot be used (unreachable, refused the credentials, schema too old or too new). The message
/// never holds a password.</summary>
public sealed class RunStoreException(string message, Exception? inner = null) : Exception(message, inner);
