using Playbook.RunStores;
using Xunit;

namespace Playbook.Tests.RunStores;

/// <summary>What every answer inbox must do, run against each store's (<see cref="FileAnswerInboxContractTests"/>,
/// <see cref="PostgresAnswerInboxContractTests"/>): answers come back in the order they were posted, a waiting runner
/// is woken by a post for its step (not by one for another), takes one posted before it waited, never takes one older
/// than it asked for, skips malformed entries with one warning, and a comment is bounded.</summary>
public abstract class AnswerInboxContract : IDisposable
{
    protected abstract IAnswerInbox Inbox { get; }

    /// <summary>What the inbox warned about (malformed entries).</summary>
    protected List<string> Warnings { get; } = [];

    /// <summary>A run the store holds, whose answers the tests post.</summary>
    protected abstract string NewRun();

    /// <summary>Puts an entry in the run's inbox that is no answer <see cref="IAnswerInbox.Post"/> would write (its
    /// outcome is <c>maybe</c>), as someone writing to the store by hand would.</summary>
    protected abstract void PlantMalformed(string runId);

    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private static PostedAnswer Answer(string runId, string outcome = "approve", string who = "alice@a", string address = "gate", DateTimeOffset? at = null, string? comment = null) =>
        new(runId, address, outcome, who, "terminal a pid 42", Truncated(at ?? DateTimeOffset.UtcNow), comment);

    // PostgreSQL keeps microseconds: times are compared as both stores keep them.
    private static DateTimeOffset Truncated(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);

    [Fact]
    public void Posted_answers_are_read_back_in_posting_order_with_who_from_and_comment()
    {
        var run = NewRun();
        var first = Inbox.Post(Answer(run, who: "alice@a", at: DateTimeOffset.UtcNow.AddSeconds(-2), comment: "line one\nline two <b>"));
        var second = Inbox.Post(Answer(run, "reject", "bob@b", at: DateTimeOffset.UtcNow.AddSeconds(-1)));
        Assert.True(first.Id > 0 && second.Id > first.Id, $"ids {first.Id}, {second.Id}");
        Assert.Equal([first, second], Inbox.Read(run));
        Assert.Empty(Inbox.Read(NewRun()));
    }

    [Fact]
    public async Task A_waiting_runner_takes_an_answer_posted_before_it_waited()
    {
        var run = NewRun();
        var early = Inbox.Post(Answer(run));
        using var limit = new CancellationTokenSource(Generous);
        Assert.Equal(early, await Inbox.WaitAsync(run, "gate", 0, limit.Token));
    }

