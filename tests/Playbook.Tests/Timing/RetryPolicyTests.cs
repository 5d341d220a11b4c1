using Playbook.Timing;
using Xunit;

namespace Playbook.Tests.Timing;

public class RetryPolicyTests
{
    [Fact]
    public void Delays_double_from_the_backoff_and_stop_at_max()
    {
        var policy = new RetryPolicy(5, TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(8), Jitter: false);
        var delays = Enumerable.Range(1, 5).Select(n => policy.DelayBefore(n).TotalSeconds);
        Assert.Equal(new[] { 1.0, 2, 4, 8, 8 }, delays);
        Assert.Equal(6, policy.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(23), policy.TotalDelay());
    }

    [Fact]
    public void No_backoff_means_retry_at_once()
    {
        var policy = new RetryPolicy(3, TimeSpan.Zero, 1, null, false);
        Assert.All(Enumerable.Range(1, 3), n => Assert.Equal(TimeSpan.Zero, policy.DelayBefore(n)));
    }

    [Fact]
    public void Jitter_draws_within_zero_and_the_delay_and_repeats_with_the_seed()
    {
        var policy = new RetryPolicy(3, TimeSpan.FromSeconds(4), 2, null, Jitter: true);
        var first = Enumerable.Range(1, 3).Select(n => policy.WaitBefore(n, new Random(42 + n))).ToList();
        var again = Enumerable.Range(1, 3).Select(n => policy.WaitBefore(n, new Random(42 + n))).ToList();
        Assert.Equal(first, again);
        var random = new Random(7);
        for (var i = 0; i < 1000; i++)
        {
            var wait = policy.WaitBefore(2, random);
            Assert.InRange(wait, TimeSpan.Zero, TimeSpan.FromSeconds(8));
        }
    }

    [Fact]
    public void A_huge_factor_without_max_does_not_overflow()
    {
        var policy = new RetryPolicy(100, TimeSpan.FromSeconds(1), 100, null, false);
        Assert.True(policy.DelayBefore(100) > TimeSpan.FromDays(1));
    }
}
