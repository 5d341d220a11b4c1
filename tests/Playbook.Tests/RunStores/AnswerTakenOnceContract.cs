using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.LiveRuns;
using Playbook.RunStores;
using Xunit;

namespace Playbook.Tests.RunStores;

/// <summary>Issue 14's two answer gaps, with a real run on each store (<see cref="FileAnswerTakenOnceTests"/>,
/// <see cref="PostgresAnswerTakenOnceTests"/>): a poster whose clock is an hour behind is heard (an answer is new by
/// its inbox id, not by anyone's clock), and a resumed run never takes an answer its journal already holds. The
/// playbook asks <c>gate</c> twice (its step fails the first time and loops back), so an old answer for <c>gate</c>
/// sits in the inbox when the run asks again.</summary>
public abstract class AnswerTakenOnceContract : IDisposable
{
    private const string Playbook = """
        playbook twice {
          manual gate "Go ahead?" {
            prompt "Go ahead?"
            timeout 10m
            on approve -> work
            on reject  -> rejected
            on timeout -> nobody
          }

          step work {
            shell "if [ -f once ]; then exit 0; fi; touch once; exit 1"
            timeout 1m
            on ok   -> done
            on fail -> gate
          }

          end done     success "Done"
          end rejected failure "Rejected"
          end nobody   failure "Nobody answered"
        }

        """;

    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(2);

    protected string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("playbook-answer-once-").FullName;

    private readonly CompiledPlaybook _playbook;

    protected AnswerTakenOnceContract()
    {
        var path = Path.Combine(Directory, "twice.playbook");
        File.WriteAllText(path, Playbook);
        var document = new PlaybookWorkspace().Load(path);
        Assert.False(document.HasErrors, string.Join("\n", document.Check()));
        _playbook = PlaybookCompiler.Compile(document.Model!);
    }

    /// <summary>The store the run is kept in (null: the journal directory's files, as the CLI passes the file store).</summary>
    protected abstract IRunStore? RunStore { get; }

    /// <summary>A second handle on the same store: the test reads the run and posts answers through it, as another
    /// terminal (or host) would.</summary>
    protected abstract IRunStore Reader { get; }

    protected string JournalDirectory => Path.Combine(Directory, "journal");

    private LiveRunOptions Options() => new()
    {
        Playbook = _playbook,
        ResolveCallee = (_, _) => null,
        View = new SilentRunView(),
        JournalDirectory = JournalDirectory,
        WorkingDirectory = Directory,
        NotifyUrl = null,
        Store = RunStore,
    };

    private static PostedAnswer Answer(string runId, string outcome, string who, DateTimeOffset at) =>
        new(runId, "gate", outcome, who, "terminal elsewhere pid 7", at, null);

