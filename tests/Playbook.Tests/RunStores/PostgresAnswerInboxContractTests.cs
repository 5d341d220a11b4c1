using Npgsql;
using Playbook.RunStores;
using Xunit;

namespace Playbook.Tests.RunStores;

/// <summary>The inbox contract on a real PostgreSQL, and what only the shared inbox does: an answer to no run is
/// refused, the notification carries the run id and never the comment, and a runner that hears no notification (its
/// connection was down when the answer was posted) still takes the answer by polling.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAnswerInboxContractTests : AnswerInboxContract
{
    private static readonly LeaseOwner Alpha = new("alpha", 4001, new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));

    private readonly PostgresServerFixture _server;
    private readonly string _database;
    private readonly PostgresRunStore _store;
    private readonly IAnswerInbox _inbox;
    private readonly string _local = Path.Combine(Path.GetTempPath(), "playbook-pginbox-" + Guid.NewGuid().ToString("N"));

    public PostgresAnswerInboxContractTests(PostgresServerFixture server)
    {
        _server = server;
        _database = server.NewDatabase();
        _store = PostgresRunStore.Open(PostgresLocation.Parse(server.Url(_database), out _)!, _local);
        _inbox = _store.Inbox(Warnings.Add);
    }

    protected override IAnswerInbox Inbox => _inbox;

    protected override string NewRun()
    {
        var runId = JournaledRunId.Next();
        Assert.NotNull(_store.TryCreate(runId, Alpha));
        return runId;
    }

    protected override void PlantMalformed(string runId) => Sql(
        "INSERT INTO playbook_answers (run_id, address, outcome, who, from_where, posted_at) VALUES (@run, 'gate', 'maybe', 'x', 'y', now() - interval '1 minute')",
        ("run", runId));

    private int Sql(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new NpgsqlConnection(_server.ConnectionString(_database));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command.ExecuteNonQuery();
    }

    private static PostedAnswer Answer(string runId, string? comment = null) =>
        new(runId, "gate", "approve", "bob@b", "terminal b pid 7", DateTimeOffset.UtcNow, comment);

    [Fact]
    public void An_answer_to_a_run_the_store_does_not_hold_is_refused_and_not_kept()
    {
        var e = Assert.Throws<RunStoreException>(() => _inbox.Post(Answer("20200101-000000-dead")));
        Assert.Contains("no run '20200101-000000-dead'", e.Message);
        Assert.Equal(0, Sql("UPDATE playbook_answers SET who = who"));
    }

    [Fact]
    public async Task The_notification_of_a_post_carries_the_run_id_and_never_the_comment()
    {
        var run = NewRun();
        await using var listener = new NpgsqlConnection(_server.ConnectionString(_database));
        await listener.OpenAsync();
        var payloads = new List<string>();
        listener.Notification += (_, e) => payloads.Add(e.Channel + ":" + e.Payload);
        await using (var listen = new NpgsqlCommand("LISTEN playbook_answers", listener)) await listen.ExecuteNonQueryAsync();

        _inbox.Post(Answer(run, "the secret plan is hunter2"));

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (payloads.Count == 0) await listener.WaitAsync(limit.Token);
        Assert.Equal(["playbook_answers:" + run], payloads);
    }

    [Fact]
    public async Task A_runner_that_hears_no_notification_takes_the_answer_by_polling()
    {
        var run = NewRun();
        var polling = new PostgresAnswerInbox(_store, null) { PollOnly = true };
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var waiting = polling.WaitAsync(run, "gate", DateTimeOffset.UtcNow.AddSeconds(-1), limit.Token);
        await Task.Delay(100, limit.Token);
        var posted = Answer(run) with { At = DateTimeOffset.UtcNow };
        _inbox.Post(posted);
        Assert.Equal(posted.Outcome, (await waiting).Outcome);
    }

    public override void Dispose()
    {
        base.Dispose();
        _store.Dispose();
        if (Directory.Exists(_local)) Directory.Delete(_local, recursive: true);
    }
}
