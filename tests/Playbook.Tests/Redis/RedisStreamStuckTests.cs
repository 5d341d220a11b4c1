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

    /// <summary>A stream of 6 messages the dead consumer read; two of them delivered 3 times (poison), one twice,
    /// three once; and 2 later messages a live consumer holds. Every message of the dead consumer is idle for
    /// longer than <see cref="MinIdleMs"/> when this returns.</summary>
    private sealed record StuckGroup(string Stream, string Dlq, string[] Poison, string[] Others, string[] LiveHeld);

    private static StuckGroup CreateStuckGroup(RespClient redis)
    {
        var stream = "orders:" + Guid.NewGuid().ToString("N")[..8];
        redis.Call("XGROUP", "CREATE", stream, Group, "$", "MKSTREAM");
        var ids = Enumerable.Range(1, 6).Select(i => (string)redis.Call("XADD", stream, "*", "job", $"job-{i}")!).ToArray();
        redis.Call("XREADGROUP", "GROUP", Group, Dead, "COUNT", "6", "STREAMS", stream, ">");
        // Each XCLAIM (without JUSTID) counts one more delivery, as a redelivery to a crashing worker would.
        foreach (var id in new[] { ids[0], ids[3] })
        {
            redis.Call("XCLAIM", stream, Group, Dead, "0", id);
            redis.Call("XCLAIM", stream, Group, Dead, "0", id);
        }
        redis.Call("XCLAIM", stream, Group, Dead, "0", ids[1]);
        var live = Enumerable.Range(7, 2).Select(i => (string)redis.Call("XADD", stream, "*", "job", $"job-{i}")!).ToArray();
        redis.Call("XREADGROUP", "GROUP", Group, Live, "COUNT", "2", "STREAMS", stream, ">");
        Thread.Sleep(MinIdleMs + 300);
        return new StuckGroup(stream, stream + ":dlq", [ids[0], ids[3]], [ids[1], ids[2], ids[4], ids[5]], live);
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
        AssertRecovered(redis, g);

        // A second run (after a crash, or by a second engineer) finds nothing and moves nothing again.
        var again = work.Run("redis-stream-stuck", Inputs(g));
        Assert.True(again.Exit == 0, again.ToString());
        Assert.Contains("ended at 'recovered' (success)", again.Out);
        AssertRecovered(redis, g);
        AssertNothingLeftOnceProcessed(redis, g);
    }

    /// <summary>The run is killed (SIGKILL) while its dead-letter step is in flight — Redis holds the step's
    /// script (CLIENT PAUSE WRITE), so the kill lands there every time — and the orphaned redis-cli then
    /// finishes the move. <c>resume</c> runs the step again: the poison messages are still moved exactly once.</summary>
    [Fact]
    public void Killed_while_dead_lettering_and_resumed_each_poison_message_is_moved_exactly_once()
    {
        using var redis = _redis.Connect();
        var g = CreateStuckGroup(redis);
        using var work = Workspace();

        redis.Call("CLIENT", "PAUSE", "60000", "WRITE");
        try
        {
            using var running = work.Start("redis-stream-stuck", Inputs(g));
            WaitFor(() => ((string)redis.Call("CLIENT", "LIST")!).Split('\n').Any(c => c.Contains("cmd=eval") && c.Contains("flags=b")),
                "the dead-letter script waiting in Redis");
            Assert.Equal(0L, redis.Call("XLEN", g.Dlq));
            running.Kill();
            running.Finish();
        }
        finally
        {
            redis.Call("CLIENT", "UNPAUSE");
        }
        // The orphan (in a process group of its own, so the kill did not reach it) completes the move.
        WaitFor(() => (long)redis.Call("XLEN", g.Dlq)! == 2, "the orphaned dead-letter script to finish");

        var resumed = work.Resume();
        Assert.True(resumed.Exit == 0, resumed.ToString());
        Assert.Contains("ended at 'recovered' (success)", resumed.Out);
        AssertRecovered(redis, g);
        AssertNothingLeftOnceProcessed(redis, g);
    }

    /// <summary>What makes the dead-letter step <c>idempotent</c>: its script, run a second time with the ids
    /// the first run captured (a retry after a lost answer, a resume that cannot know what the attempt did),
    /// moves nothing twice.</summary>
    [Fact]
    public void The_dead_letter_script_run_again_with_the_same_ids_moves_nothing_twice()
    {
        var path = Path.Combine(PlaybookLibraryTests.RepositoryRoot(), "playbooks", "redis-stream-stuck.playbook");
        var model = PlaybookDocument.Load(path).Model!;
        var script = ((StringSyntax)model.Lets.Single(l => l.Name.Text == "dead_letter_lua").Value).Template;
        using var redis = _redis.Connect();
        var g = CreateStuckGroup(redis);
        var ids = string.Join(' ', g.Poison);

        Assert.Equal(2L, redis.Call("EVAL", script, "2", g.Stream, g.Dlq, Group, Dead, ids));
        Assert.Equal(0L, redis.Call("EVAL", script, "2", g.Stream, g.Dlq, Group, Dead, ids));
        Assert.Equal(2L, redis.Call("XLEN", g.Dlq));
        // Only what the dead consumer holds: a live consumer's message, or an id nobody holds, stays where it is.
        Assert.Equal(0L, redis.Call("EVAL", script, "2", g.Stream, g.Dlq, Group, Dead, g.LiveHeld[0] + " 0-1"));
        Assert.Equal(2L, redis.Call("XLEN", g.Dlq));
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
        var pending = redis.List("XPENDING", g.Stream, Group, "-", "+", "100").Cast<List<object?>>()
            .ToDictionary(p => (string)p[0]!, p => (Consumer: (string)p[1]!, Deliveries: (long)p[3]!));
        Assert.Equal(g.Others.Concat(g.LiveHeld).Order(), pending.Keys.Order());
        Assert.All(g.Others, id => Assert.Equal(Rescuer, pending[id].Consumer));
        Assert.All(g.LiveHeld, id => Assert.Equal((Live, 1L), pending[id]));
        Assert.Equal(2L, pending[g.Others[0]].Deliveries);
    }

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
        Assert.Equal(2L, redis.Call("XLEN", g.Dlq));
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
