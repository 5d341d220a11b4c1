using System.Diagnostics;
using Playbook.Syntax;
using Playbook.Tests.Library;
using Playbook.Tests.RealRuns;
using Xunit;

namespace Playbook.Tests.Redis;

/// <summary>playbooks/redis-stream-stuck.playbook run for real, with the CLI, against a real redis-server: a
/// consumer group whose consumer died holding messages, some of them poison (delivered 3 times or more).</summary>
public sealed class RedisStreamStuckTests : IClassFixture<RedisServerFixture>
{
    private const string Group = "workers";
    private const string Dead = "worker-dead";
    private const string Live = "worker-live";
    private const string Rescuer = "rescuer";
    private const int MinIdleMs = 1000;

    private readonly RedisServerFixture _redis;

    public RedisStreamStuckTests(RedisServerFixture redis) => _redis = redis;

    /// <summary>A stream whose dead consumer read <paramref name="poison"/> poison messages (delivered 3 times)
    /// and 4 others (one delivered twice, three once), interleaved; and 2 later messages a live consumer
    /// holds. Every message of the dead consumer is idle for longer than <see cref="MinIdleMs"/> when this returns.</summary>
    private sealed record StuckGroup(string Stream, string Dlq, string[] Poison, string[] Others, string[] LiveHeld)
    {
        public string Lock => $"{Stream}:{Group}:recovery-lock";
    }

    private static StuckGroup CreateStuckGroup(RespClient redis, int poison = 2)
    {
        var stream = "orders:" + Guid.NewGuid().ToString("N")[..8];
        redis.Call("XGROUP", "CREATE", stream, Group, "$", "MKSTREAM");
        var count = poison + 4;
        var ids = Enumerable.Range(1, count).Select(i => (string)redis.Call("XADD", stream, "*", "job", $"job-{i}")!).ToArray();
        redis.Call("XREADGROUP", "GROUP", Group, Dead, "COUNT", count.ToString(), "STREAMS", stream, ">");
        // Messages 0, 3, 5, 6, 7 … are poison; 1, 2, 4 and the last are not (poison and others interleave).
        var poisonIds = ids.Where((_, i) => i == 0 || i == 3 || (i >= 5 && i < count - 1)).Take(poison).ToArray();
        var others = ids.Except(poisonIds).ToArray();
        // Each XCLAIM (without JUSTID) counts one more delivery, as a redelivery to a crashing worker would.
        foreach (var id in poisonIds)
        {
            redis.Call("XCLAIM", stream, Group, Dead, "0", id);
            redis.Call("XCLAIM", stream, Group, Dead, "0", id);
        }
        redis.Call("XCLAIM", stream, Group, Dead, "0", others[0]);
        var live = Enumerable.Range(count + 1, 2).Select(i => (string)redis.Call("XADD", stream, "*", "job", $"job-{i}")!).ToArray();
        redis.Call("XREADGROUP", "GROUP", Group, Live, "COUNT", "2", "STREAMS", stream, ">");
        Thread.Sleep(MinIdleMs + 300);
        return new StuckGroup(stream, stream + ":dlq", poisonIds, others, live);
    }

    private static RunWorkspace Workspace()
    {
        var work = new RunWorkspace();
        File.Copy(Path.Combine(PlaybookLibraryTests.RepositoryRoot(), "playbooks", "redis-stream-stuck.playbook"), work.PathOf("redis-stream-stuck.playbook"));
        return work;
    }

    private string[] Inputs(StuckGroup g) =>
    [
        "--input", $"port={_redis.Port}", "--input", $"stream={g.Stream}", "--input", $"group={Group}",
        "--input", $"dead_consumer={Dead}", "--input", $"healthy_consumer={Rescuer}", "--input", $"dlq_stream={g.Dlq}",
        "--input", $"min_idle_ms={MinIdleMs}",
    ];

    [Fact]
    public void A_run_dead_letters_each_poison_message_once_hands_the_rest_over_and_deletes_the_dead_consumer()
    {
        using var redis = _redis.Connect();
        var g = CreateStuckGroup(redis);
        using var work = Workspace();

        var run = work.Run("redis-stream-stuck", Inputs(g));
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("ended at 'recovered' (success)", run.Out);
        // One item per poison message, each its own exec.
        Assert.Contains("dead-letter[1]/move", run.Out);
        Assert.Contains("dead-letter[2]/move", run.Out);
        Assert.DoesNotContain("dead-letter[3]/move", run.Out);
        AssertRecovered(redis, g);

        // A second run (after a crash, or by a second engineer) finds nothing and moves nothing again.
        var again = work.Run("redis-stream-stuck", Inputs(g));
        Assert.True(again.Exit == 0, again.ToString());
        Assert.Contains("ended at 'recovered' (success)", again.Out);
        AssertRecovered(redis, g);
        AssertNothingLeftOnceProcessed(redis, g);
    }

