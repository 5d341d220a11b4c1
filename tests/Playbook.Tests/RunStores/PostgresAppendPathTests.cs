using Npgsql;
using Playbook.Journal;
using Playbook.LiveRuns;
using Playbook.RunStores;
using Xunit;

namespace Playbook.Tests.RunStores;

/// <summary>The PostgreSQL append path (<see cref="PostgresAppender"/>): a connection held for a run's appends, and the
/// records announced by their writer after the commit instead of by a trigger inside it (migration 4).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAppendPathTests : IDisposable
{
    private static readonly LeaseOwner Alpha = new("alpha", 4001, new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
    private static readonly JournalContents Empty = new([], 0, null);

    private readonly PostgresServerFixture _server;
    private readonly string _database;
    private readonly PostgresLocation _location;
    private readonly string _local = Path.Combine(Path.GetTempPath(), "playbook-pgappend-" + Guid.NewGuid().ToString("N"));

    public PostgresAppendPathTests(PostgresServerFixture server)
    {
        _server = server;
        _database = server.NewDatabase();
        _location = PostgresLocation.Parse(server.Url(_database), out _)!;
    }

    private static void Record(JournalWriter writer, string type, int n, bool durable = true) =>
        writer.Append(type, w => w.WriteNumber("n", n), durable);

    private static List<int> Numbers(JournalContents contents) =>
        contents.Records.Select(r => r.Body.GetProperty("n").GetInt32()).ToList();

    [Fact]
    public void A_connection_cut_between_appends_stops_the_writer_and_keeps_every_acknowledged_record()
    {
        using var store = PostgresRunStore.Open(_location, _local);
        var runId = JournaledRunId.Next();
        var lease = store.TryCreate(runId, Alpha)!;
        var writer = store.OpenWriter(lease, Empty);
        Record(writer, "run-started", 1);
        Record(writer, "bookkeeping", 2, durable: false);
        Record(writer, "step", 3);

        // The writer's own connection is cut while it waits for its next record (a restart, a network drop, an admin).
        Assert.True(Terminate() >= 1, "no playbook connection was open to cut");
        var failed = Assert.Throws<RunStoreException>(() => Record(writer, "step", 4));
        Assert.Contains(store.Location, failed.Message, StringComparison.Ordinal);
        // The runner stops: its writer appends nothing more after a failure.
        Assert.Throws<IOException>(() => Record(writer, "step", 5));
        writer.Dispose();

        // Everything acknowledged is there, the failed record is not, and the run goes on where it stopped.
        var contents = ReadBack(store, runId);
        Assert.Null(contents.Damage);
        Assert.Equal([1, 2, 3], Numbers(contents));
        using (var resumed = store.OpenWriter(lease, contents))
        {
            Record(resumed, "run-resumed", 4);
            Record(resumed, "step", 5);
        }
        Assert.Equal([1, 2, 3, 4, 5], Numbers(ReadBack(store, runId)));
    }

    [Fact]
    public async Task A_version_3_store_is_refused_until_migrated_then_a_listener_hears_each_append_after_its_commit()
    {
        // A store made by the previous program: migrations 1-3, the records' notification a trigger inside the insert.
        PostgresRunStore.Open(_location, _local).Dispose();
        Sql("""
            CREATE TRIGGER playbook_records_notify AFTER INSERT ON playbook_records
                FOR EACH ROW EXECUTE FUNCTION playbook_notify_run('playbook_records');
            DELETE FROM playbook_schema WHERE version = 4;
            """);
        var refused = Assert.Throws<RunStoreException>(() => PostgresRunStore.Open(_location, _local));
        Assert.Contains("version 3", refused.Message, StringComparison.Ordinal);
        Assert.Contains("store migrate", refused.Message, StringComparison.Ordinal);

        Assert.Equal([4], PostgresRunStore.Migrate(_location));
        Assert.Equal(0L, Sql("SELECT count(*) FROM pg_trigger WHERE tgname = 'playbook_records_notify'"));
        Assert.Empty(PostgresRunStore.Migrate(_location));

        using var store = PostgresRunStore.Open(_location, _local);
        var runId = JournaledRunId.Next();
        var lease = store.TryCreate(runId, Alpha)!;
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // What a listener can read when it is told: the record announced must already be committed.
        var heard = new TaskCompletionSource<List<int>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var listen = store.ListenAsync(PostgresRunStore.RecordsChannel,
            payload => { if (payload == runId) heard.TrySetResult(Numbers(store.ReadContents(runId)!)); },
            () => listening.TrySetResult(), stop.Token);
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));

        using (var writer = store.OpenWriter(lease, Empty))
        {
            Record(writer, "bookkeeping", 1, durable: false);
            Record(writer, "step", 2);
            Assert.Equal([1, 2], await heard.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        }
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listen);
    }

    /// <summary>Reads the run back; a pooled connection the cut also closed fails once and is not reused.</summary>
    private static JournalContents ReadBack(PostgresRunStore store, string runId)
    {
        return store.ReadContents(runId)!;
    }

    /// <summary>Cuts every connection the store opened to this database and waits until their backends are gone.</summary>
    private long Terminate() =>
        Sql("""
            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 60000)) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'playbook'
            """);

    private long Sql(string sql)
    {
        using var connection = new NpgsqlConnection(_server.ConnectionString(_database));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar() is long n ? n : 0;
    }

    public void Dispose()
    {
        if (Directory.Exists(_local)) Directory.Delete(_local, recursive: true);
    }
}
