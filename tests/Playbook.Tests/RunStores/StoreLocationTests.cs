using Playbook.RunStores;
using Xunit;

namespace Playbook.Tests.RunStores;

/// <summary>A store URL's password never reaches a message, and a bad URL is one clear line.</summary>
public sealed class StoreLocationTests
{
    private const string Password = "s3cr3t-Pa55";

    [Fact]
    public void The_display_and_every_error_leave_the_password_out()
    {
        var location = PostgresLocation.Parse($"postgres://ops:{Password}@127.0.0.1:1/playbook?lease=10s", out var problem);
        Assert.Null(problem);
        Assert.Equal("postgres://ops@127.0.0.1:1/playbook", location!.Display);
        Assert.Equal(TimeSpan.FromSeconds(10), location.Lease);

        // Port 1 on loopback: nothing listens, the connection is refused.
        var store = RunStore.Open($"postgres://ops:{Password}@127.0.0.1:1/playbook", Path.GetTempPath(), out problem);
        Assert.Null(store);
        Assert.StartsWith("cannot use the store postgres://ops@127.0.0.1:1/playbook: ", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, problem, StringComparison.Ordinal);

        Assert.Null(RunStore.Open($"mysql://ops:{Password}@db/x", Path.GetTempPath(), out problem));
        Assert.Contains("mysql://ops:***@db/x", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://ops@db/x?lease=0s", "?lease=0s: give a duration from 1s to 1h")]
    [InlineData("postgres://ops@db/x?pool=5", "?pool: not a store option")]
    [InlineData("postgres:///x", "a PostgreSQL store is written postgres://")]
    public void A_bad_url_says_what_is_wrong(string url, string expected)
    {
        Assert.Null(PostgresLocation.Parse(url, out var problem));
        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }
}
