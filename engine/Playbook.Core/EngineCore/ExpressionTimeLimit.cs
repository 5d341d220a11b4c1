using Jint;

namespace Playbook.EngineCore;

/// <summary>Bounds how long one JavaScript expression may run. Jint's own time limit reads a
/// high-resolution clock at every evaluation (measured at ~15% of a Monte Carlo run); this one reads the
/// coarse millisecond tick count, which costs next to nothing, and is checked as statements run. It also
/// stops the expression when the run is stopped (Ctrl+C, SIGTERM) or a <c>script</c> step times out.</summary>
internal sealed class ExpressionTimeLimit(TimeSpan limit) : Constraint
{
    private readonly long _limitMs = (long)limit.TotalMilliseconds;
    private long _deadline;

    /// <summary>Off while the engine freezes its built-ins: that one-time setup is not an expression, and
    /// on a loaded machine it may take longer than one is allowed.</summary>
    public bool Paused { get; set; }

    /// <summary>The cancellation of the evaluation about to run.</summary>
    public CancellationToken Cancellation { get; set; }

    public override void Reset() => _deadline = Environment.TickCount64 + _limitMs;

    public override void Check()
    {
        if (Paused) return;
        if (Environment.TickCount64 > _deadline)
            throw new TimeoutException($"the expression ran longer than {_limitMs} ms");
        Cancellation.ThrowIfCancellationRequested();
    }
}
