using Playbook.Text;

namespace Playbook.Timing;

/// <summary>A worst-case duration: finite, or unbounded with the reason why.</summary>
public readonly record struct TimeBound(TimeSpan Value, string? UnboundedBecause)
{
    public static TimeBound Zero => new(TimeSpan.Zero, null);

    public static TimeBound Of(TimeSpan value) => new(value, null);

    public static TimeBound Unbounded(string because) => new(TimeSpan.MaxValue, because);

    public bool IsUnbounded => UnboundedBecause is not null;

    public static TimeBound operator +(TimeBound a, TimeBound b) =>
        a.IsUnbounded ? a : b.IsUnbounded ? b : Of(a.Value + b.Value);

    public TimeBound Min(TimeSpan cap) => IsUnbounded || Value > cap ? Of(cap) : this;

    public static TimeBound Max(TimeBound a, TimeBound b) =>
        a.IsUnbounded ? a : b.IsUnbounded ? b : a.Value >= b.Value ? a : b;

    public override string ToString() => IsUnbounded ? "unbounded" : DurationText.Format(Value);
}