    /// <summary>Waits until the run's journal satisfies <paramref name="condition"/>; returns the run.</summary>
    private async Task<JournaledRun> UntilAsync(Func<JournaledRun, bool> condition, string what, Task<LiveRunOutcome> running)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (Reader.List().Select(r => r.Run).SingleOrDefault() is { } run && condition(run)) return run;
            if (running.IsCompleted) Assert.Fail($"the run ended before {what}: {string.Join("; ", (await running).Errors)} {(await running).Result?.End}");
            Assert.True(clock.Elapsed < Generous, $"waited {Generous} for {what}");
            await Task.Delay(50);
        }
    }

    private static int Asked(JournaledRun run) => run.Records.Count(r => r.Type == "asked");

    private static List<long> AnswerIds(JournaledRun run) =>
        run.Records.Where(r => r.Type == "answered").Select(r => r.Body.GetProperty("answer_id").GetInt64()).ToList();

    [Fact]
    public async Task A_poster_whose_clock_is_an_hour_behind_is_heard_each_time_the_run_asks()
    {
        using var limit = new CancellationTokenSource(Generous);
        var running = LiveRun.StartAsync(Options(), limit.Token);
        var run = await UntilAsync(r => Asked(r) == 1, "the run to ask 'gate'", running);

        // The poster's clock says an hour before the run started: the runner hears it all the same, twice.
        var inbox = Reader.Inbox();
        var first = inbox.Post(Answer(run.RunId, "approve", "bob@behind", DateTimeOffset.UtcNow.AddHours(-1)));
        await UntilAsync(r => Asked(r) == 2, "the run to ask 'gate' again", running);
        var second = inbox.Post(Answer(run.RunId, "approve", "bob@behind", DateTimeOffset.UtcNow.AddHours(-1)));

        var outcome = await running;
        Assert.True(outcome.Result is not null, string.Join("; ", outcome.Errors));
        Assert.Equal("done", outcome.Result!.End);
        Assert.Equal([first.Id, second.Id], AnswerIds(Reader.Read(run.RunId)!));
    }

    [Fact]
    public async Task A_resumed_run_does_not_take_again_an_answer_its_journal_holds()
    {
        string runId;
        PostedAnswer approved;
        using (var stop = new CancellationTokenSource(Generous))
        {
            var running = LiveRun.StartAsync(Options(), stop.Token);
            runId = (await UntilAsync(r => Asked(r) == 1, "the run to ask 'gate'", running)).RunId;
            approved = Reader.Inbox().Post(Answer(runId, "approve", "alice@a", DateTimeOffset.UtcNow));
            // Taken, journaled, the step failed and looped back: 'gate' is asked again with the approval still in the inbox.
            await UntilAsync(r => Asked(r) == 2, "the run to ask 'gate' again", running);
            await stop.CancelAsync();
            Assert.True((await running).Interrupted, string.Join("; ", (await running).Errors));
        }

        using var limit = new CancellationTokenSource(Generous);
        var resuming = LiveRun.ResumeAsync(Reader.Read(runId)!, Options(), _ => InFlightChoice.Rerun, limit.Token);
        await UntilAsync(r => r.Records.SkipWhile(x => x.Type != "run-resumed").Any(x => x.Type == "asked"), "the resumed run to ask 'gate'", resuming);
        // Had the resume taken the old approval again, the run would be 'done' whatever is posted now.
        var rejected = Reader.Inbox().Post(Answer(runId, "reject", "bob@b", DateTimeOffset.UtcNow));

        var outcome = await resuming;
        Assert.True(outcome.Result is not null, string.Join("; ", outcome.Errors));
        Assert.Equal("rejected", outcome.Result!.End);
        Assert.Equal([approved.Id, rejected.Id], AnswerIds(Reader.Read(runId)!));
    }

    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>The answer contract on the file store: the inbox folder beside the journal.</summary>
public sealed class FileAnswerTakenOnceTests : AnswerTakenOnceContract
{
    private readonly FileRunStore _reader;

    public FileAnswerTakenOnceTests() => _reader = new FileRunStore(JournalDirectory);

    protected override IRunStore? RunStore => null;

    protected override IRunStore Reader => _reader;

    public override void Dispose()
    {
        _reader.Dispose();
        base.Dispose();
    }
}

/// <summary>The answer contract on a real PostgreSQL: the runner and the poster use two handles on one database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAnswerTakenOnceTests : AnswerTakenOnceContract
{
    private readonly PostgresRunStore _store;
    private readonly PostgresRunStore _reader;

    public PostgresAnswerTakenOnceTests(PostgresServerFixture server)
    {
        var url = server.Url(server.NewDatabase());
        _store = PostgresRunStore.Open(PostgresLocation.Parse(url, out _)!, JournalDirectory);
        _reader = PostgresRunStore.Open(PostgresLocation.Parse(url, out _)!, Path.Combine(Directory, "elsewhere"));
    }

    protected override IRunStore? RunStore => _store;

    protected override IRunStore Reader => _reader;

    public override void Dispose()
    {
        _store.Dispose();
        _reader.Dispose();
        base.Dispose();
    }
}
