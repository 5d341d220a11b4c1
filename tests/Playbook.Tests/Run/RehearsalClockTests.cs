using Playbook.EngineCore;
using Xunit;

namespace Playbook.Tests.RealRuns;

/// <summary>The rehearsal clock: real time passes for real steps, simulated delays move it without waiting.</summary>
public class RehearsalClockTests
{
    [Fact]
    public async Task Simulated_delays_add_to_real_time_without_waiting()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 12, 5, 20, 0, 0, TimeSpan.Zero));
        var clock = new RehearsalClock(time);

        time.Advance(TimeSpan.FromSeconds(3)); // a real step took 3 s
        var delay = clock.DelayAsync(TimeSpan.FromMinutes(10), CancellationToken.None); // a simulated step

        Assert.True(delay.IsCompleted);
        Assert.Equal(TimeSpan.FromSeconds(603), clock.Elapsed);
        Assert.Equal(TimeSpan.FromMinutes(10), clock.Simulated);

        // A branch continues from now; after the join the clock is at the later of the two.
        var branch = clock.Fork();
        await branch.DelayAsync(TimeSpan.FromMinutes(5), CancellationToken.None);
        clock.JoinAt(branch.Elapsed);
        Assert.Equal(TimeSpan.FromSeconds(903), clock.Elapsed);
        clock.JoinAt(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(903), clock.Elapsed);
    }
}

/// <summary>Time that moves only when told: what a real step's duration would be.</summary>
internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public void Advance(TimeSpan by) => _now += by;

    public override DateTimeOffset GetUtcNow() => _now;
}
