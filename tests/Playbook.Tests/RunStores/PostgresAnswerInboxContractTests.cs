using Npgsql;
using Playbook.RunStores;
using Xunit;

namespace Playbook.Tests.RunStores;

/// <summary>The inbox contract on a real PostgreSQL, and what only the shared inbox does: an answer to no run is
/// refused, the notification carries the run id and never the comment, a runner that hears no notification still
/// takes the answer by polling, and one whose server restarted while it waited takes an answer posted after.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAnswerInboxContractTests : AnswerInboxContract
{
    private static readonly LeaseOwner Alpha = new("alpha", 4001, new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));

    private readonly PostgresServerFixture _server;
    private readonly string _database;
    private readonly PostgresRunStore _store;
    private readonly IAnswerInbox _inbox;
    private readonly string _local = Path.Combine(Path.GetTempPath(), "playbook-pginbox-" + Guid.NewGuid().ToString("N"));

    private readonly Xunit.Abstractions.ITestOutputHelper output;

    public PostgresAnswerInboxContractTests(PostgresServerFixture server, Xunit.Abstractions.ITestOutputHelper output)
    {
        this.output = output;
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
        var waiting = polling.WaitAsync(run, "gate", 0, limit.Token);
        await Task.Delay(100, limit.Token);
        var posted = Answer(run) with { At = DateTimeOffset.UtcNow };
        _inbox.Post(posted);
        Assert.Equal(posted.Outcome, (await waiting).Outcome);
    }

    /// <summary>How long a post takes to reach a waiting runner, with LISTEN/NOTIFY and with the poll alone (the
    /// fallback), measured in the same run; printed, and the poll never loses an answer.</summary>
    [Fact]
    public async Task Notified_and_polling_runners_both_take_every_answer_and_the_latencies_are_printed()
    {
        var polling = new PostgresAnswerInbox(_store, null) { PollOnly = true };
        foreach (var (name, inbox) in new[] { ("LISTEN/NOTIFY", _inbox), ("poll only", (IAnswerInbox)polling) })
        {
            var took = new List<double>();
            for (var i = 0; i < 10; i++)
            {
                var run = NewRun();
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                var waiting = inbox.WaitAsync(run, "gate", 0, limit.Token);
                // Posted once the waiter has settled into its wait, as an approver would some time later.
                await Task.Delay(300, limit.Token);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                _inbox.Post(Answer(run, $"answer {i}"));
                Assert.Equal($"answer {i}", (await waiting).Comment);
                took.Add(clock.Elapsed.TotalMilliseconds);
            }
            took.Sort();
            output.WriteLine($"{name}: post to taken, 10 answers: median {took[4]:F0} ms, max {took[^1]:F0} ms");
        }
    }

    [Fact]
    public async Task A_runner_waiting_through_a_server_restart_takes_an_answer_posted_after_it()
    {
        var run = NewRun();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var waiting = _inbox.WaitAsync(run, "gate", 0, limit.Token);
        _server.Restart();
        Assert.False(waiting.IsCompleted);
        // A pooled connection the restart closed fails once and is dropped: a poster (a new process, in life) tries again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _inbox.Post(Answer(run, "after the restart"));
                break;
            }
            catch (RunStoreException) when (attempt < 20)
            {
                await Task.Delay(200, limit.Token);
            }
        }
        Assert.Equal("after the restart", (await waiting).Comment);
    }

    public override void Dispose()
    {
        base.Dispose();
        _store.Dispose();
        if (Directory.Exists(_local)) Directory.Delete(_local, recursive: true);
    }
}