    [Fact]
    public async Task A_waiting_runner_is_woken_by_a_post_for_its_step_and_not_by_one_for_another()
    {
        var run = NewRun();
        using var limit = new CancellationTokenSource(Generous);
        var waiting = Inbox.WaitAsync(run, "gate", 0, limit.Token);
        Inbox.Post(Answer(run, address: "other-step"));
        Inbox.Post(Answer(NewRun()));
        await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(500), limit.Token));
        Assert.False(waiting.IsCompleted);
        var mine = Inbox.Post(Answer(run, "reject", "bob@b"));
        Assert.Equal(mine, await waiting);
    }

    [Fact]
    public async Task An_answer_already_taken_is_not_taken_again_and_the_wait_can_be_cancelled()
    {
        var run = NewRun();
        var old = Inbox.Post(Answer(run));
        using var stop = new CancellationTokenSource();
        var waiting = Inbox.WaitAsync(run, "gate", old.Id, stop.Token);
        await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(500)));
        Assert.False(waiting.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task A_malformed_entry_is_skipped_with_one_warning_and_never_taken()
    {
        var run = NewRun();
        PlantMalformed(run);
        var good = Inbox.Post(Answer(run, "reject"));
        Assert.Equal([good], Inbox.Read(run));
        Assert.Equal([good], Inbox.Read(run));
        using var limit = new CancellationTokenSource(Generous);
        Assert.Equal(good, await Inbox.WaitAsync(run, "gate", 0, limit.Token));
        Assert.Contains("neither approve nor reject", Assert.Single(Warnings));
    }

    [Fact]
    public void Posting_refuses_what_no_runner_would_take_and_keeps_nothing()
    {
        var run = NewRun();
        Assert.Throws<ArgumentException>(() => Inbox.Post(Answer(run, "rerun")));
        Assert.Throws<ArgumentException>(() => Inbox.Post(Answer(run, comment: new string('x', FileAnswerInbox.MaxCommentLength + 1))));
        Assert.Throws<ArgumentException>(() => Inbox.Post(Answer(run, who: "evil\u001b[31m")));
        Assert.Throws<ArgumentException>(() => Inbox.Post(Answer(run, address: "")));
        var longest = Inbox.Post(Answer(run, comment: new string('x', FileAnswerInbox.MaxCommentLength)));
        Assert.Equal([longest], Inbox.Read(run));
    }

    /// <summary>Issue 14: an answer was new if its poster's clock said it was posted after the last one taken (or the
    /// run's start, on the runner's clock), so a poster whose clock is behind was never heard. Now its id decides.</summary>
    [Fact]
    public async Task A_poster_whose_clock_is_an_hour_behind_is_heard_after_an_answer_already_taken()
    {
        var run = NewRun();
        using var limit = new CancellationTokenSource(Generous);
        var first = Inbox.Post(Answer(run, who: "alice@a"));
        var taken = await Inbox.WaitAsync(run, "gate", 0, limit.Token);
        Assert.Equal(first, taken);
        var waiting = Inbox.WaitAsync(run, "gate", taken.Id, limit.Token);
        var behind = Inbox.Post(Answer(run, "reject", "bob@b", at: DateTimeOffset.UtcNow.AddHours(-1)));
        Assert.Equal(behind, await waiting);
        Assert.True(behind.Id > taken.Id);
    }

    /// <summary>Posters racing on one run each get their own id, and the ids are the order a reader sees them in, so
    /// "above the last id taken" never skips an entry that was still being posted.</summary>
    [Fact]
    public void Posters_racing_on_one_run_get_distinct_ids_in_the_order_a_reader_sees()
    {
        var run = NewRun();
        var posted = new System.Collections.Concurrent.ConcurrentBag<PostedAnswer>();
        Parallel.For(0, 24, new ParallelOptions { MaxDegreeOfParallelism = 6 }, i => posted.Add(Inbox.Post(Answer(run, who: $"user{i}@h"))));
        var read = Inbox.Read(run);
        Assert.Equal(24, posted.Select(p => p.Id).Distinct().Count());
        Assert.Equal(posted.OrderBy(p => p.Id), read);
    }

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>The contract on the file store's inbox (the folder beside the journal).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileAnswerInboxContractTests : AnswerInboxContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "playbook-inbox-contract-" + Guid.NewGuid().ToString("N"));
    private readonly FileRunStore _store;
    private readonly IAnswerInbox _inbox;

    public FileAnswerInboxContractTests()
    {
        _store = new FileRunStore(_directory);
        _inbox = _store.Inbox(Warnings.Add);
    }

    protected override IAnswerInbox Inbox => _inbox;

    protected override string NewRun() => JournaledRunId.Next();

    protected override void PlantMalformed(string runId)
    {
        var folder = ((FileAnswerInbox)_inbox).DirectoryOf(runId);
        Playbook.Journal.PrivateFiles.CreateDirectory(folder);
        var path = Path.Combine(folder, "00000000000000000001-planted.json");
        File.WriteAllText(path, $$"""{"run":"{{runId}}","address":"gate","outcome":"maybe","who":"x","from":"y","at":"2026-12-06T10:10:10.0000000Z"}""");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public override void Dispose()
    {
        base.Dispose();
        _store.Dispose();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
