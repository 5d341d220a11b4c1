namespace Playbook.EngineCore;

/// <summary>The clock of a rehearsal (<c>playbook run --rehearse</c>): real time for the readonly steps that run
/// for real, and simulated time for everything else. Its time is the real time since the start plus every
/// simulated delay so far: a real step takes as long as it takes, while a simulated step's duration, a backoff or a
/// wait moves the clock forward at once instead of being slept — so a two-hour playbook rehearses in the time its
/// reads take, and its timeline and RTO still add up as the real run's would.</summary>
public sealed class RehearsalClock : RunClock
{
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _realStart;
    private TimeSpan _simulated;

    public RehearsalClock(TimeProvider? time = null, DateTimeOffset? startedAt = null)
        : this(time ?? TimeProvider.System, startedAt ?? (time ?? TimeProvider.System).GetUtcNow(), TimeSpan.Zero)
    {
    }

    private RehearsalClock(TimeProvider time, DateTimeOffset realStart, TimeSpan simulated)
    {
        _time = time;
        _realStart = realStart;
        _simulated = simulated;
    }

    public override TimeSpan Elapsed => _time.GetUtcNow() - _realStart + _simulated;

    public override DateTimeOffset StartedAt => _realStart;

    /// <summary>Simulated time spent so far (the rest of <see cref="Elapsed"/> was real).</summary>
    public TimeSpan Simulated => _simulated;

    /// <summary>Not real time: the branches of a parallel take turns, as in a dry run (only the reads among them are
    /// real, and a rehearsal must be as reproducible as its seed makes it).</summary>
    public override bool IsRealTime => false;

    public override ValueTask DelayAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (duration > TimeSpan.Zero) _simulated += duration;
        return ValueTask.CompletedTask;
    }

    /// <summary>A branch starts from now and counts its own simulated time.</summary>
    public override RunClock Fork() => new RehearsalClock(_time, _realStart, _simulated);

    public override void JoinAt(TimeSpan elapsed)
    {
        var now = Elapsed;
        if (elapsed > now) _simulated += elapsed - now;
    }
}
