using System.Diagnostics;
using Npgsql;
using Playbook.RunStores;
using Playbook.Tests.RealRuns;
using Xunit;
using Xunit.Abstractions;

namespace Playbook.Tests.RunStores;

/// <summary>Shared approvals end to end with the real CLI and a real PostgreSQL: a run started on host "a" waits on a
/// manual step with nobody at its terminal; <c>playbook answer --store</c> on host "b" (PLAYBOOK_HOST, its own local
/// directory) approves it; the runner learns of it at once (LISTEN/NOTIFY), the run reaches its end, and the records
/// and the report say who answered and from where. Prints how long the runner took to journal the answer.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAnswerEndToEndTests(PostgresServerFixture server, ITestOutputHelper output)
{
    private static Dictionary<string, string?> Host(string url, string host, string user) =>
        new() { ["PLAYBOOK_STORE"] = url, ["PLAYBOOK_HOST"] = host, ["USER"] = user, ["PLAYBOOK_SECRET_TOKEN"] = "hunter2-secret" };

    [Fact]
    public async Task An_answer_from_another_host_reaches_the_waiting_runner_which_journals_who_and_from_where()
    {
        using var work = new RunWorkspace("answer-gate");
        var database = server.NewDatabase();
        var url = server.Url(database);
        foreach (var (name, value) in Host(url, "a", "alice")) work.Environment[name] = value;
        var b = Host(url, "b", "bob");
        using var store = PostgresRunStore.Open(PostgresLocation.Parse(url, out _)!, Path.Combine(work.Directory, "probe"));

        using var running = work.Start("answer-gate");
        var runId = await UntilAsync(() => store.List().SingleOrDefault(r => r.Run.Records.Any(x => x.Type == "attempt-started" && x.Body.GetProperty("state").GetString() == "gate"))?.Run.RunId,
            "the run to wait on its manual step", running);

        // Refused with one clear line, nothing posted: a step it is not waiting on, a run the store does not hold.
        var wrongStep = CliProcess.Run(work.Directory, b, "answer", runId, "prepare", "approve", "--journal", "b-local");
        Assert.Equal(1, wrongStep.Exit);
        Assert.Contains($"run {runId} is not waiting on 'prepare': it is waiting on 'gate'", wrongStep.Err);
        var unknown = CliProcess.Run(work.Directory, b, "answer", "20200101-000000-0000", "gate", "approve", "--journal", "b-local");
        Assert.Equal(1, unknown.Exit);
        Assert.Contains($"no run '20200101-000000-0000' in {store.Location}", unknown.Err);

        var answered = CliProcess.Run(work.Directory, b, "answer", runId, "gate", "approve", "--comment", "replica lag checked <b>ok</b>; token hunter2-secret", "--journal", "b-local");
        var answerExited = DateTimeOffset.UtcNow;
        output.WriteLine(answered.ToString());
        Assert.True(answered.Exit == 0, answered.ToString());
        Assert.Contains($"answered 'gate' of run {runId}: approve as bob@b, from terminal b pid ", answered.Out);

        var run = running.Finish();
        output.WriteLine(run.ToString());
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("ended at 'approved' (success)", run.Out);
        Assert.Contains($"playbook answer {runId} gate approve (or reject) --store {store.Location}", run.Out);

        var journaled = store.Read(runId)!;
        var record = Assert.Single(journaled.Records, r => r.Type == "answered");
        Assert.Equal("approve", record.Body.GetProperty("answer").GetString());
        Assert.Equal("bob@b", record.Body.GetProperty("who").GetString());
        Assert.StartsWith("terminal b pid ", record.Body.GetProperty("from").GetString(), StringComparison.Ordinal);
        Assert.Equal("replica lag checked <b>ok</b>; token ***", record.Body.GetProperty("comment").GetString());
        // The run was driven on host a throughout: the answer moved it, not a takeover.
        Assert.Equal("a", store.LeaseOf(runId).Holder!.Host);
        Assert.DoesNotContain(journaled.Records, r => r.Type == "run-resumed");

        // How long from the answer being posted (the database's row) to the runner's record of it.
        var posted = PostedAt(database, runId);
        output.WriteLine($"answer posted {posted:O}; answer process exited {answerExited:O}; runner journaled it {record.At:O}: " +
            $"{(record.At - posted).TotalMilliseconds:F0} ms after the post, {(record.At - answerExited).TotalMilliseconds:F0} ms after the answer process exited");

        var report = CliProcess.Run(work.Directory, b, "report", runId, "--journal", "b-local", "--format", "html");
        Assert.True(report.Exit == 0, report.ToString());
        Assert.Contains("bob@b", report.Out);
        Assert.Contains("terminal b pid ", report.Out);
        Assert.Contains("replica lag checked &lt;b&gt;ok&lt;/b&gt;; token ***", report.Out);
        Assert.DoesNotContain("hunter2-secret", report.Out);

        var again = CliProcess.Run(work.Directory, b, "answer", runId, "gate", "reject", "--journal", "b-local");
        Assert.Equal(1, again.Exit);
        Assert.Contains($"run {runId} already ended (success): there is nothing to answer", again.Err);
    }

    [Fact]
    public void A_store_that_cannot_be_reached_is_one_clear_line_and_nothing_is_answered()
    {
        using var work = new RunWorkspace("answer-gate");
        var env = Host($"postgres://nobody@127.0.0.1:{FreePort()}/none", "b", "bob");
        var answered = CliProcess.Run(work.Directory, env, "answer", "20200101-000000-0000", "gate", "approve");
        Assert.Equal(2, answered.Exit);
        Assert.Contains("playbook: cannot use the store postgres://nobody@127.0.0.1:", Assert.Single(answered.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private DateTimeOffset PostedAt(string database, string runId)
    {
        using var connection = new NpgsqlConnection(server.ConnectionString(database));
        connection.Open();
        using var command = new NpgsqlCommand("SELECT posted_at FROM playbook_answers WHERE run_id = @run", connection);
        command.Parameters.AddWithValue("run", runId);
        return (DateTimeOffset)(DateTime)command.ExecuteScalar()!;
    }

    private static async Task<string> UntilAsync(Func<string?> found, string what, CliProcess.Running running)
    {
        var clock = Stopwatch.StartNew();
        string? value;
        while ((value = found()) is null)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(120))
            {
                running.Kill();
                Assert.Fail($"waited 120 s for {what}:\n{running.Finish()}");
            }
            await Task.Delay(50);
        }
        return value;
    }
}
