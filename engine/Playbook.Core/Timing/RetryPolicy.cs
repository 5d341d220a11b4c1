using Playbook.Syntax;

namespace Playbook.Timing;

/// <summary>How a step is retried. <c>retry K</c> means up to K further attempts after the first; the
/// delay before retry n (1-based) is <c>Backoff × Factor^(n−1)</c>, capped at <c>Max</c>; with jitter the
/// actual wait is drawn uniformly from [0, delay] (full jitter). This is the one place that arithmetic
/// lives: the checker's worst case, the simulator and the runner all call <see cref="DelayBefore"/>.</summary>
public sealed record RetryPolicy(int Retries, TimeSpan Backoff, double Factor, TimeSpan? Max, bool Jitter)
{
    public static RetryPolicy None { get; } = new(0, TimeSpan.Zero, 1, null, false);

    public int MaxAttempts => Retries + 1;

    public static RetryPolicy From(RetrySyntax? syntax)
    {
        if (syntax is null) return None;
        var retries = (int)Math.Clamp(syntax.Count.Value, 0, 1_000);
        return new RetryPolicy(
            retries,
            syntax.Backoff?.Value ?? TimeSpan.Zero,
            syntax.Factor?.Value ?? 1,
            syntax.Max?.Value,
            syntax.Jitter);
    }

    /// <summary>The delay before retry <paramref name="retry"/> (1 = the second attempt), before jitter.</summary>
    public TimeSpan DelayBefore(int retry)
    {
        if (retry < 1 || Backoff <= TimeSpan.Zero) return TimeSpan.Zero;
        var ms = Backoff.TotalMilliseconds * Math.Pow(Factor, retry - 1);
        if (Max is { } max && ms > max.TotalMilliseconds) ms = max.TotalMilliseconds;
        // Guard against factors that overflow TimeSpan when no max is given.
        ms = Math.Min(ms, TimeSpan.MaxValue.TotalMilliseconds / 4);
        return TimeSpan.FromMilliseconds(Math.Round(ms));
    }

    /// <summary>The wait actually used before retry n: the delay, or with jitter a uniform draw in [0, delay].</summary>
    public TimeSpan WaitBefore(int retry, Random random)
    {
        var delay = DelayBefore(retry);
        if (!Jitter || delay == TimeSpan.Zero) return delay;
        return TimeSpan.FromTicks((long)(random.NextDouble() * delay.Ticks));
    }

    /// <summary>The sum of every delay when all retries are used (jitter at its upper bound).</summary>
    public TimeSpan TotalDelay()
    {
        var total = TimeSpan.Zero;
        for (var n = 1; n <= Retries; n++) total += DelayBefore(n);
        return total;
    }
}
