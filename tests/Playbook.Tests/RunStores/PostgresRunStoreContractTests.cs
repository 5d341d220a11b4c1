using System.Diagnostics;
using Npgsql;
using Playbook.RunStores;
using Xunit;

namespace Playbook.Tests.RunStores;

/// <summary>The contract on a real PostgreSQL (leases of 3 s, so a lapse is quick to wait for).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRunStoreContractTests : RunStoreContract
{
    private readonly PostgresServerFixture _server;
    private readonly string _database;
    private readonly PostgresRunStore _store;
    private readonly string _local = Path.Combine(Path.GetTempPath(), "playbook-pgstore-" + Guid.NewGuid().ToString("N"));

    public PostgresRunStoreContractTests(PostgresServerFixture server)
    {
        _server = server;
        _database = server.NewDatabase();
        _store = PostgresRunStore.Open(PostgresLocation.Parse(server.Url(_database, "3s"), out _)!, _local);
    }

    protected override IRunStore Store => _store;

    protected override bool SaysTakeover => true;

    // A hung or dead runner stops renewing: wait, on the database's clock, until its lease has run out.
    protected override void LetLeaseLapse(RunLease lease)
    {
        var clock = Stopwatch.StartNew();
        while (!_store.LeaseOf(lease.RunId).Expired)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the lease of {lease.RunId} did not run out within 60 s");
            Thread.Sleep(100);
        }
    }

    protected override void Tamper(string runId, long seq)
    {
        using var connection = new NpgsqlConnection(_server.ConnectionString(_database));
        connection.Open();
        using var command = new NpgsqlCommand("""
            UPDATE playbook_records SET line = convert_to(replace(convert_from(line, 'UTF8'), '"n":2', '"n":7'), 'UTF8')
            WHERE run_id = @run AND seq = @seq
            """, connection);
        command.Parameters.AddWithValue("run", runId);
        command.Parameters.AddWithValue("seq", seq);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    /// <summary>A record renews the lease in its own statement: a runner that journals a step's process holds the run
    /// for a full lease from then, so the process's gate (which refuses past half a lease) opens before any takeover.</summary>
    [Fact]
    public void An_append_renews_the_lease_for_a_full_lease()
    {
        var runId = "pg-renew-" + Guid.NewGuid().ToString("N")[..8];
        var lease = Assert.IsType<RunLease>(_store.TryCreate(runId, new LeaseOwner("alpha", 4001, DateTimeOffset.UnixEpoch)));
        using var writer = _store.OpenWriter(lease, Empty);
        Thread.Sleep(TimeSpan.FromSeconds(2)); // of the 3 s lease, under 1 s is left now

        writer.Append("process-started", w => w.WriteNumber("n", 1), flush: true);

        var state = _store.LeaseOf(runId);
        Assert.True(state.ExpiresAt - state.Now > TimeSpan.FromSeconds(2.5), $"the lease runs out at {state.ExpiresAt:O}, {state.ExpiresAt - state.Now} after the append");
    }

    public override void Dispose()
    {
        base.Dispose();
        _store.Dispose();
        if (Directory.Exists(_local)) Directory.Delete(_local, recursive: true);
    }
}
