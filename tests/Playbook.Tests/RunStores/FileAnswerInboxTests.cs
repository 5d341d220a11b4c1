using Playbook.RunStores;
using Xunit;

namespace Playbook.Tests.RunStores;

/// <summary>The file store's answer inbox: private files, posting order, bad files skipped with a warning, and a
/// waiting runner woken by a post (and taking one posted before it waited).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileAnswerInboxTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "playbook-inbox-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> _warnings = [];

    private FileAnswerInbox Inbox() => new(_directory, _warnings.Add);

    private static PostedAnswer Answer(string outcome = "approve", string who = "alice@host", string address = "gate", DateTimeOffset? at = null, string? comment = null) =>
        new("20261206-101010-abcd", address, outcome, who, "terminal host pid 42", at ?? DateTimeOffset.UtcNow, comment);

    [Fact]
    public void Posted_answers_are_read_back_in_posting_order_from_private_files_whatever_the_posters_clocks_say()
    {
        var inbox = Inbox();
        // Posted second, by a terminal whose clock is an hour behind: still after the first, with the next id.
        var first = inbox.Post(Answer("reject", "bob@host"));
        var second = inbox.Post(Answer(who: "alice@host", at: DateTimeOffset.UtcNow.AddHours(-1), comment: "line one\nline two"));

        Assert.Equal([first, second], inbox.Read(first.RunId));
        Assert.Equal([1L, 2L], inbox.Read(first.RunId).Select(a => a.Id));
        var folder = inbox.DirectoryOf(first.RunId);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        Assert.All(Directory.GetFiles(folder), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1, 2]")]
    [InlineData("{\"run\":\"20261206-101010-abcd\",\"address\":\"gate\",\"outcome\":\"maybe\",\"who\":\"x\",\"from\":\"y\",\"at\":\"2026-12-06T10:10:10.0000000Z\"}")]
    [InlineData("{\"run\":\"another-run\",\"address\":\"gate\",\"outcome\":\"approve\",\"who\":\"x\",\"from\":\"y\",\"at\":\"2026-12-06T10:10:10.0000000Z\"}")]
    [InlineData("{\"run\":\"20261206-101010-abcd\",\"address\":\"gate\",\"outcome\":\"approve\",\"who\":\"\",\"from\":\"y\",\"at\":\"2026-12-06T10:10:10.0000000Z\"}")]
    [InlineData("{\"run\":\"20261206-101010-abcd\",\"address\":\"gate\",\"outcome\":\"approve\",\"who\":\"x\",\"from\":\"y\",\"at\":\"yesterday\"}")]
    [InlineData("{\"run\":\"20261206-101010-abcd\",\"address\":\"gate\",\"outcome\":\"approve\",\"who\":\"x\",\"from\":\"y\",\"at\":\"2026-12-06T10:10:10.0000000Z\",\"comment\":42}")]
    public void A_malformed_answer_file_is_skipped_with_one_warning_and_the_good_ones_are_still_read(string content)
    {
        var inbox = Inbox();
        var good = inbox.Post(Answer());
        var bad = Path.Combine(inbox.DirectoryOf(good.RunId), "00000000000000000001-bad.json");
        File.WriteAllText(bad, content);
        File.SetUnixFileMode(bad, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Equal([good], inbox.Read(good.RunId));
        Assert.Equal([good], inbox.Read(good.RunId));
        Assert.Contains(bad, Assert.Single(_warnings));
    }

    [Fact]
    public void A_huge_answer_file_is_not_read()
    {
        var inbox = Inbox();
        var good = inbox.Post(Answer());
        File.WriteAllText(Path.Combine(inbox.DirectoryOf(good.RunId), "00000000000000000001-big.json"), new string(' ', 100_000) + "{}");
        Assert.Equal([good], inbox.Read(good.RunId));
        Assert.Contains("larger than", Assert.Single(_warnings));
    }

    [Fact]
    public void An_inbox_other_users_can_write_is_not_trusted()
    {
        var inbox = Inbox();
        var good = inbox.Post(Answer());
        File.SetUnixFileMode(inbox.DirectoryOf(good.RunId), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        Assert.Empty(inbox.Read(good.RunId));
        Assert.Contains("other users", Assert.Single(_warnings));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("")]
    [InlineData("a/b")]
    public void A_run_id_never_leads_out_of_the_journal_directory(string runId)
    {
        Assert.Throws<ArgumentException>(() => Inbox().Post(Answer() with { RunId = runId }));
        Assert.Throws<ArgumentException>(() => Inbox().Read(runId));
    }

    [Fact]
    public void Posting_refuses_what_no_runner_would_take()
    {
        Assert.Throws<ArgumentException>(() => Inbox().Post(Answer("rerun")));
        Assert.Throws<ArgumentException>(() => Inbox().Post(Answer(comment: new string('x', FileAnswerInbox.MaxCommentLength + 1))));
        Assert.Throws<ArgumentException>(() => Inbox().Post(Answer(who: "evil\u001b[31m")));
        Assert.False(Directory.Exists(_directory) && Directory.EnumerateFiles(_directory, "*.json", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task A_waiting_runner_takes_an_answer_posted_before_it_waited()
    {
        var inbox = Inbox();
        var early = inbox.Post(Answer());
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Assert.Equal(early, await inbox.WaitAsync(early.RunId, "gate", 0, limit.Token));
    }

    [Fact]
    public async Task A_waiting_runner_is_woken_by_a_post_for_its_step_and_not_by_one_for_another()
    {
        var inbox = Inbox();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var waiting = inbox.WaitAsync("20261206-101010-abcd", "gate", 0, limit.Token);
        inbox.Post(Answer(address: "other-step"));
        // Another step's answer does not end the wait; this step's does.
        await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(300), limit.Token));
        Assert.False(waiting.IsCompleted);
        var mine = new FileAnswerInbox(_directory).Post(Answer("reject", "bob@host"));
        Assert.Equal(mine, await waiting);
    }

    [Fact]
    public async Task An_answer_already_taken_is_not_taken_again_and_the_wait_can_be_cancelled()
    {
        var inbox = Inbox();
        var old = inbox.Post(Answer());
        using var stop = new CancellationTokenSource();
        var waiting = inbox.WaitAsync(old.RunId, "gate", old.Id, stop.Token);
        await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.False(waiting.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { }
    }
}
