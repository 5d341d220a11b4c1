namespace Playbook.EngineCore;

/// <summary>The one clock a run's waits, timeouts, backoff delays and deadlines go through. A dry run
/// uses <see cref="VirtualClock"/> (a two-hour playbook simulates in microseconds, and still reports
/// simulated times); a real run uses the system clock. Only this and the action runner differ between
/// simulation and a real run.</summary>
public abstract class RunClock
{
    /// <summary>Time since the run started.</summary>
    public abstract TimeSpan Elapsed { get; }

    /// <summary>The wall-clock time of the start of the run.</summary>
    public abstract DateTimeOffset StartedAt { get; }

    public DateTimeOffset Now => StartedAt + Elapsed;

    /// <summary>True for real time: the branches of a parallel then run at once, not one after the other.</summary>
    public virtual bool IsRealTime => false;

    public abstract ValueTask DelayAsync(TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>A clock for one parallel branch, starting now.</summary>
    public abstract RunClock Fork();

    /// <summary>After a parallel: continue from the moment its join completed.</summary>
    public abstract void JoinAt(TimeSpan elapsed);
}

/// <summary>Simulated time: delays complete at once and move the clock forward. It is also a
/// <see cref="TimeProvider"/>, so anything that asks for the time sees simulated time.</summary>
public sealed class VirtualClock : RunClock
{
    private TimeSpan _elapsed;
    private DateTimeOffset _startedAt;
    private TimeProvider? _provider;

    public VirtualClock(DateTimeOffset? startedAt = null, TimeSpan elapsed = default)
    {
        _startedAt = startedAt ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        _elapsed = elapsed;
    }

    public override TimeSpan Elapsed => _elapsed;

    public override DateTimeOffset StartedAt => _startedAt;

    // Made when first asked for: a run forks a clock per parallel branch, and nothing in a dry run asks.
    public TimeProvider Provider => _provider ??= new VirtualTimeProvider(this);

    public void Advance(TimeSpan duration)
    {
        if (duration > TimeSpan.Zero) _elapsed += duration;
    }

    public void Reset() => _elapsed = TimeSpan.Zero;

    /// <summary>Makes this clock what <c>new VirtualClock(startedAt, elapsed)</c> would be: a Monte Carlo engine reuses
    /// one clock per parallel, foreach and call rather than allocating one per branch, item and call in every run.</summary>
    internal VirtualClock Restart(DateTimeOffset startedAt, TimeSpan elapsed)
    {
        _startedAt = startedAt;
        _elapsed = elapsed;
        return this;
    }

    public override ValueTask DelayAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        Advance(duration);
        return ValueTask.CompletedTask;
    }

    public override RunClock Fork() => new VirtualClock(StartedAt, _elapsed);

    public override void JoinAt(TimeSpan elapsed)
    {
        if (elapsed > _elapsed) _elapsed = elapsed;
    }

    private sealed class VirtualTimeProvider(VirtualClock clock) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => clock.Now;
    }
}

/// <summary>Real time, from a <see cref="TimeProvider"/> (the system's, or a fake one in tests). A resumed
/// run keeps the start of the run it continues, so the time it was down counts against its deadlines
/// and its RTO.</summary>
public sealed class SystemRunClock : RunClock
{
    private readonly TimeProvider _time;

    public SystemRunClock(TimeProvider? time = null, DateTimeOffset? startedAt = null)
    {
        _time = time ?? TimeProvider.System;
        StartedAt = startedAt ?? _time.GetUtcNow();
    }

    public TimeProvider Time => _time;

    public override TimeSpan Elapsed => _time.GetUtcNow() - StartedAt;

    public override DateTimeOffset StartedAt { get; }

    public override bool IsRealTime => true;

    public override async ValueTask DelayAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        if (duration > TimeSpan.Zero) await Task.Delay(duration, _time, cancellationToken).ConfigureAwait(false);
        else cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Branches share real time.</summary>
    public override RunClock Fork() => this;

    public override void JoinAt(TimeSpan elapsed)
    {
        // Real time has already moved on to the join.
    }
}
