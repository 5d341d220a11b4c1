using System.Diagnostics;
using System.Net;
using Npgsql;
using Playbook.RunStores;
using Playbook.Tests.Web;
using Playbook.Web;
using Playbook.Web.Auth;
using Xunit;
using Xunit.Abstractions;

namespace Playbook.Tests.RunStores;

/// <summary><c>playbook serve --store</c>: the console reads runs through the PostgreSQL store (its journal directory is
/// empty), shows a run waiting at its manual step, streams a record the runner appends to the store to the open page
/// (woken by the store's NOTIFY), and an approval goes to the store's answers table with who and from where.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresConsoleTests(PostgresServerFixture server, ITestOutputHelper output)
{
    [Fact]
    public async Task A_console_over_the_store_lists_and_streams_the_run_and_posts_an_approval_to_the_store()
    {
        using var site = new ConsoleSite();
        var database = server.NewDatabase();
        var local = Path.Combine(site.Directory, "empty-journal");
        Directory.CreateDirectory(local);
        using var store = PostgresRunStore.Open(PostgresLocation.Parse(server.Url(database), out _)!, local);
        var lease = Assert.IsType<RunLease>(store.TryCreate(ConsoleSite.RunId, LeaseOwner.Current()));
        // The very lines a runner journaled, as the store keeps them: one row per record.
        CopyRecords(site.JournalPath, database);
        var options = new WebConsoleOptions
        {
            JournalDirectory = local,
            Store = store,
            Users = UsersFile.Open(site.UsersPath),
            PlaybooksDirectory = site.Directory,
            Answers = store.Inbox(),
        };
        await using var console = await KestrelConsole.StartAsync(options);
        var client = await console.SignedInAsync(site.ApproverToken);

        var list = await client.GetStringAsync("/");
        Assert.Contains(ConsoleSite.RunId, list);
        var page = await client.GetStringAsync($"/runs/{ConsoleSite.RunId}");
        Assert.Contains("Waiting for an answer", page);
        Assert.Contains("value=\"approve\"", page);

        // A record the runner appends to the store arrives on the open event stream.
        var contents = store.ReadContents(ConsoleSite.RunId)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await client.GetAsync($"/runs/{ConsoleSite.RunId}/events?after={contents.NextSeq - 1}", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        // The stream is open (its first event) before the runner appends.
        while (await reader.ReadLineAsync(timeout.Token) is { } opened && opened != "event: open") { }
        var clock = Stopwatch.StartNew();
        using (var writer = store.OpenWriter(lease, contents))
            writer.Append("notified", j => { j.WriteString("flow", ""); j.WriteString("state", ConsoleSite.Address); j.WriteString("message", "paged the <b>DBA</b>"); });
        var appended = clock.Elapsed;
        string? line;
        while ((line = await reader.ReadLineAsync(timeout.Token)) is not null && !line.Contains("paged the", StringComparison.Ordinal)) { }
        output.WriteLine($"appended in {appended.TotalMilliseconds:F0} ms; on the open page {(clock.Elapsed - appended).TotalMilliseconds:F0} ms later (the poll alone would take up to 1000 ms)");
        Assert.NotNull(line);
        Assert.Contains("\\u003Cb\\u003EDBA\\u003C/b\\u003E", line);

        var csrf = await ConsoleFactory.CsrfAsync(client, $"/runs/{ConsoleSite.RunId}");
        var post = await client.PostAsync($"/runs/{ConsoleSite.RunId}/answer",
            ConsoleFactory.Form(("__csrf", csrf), ("address", ConsoleSite.Address), ("outcome", "approve"), ("comment", "go <now>")));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        var answer = Assert.Single(store.Inbox().Read(ConsoleSite.RunId));
        Assert.Equal(("approve", "alice", "go <now>", ConsoleSite.Address), (answer.Outcome, answer.Who, answer.Comment, answer.Address));
        Assert.StartsWith("web ", answer.From, StringComparison.Ordinal);

        // A run the store does not hold is not found, whatever the journal directory has.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/runs/20990101-000000-0000")).StatusCode);
        store.Release(lease);
    }

    private void CopyRecords(string journalPath, string database)
    {
        var bytes = File.ReadAllBytes(journalPath);
        using var connection = new NpgsqlConnection(server.ConnectionString(database));
        connection.Open();
        long seq = 0;
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n') continue;
            using var command = new NpgsqlCommand("INSERT INTO playbook_records (run_id, seq, line, epoch) VALUES (@run, @seq, @line, 1)", connection);
            command.Parameters.AddWithValue("run", ConsoleSite.RunId);
            command.Parameters.AddWithValue("seq", ++seq);
            command.Parameters.AddWithValue("line", bytes[start..(i + 1)]);
            command.ExecuteNonQuery();
            start = i + 1;
        }
        Assert.True(seq >= 5, $"the site's journal has {seq} records");
    }
}