    /// <summary>The run is SIGKILLed inside the dead-letter foreach, after some items ended and while the next
    /// items' moves are in flight (up to <c>parallel 10</c> at once) — Redis holds their scripts (CLIENT PAUSE
    /// WRITE), so the kill lands inside the moves — and the orphaned redis-cli processes then finish those moves
    /// with no journal record of them. <c>resume</c> needs no answer: <c>move</c> is idempotent (and its orphans
    /// ended on their own, so their real outcomes are taken). Finished items are not run again, the rest run,
    /// and every poison message is in the DLQ exactly once.</summary>
    [Fact]
    public void Killed_inside_the_dead_letter_foreach_and_resumed_each_poison_message_is_moved_exactly_once()
    {
        // Enough items that the foreach is still under way when the test has seen one end and paused Redis.
        const int poison = 40;
        using var redis = _redis.Connect();
        var g = CreateStuckGroup(redis, poison);
        using var work = Workspace();

        HashSet<long> endedAtKill;
        int startedAtKill;
        using (var running = work.Start("redis-stream-stuck", Inputs(g)))
        {
            // An item has ended: the foreach is under way. Then hold every write, so the next moves wait in Redis.
            RunWorkspace.WaitForRecord(work.SingleJournal, r => RunWorkspace.Type(r) == "item-ended", running);
            redis.Call("CLIENT", "PAUSE", "60000", "WRITE");
            try
            {
                WaitFor(() => ((string)redis.Call("CLIENT", "LIST")!).Split('\n').Any(c => c.Contains("cmd=eval") && c.Contains("flags=b")),
                    "a move script waiting in Redis");
                var records = RunWorkspace.Records(work.SingleJournal()!);
                endedAtKill = records.Where(r => RunWorkspace.Type(r) == "item-ended").Select(r => r.GetProperty("index").GetInt64()).ToHashSet();
                startedAtKill = records.Count(r => RunWorkspace.Type(r) == "item-started");
                Assert.True(endedAtKill.Count is >= 1 and < poison, $"the kill must land inside the foreach, but {endedAtKill.Count} of {poison} items had ended");
                Assert.InRange(startedAtKill - endedAtKill.Count, 1, 10);
                running.Kill();
                running.Finish();
            }
            finally
            {
                redis.Call("CLIENT", "UNPAUSE");
            }
        }
        // The orphans (each in a process group of its own, so the kill did not reach them) complete their moves; an
        // item that had started but whose process was still waiting at its gate never ran.
        var groups = RunWorkspace.ProcessGroupsOf(work.SingleJournal()!).ToList();
        WaitFor(() => !groups.Any(Playbook.LiveRuns.Actions.ProcessGroups.IsAlive), "the orphaned moves to finish");
        Assert.InRange((long)redis.Call("XLEN", g.Dlq)!, endedAtKill.Count + 1, startedAtKill);

        var resumed = work.Resume();
        Assert.True(resumed.Exit == 0, resumed.ToString());
        Assert.Contains("ended at 'recovered' (success)", resumed.Out);
        // Items that had ended before the kill are not run again; the others are.
        Assert.All(endedAtKill, i => Assert.DoesNotContain($"dead-letter[{i}]/move", resumed.Out));
        Assert.Contains($"dead-letter[{poison}]/move", resumed.Out);
        AssertRecovered(redis, g);
        AssertNothingLeftOnceProcessed(redis, g);

        // The report names every message with what its move answered: those in flight at the kill were moved by
        // their orphans, and that real outcome is what the run took.
        var report = work.Cli("report", Path.GetFileNameWithoutExtension(work.SingleJournal()!), "--journal", RunWorkspace.JournalDir);
        Assert.True(report.Exit == 0, report.ToString());
        Assert.Contains($"## Foreach dead-letter: ok\n\n{poison} of {poison} items ok\n", report.Out);
        foreach (var (id, i) in g.Poison.Select((id, i) => (id, i)))
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(report.Out, $@"\| {i + 1} \| `{id}` \| ok \| 1 \| [0-9ms]+ \| moved = `moved` \|"), report.Out);
        // A typed list capture reads as its items, not as a .NET type name.
        Assert.Contains($"| poison_ids | `[{g.Poison[0]}, {g.Poison[1]}, ", report.Out);
    }

    /// <summary>The lock keeps a second run off a group whose drill is under way: it changes nothing, ends
    /// 'busy', and its cleanup leaves the other run's lock alone.</summary>
    [Fact]
    public void A_run_that_finds_the_lock_taken_touches_nothing_and_leaves_the_lock()
    {
        using var redis = _redis.Connect();
        var g = CreateStuckGroup(redis);
        redis.Call("SET", g.Lock, "someone-else", "PX", "60000");
        using var work = Workspace();

        var run = work.Run("redis-stream-stuck", Inputs(g));

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains("ended at 'busy' (failure)", run.Out);
        Assert.Equal("someone-else", redis.Call("GET", g.Lock));
        Assert.Equal(0L, redis.Call("EXISTS", g.Dlq));
        Assert.Equal(6L, redis.List("XPENDING", g.Stream, Group, "-", "+", "100", Dead).Count);
    }

    /// <summary>What makes the move step <c>idempotent</c>: its script, run a second time for the same message
    /// (a retry after a lost answer, a resume after a kill between the move and its journal record), moves
    /// nothing twice.</summary>
    [Fact]
    public void The_move_script_run_again_for_the_same_message_moves_nothing_twice()
    {
        var path = Path.Combine(PlaybookLibraryTests.RepositoryRoot(), "playbooks", "redis-stream-stuck.playbook");
        var model = PlaybookDocument.Load(path).Model!;
        var script = ((StringSyntax)model.Lets.Single(l => l.Name.Text == "move_lua").Value).Template;
        using var redis = _redis.Connect();
        var g = CreateStuckGroup(redis);

        Assert.Equal("moved", redis.Call("EVAL", script, "2", g.Stream, g.Dlq, Group, Dead, g.Poison[0]));
        Assert.Equal("gone", redis.Call("EVAL", script, "2", g.Stream, g.Dlq, Group, Dead, g.Poison[0]));
        Assert.Equal(1L, redis.Call("XLEN", g.Dlq));
        // Only what the dead consumer holds: a live consumer's message, or an id nobody holds, stays where it is.
        Assert.Equal("gone", redis.Call("EVAL", script, "2", g.Stream, g.Dlq, Group, Dead, g.LiveHeld[0]));
        Assert.Equal("gone", redis.Call("EVAL", script, "2", g.Stream, g.Dlq, Group, Dead, "0-1"));
        Assert.Equal(1L, redis.Call("XLEN", g.Dlq));
        Assert.Equal((Live, 1L), PendingOf(redis, g)[g.LiveHeld[0]]);
    }

    private static void AssertRecovered(RespClient redis, StuckGroup g)
    {
        // Every poison message in the DLQ exactly once, with its fields and where it came from.
        var dead = redis.List("XRANGE", g.Dlq, "-", "+").Cast<List<object?>>()
            .Select(e => Fields((List<object?>)e[1]!)).ToList();
        Assert.Equal(g.Poison.Order(), dead.Select(f => f["origin_id"]).Order());
        Assert.All(dead, f => Assert.Equal("3", f["deliveries"]));
        Assert.Equal(
            g.Poison.Select(id => Fields((List<object?>)((List<object?>)redis.List("XRANGE", g.Stream, id, id)[0]!)[1]!)["job"]).Order(),
            dead.Select(f => f["job"]).Order());

        // The dead consumer is gone; the live one untouched; the rest pending with the rescuer, counters kept.
        var consumers = redis.List("XINFO", "CONSUMERS", g.Stream, Group).Cast<List<object?>>().Select(c => (string)c[1]!).Order();
        Assert.Equal(new[] { Rescuer, Live }.Order(), consumers);
        var pending = PendingOf(redis, g);
        Assert.Equal(g.Others.Concat(g.LiveHeld).Order(), pending.Keys.Order());
        Assert.All(g.Others, id => Assert.Equal(Rescuer, pending[id].Consumer));
        Assert.All(g.LiveHeld, id => Assert.Equal((Live, 1L), pending[id]));
        Assert.Equal(2L, pending[g.Others[0]].Deliveries);
        // The cleanup released the drill's lock.
        Assert.Equal(0L, redis.Call("EXISTS", g.Lock));
    }

    private static Dictionary<string, (string Consumer, long Deliveries)> PendingOf(RespClient redis, StuckGroup g) =>
        redis.List("XPENDING", g.Stream, Group, "-", "+", "1000").Cast<List<object?>>()
            .ToDictionary(p => (string)p[0]!, p => ((string)p[1]!, (long)p[3]!));

    /// <summary>The rescuer and the live consumer work off what they hold: then no pending message is left.</summary>
    private static void AssertNothingLeftOnceProcessed(RespClient redis, StuckGroup g)
    {
        foreach (var consumer in new[] { Rescuer, Live })
        {
            // "0": this consumer's own pending messages, as a worker reads them when it starts.
            var reply = redis.List("XREADGROUP", "GROUP", Group, consumer, "STREAMS", g.Stream, "0");
            var messages = (List<object?>)((List<object?>)reply[0]!)[1]!;
            foreach (var m in messages.Cast<List<object?>>()) redis.Call("XACK", g.Stream, Group, (string)m[0]!);
        }
        Assert.Equal(0L, redis.List("XPENDING", g.Stream, Group)[0]);
        Assert.Equal((long)g.Poison.Length, redis.Call("XLEN", g.Dlq));
    }

    private static Dictionary<string, string> Fields(List<object?> flat) =>
        Enumerable.Range(0, flat.Count / 2).ToDictionary(i => (string)flat[2 * i]!, i => (string)flat[2 * i + 1]!);

    private static void WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) Assert.Fail($"timed out waiting for {what}");
            Thread.Sleep(10);
        }
    }
}
