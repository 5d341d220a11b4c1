using System.Text.Json.Nodes;
using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.LiveRuns;
using Xunit;

namespace Playbook.Tests.Resume;

/// <summary>A foreach's item records are checked like any others before a resume acts: each case forges one
/// item record in the journal of a real run of foreach-quick.playbook (four items, parallel 2, max 4) that the
/// playbook could not have written, and the resume is refused with the record's line and why, the journal untouched.</summary>
public sealed class ForeachJournalValidationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("playbook-foreach-validate-").FullName;
    private readonly PlaybookWorkspace _workspace = new();
    private readonly CompiledPlaybook _playbook;
    private readonly List<JsonObject> _full;

    public ForeachJournalValidationTests()
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Run", "data", "foreach-quick.playbook"), Path.Combine(_dir, "foreach-quick.playbook"));
        var document = _workspace.Load(Path.Combine(_dir, "foreach-quick.playbook"));
        Assert.False(document.HasErrors, string.Join("\n", document.Check()));
        _playbook = PlaybookCompiler.Compile(document.Model!);
        var run = LiveRun.StartAsync(Options(Path.Combine(_dir, "full"))).GetAwaiter().GetResult();
        Assert.Equal("done", run.Result!.End);
        _full = File.ReadAllLines(run.JournalPath!).Select(l => JsonNode.Parse(l[9..])!.AsObject()).ToList();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LiveRunOptions Options(string journal) => new()
    {
        Playbook = _playbook,
        ResolveCallee = (_, _) => null,
        View = new SilentRunView(),
        JournalDirectory = journal,
        WorkingDirectory = _dir,
        NotifyUrl = null,
    };

    private int Index(Func<JsonObject, bool> match) => _full.FindIndex(r => match(r)) + 1;

    private static bool Is(JsonObject r, string type, int? index = null) =>
        JournalEdits.Type(r) == type && (index is null || r["index"]?.GetValue<int>() == index);

    private JsonObject Copy(string type, int? index = null) => (JsonObject)_full.First(r => Is(r, type, index)).DeepClone();

    /// <summary>The journal's first <paramref name="keep"/> records, then <paramref name="extra"/>, resumed.</summary>
    private (LiveRunOutcome Outcome, string Path, byte[] Before) Resume(int keep, params JsonObject[] extra)
    {
        var dir = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, JournalEdits.Str(_full[0], "run") + ".journal");
        File.WriteAllText(path, "");
        foreach (var record in _full.Take(keep).Select(r => (JsonObject)r.DeepClone()).Concat(extra)) JournalEdits.Append(path, record);
        var before = File.ReadAllBytes(path);
        var outcome = LiveRun.ResumeAsync(JournaledRun.Read(path), Options(dir), _ => InFlightChoice.Rerun).GetAwaiter().GetResult();
        return (outcome, path, before);
    }

    private static void AssertRefused((LiveRunOutcome Outcome, string Path, byte[] Before) resumed, int line, string why)
    {
        var error = Assert.Single(resumed.Outcome.Errors);
        Assert.StartsWith($"{resumed.Path}:{line}: ", error);
        Assert.True(error.Contains(why, StringComparison.Ordinal), error);
        Assert.Null(resumed.Outcome.Result);
        Assert.Equal(resumed.Before, File.ReadAllBytes(resumed.Path));
    }

    [Fact]
    public void The_journal_of_items_run_two_at_once_passes_at_every_length()
    {
        // Two items at once interleave their records: every prefix of that journal is one the playbook writes.
        var started = _full.Where(r => Is(r, "item-started")).Select(r => _full.IndexOf(r)).ToList();
        var firstEnded = _full.FindIndex(r => Is(r, "item-ended"));
        Assert.True(started[1] < firstEnded, "the second item did not start before the first ended");
        for (var k = 1; k <= _full.Count; k++)
        {
            var dir = Path.Combine(_dir, $"cut-{k}");
            Directory.CreateDirectory(dir);
            var path = Path.Combine(dir, "run.journal");
            File.WriteAllText(path, "");
            foreach (var record in _full.Take(k).Select(r => (JsonObject)r.DeepClone())) JournalEdits.Append(path, record);
            Assert.Null(JournalValidator.Check(JournaledRun.Read(path), _playbook, (_, _) => null));
        }
    }

    [Fact]
    public void An_item_beyond_the_list_is_refused()
    {
        var listed = Index(r => Is(r, "foreach-started"));
        var forged = Copy("item-started", 1);
        forged["index"] = 5;
        AssertRefused(Resume(listed, forged), listed + 1, "item 5 of foreach 'each-id', whose list has 4 items");
    }

    [Fact]
    public void A_list_longer_than_max_is_refused()
    {
        var listed = Index(r => Is(r, "foreach-started"));
        var forged = Copy("foreach-started");
        forged["items"] = new JsonArray("a", "b", "c", "d", "e");
        AssertRefused(Resume(listed - 1, forged), listed, "foreach 'each-id' started with 5 items, more than its max 4");
    }

    [Fact]
    public void An_item_that_ends_without_having_started_is_refused()
    {
        var listed = Index(r => Is(r, "foreach-started"));
        var forged = Copy("item-ended", 3);
        AssertRefused(Resume(listed, forged), listed + 1, "item 3 of foreach 'each-id' ended, but it had not started");
    }

    [Fact]
    public void An_item_started_again_after_it_ended_is_refused()
    {
        var ended = Index(r => Is(r, "item-ended", 1));
        AssertRefused(Resume(ended, Copy("item-started", 1)), ended + 1, "item 1 of foreach 'each-id' started twice");
    }

    [Fact]
    public void An_item_ended_twice_is_refused()
    {
        var ended = Index(r => Is(r, "item-ended", 1));
        AssertRefused(Resume(ended, Copy("item-ended", 1)), ended + 1, "item 1 of foreach 'each-id' ended, but it had already ended");
    }

    [Fact]
    public void A_state_of_an_item_that_had_ended_is_refused()
    {
        var ended = Index(r => Is(r, "item-ended", 1));
        var entered = (JsonObject)_full.First(r => JournalEdits.Type(r) == "state-entered" && JournalEdits.Str(r, "flow") == "each-id[1]").DeepClone();
        AssertRefused(Resume(ended, entered), ended + 1, "a record of flow 'each-id[1]', but 'each-id' in the main flow was not running it");
    }

    [Fact]
    public void An_item_whose_value_is_not_the_lists_is_refused()
    {
        var second = Index(r => Is(r, "item-started", 2));
        var forged = Copy("item-started", 2);
        forged["item"] = "zzz";
        AssertRefused(Resume(second - 1, forged), second, "item 2 of foreach 'each-id' is \"zzz\", but its journaled list has \"b\" there");
    }

    [Fact]
    public void An_item_cut_off_in_a_foreach_no_phase_budget_can_cut_off_is_refused()
    {
        var ended = Index(r => Is(r, "item-ended", 1));
        var forged = Copy("item-ended", 1);
        forged["outcome"] = "cancelled";
        AssertRefused(Resume(ended - 1, forged), ended, "item 1 of foreach 'each-id' ended cancelled, but the foreach is in no phase with a budget to cut it off");
    }

    [Fact]
    public void An_items_outcome_given_by_anything_but_a_scenario_is_refused()
    {
        var ended = Index(r => Is(r, "item-ended", 1));
        var forged = Copy("item-ended", 1);
        forged["given"] = "operator";
        AssertRefused(Resume(ended - 1, forged), ended, "item 1 of foreach 'each-id' has its outcome given by 'operator': only a rehearsal's scenario gives one");
    }

    [Fact]
    public void A_foreach_that_ends_with_items_unstarted_or_in_flight_outside_a_phase_is_refused()
    {
        // Items 1 and 2 started, item 1 ended, and the foreach ended while item 2 was still in flight. Written out
        // rather than cut from the real run: whether item 2 had started before item 1 ended there depends on timing.
        var listed = Index(r => Is(r, "foreach-started"));
        AssertRefused(Resume(listed, Copy("item-started", 1), Copy("item-started", 2), Copy("item-ended", 1), Copy("foreach-ended")), listed + 4,
            "foreach 'each-id' ended with 1 of its items still in flight");

        // Every started item ended, but two never started: only a phase's deadline leaves items unstarted.
        AssertRefused(Resume(listed, Copy("item-started", 1), Copy("item-ended", 1), Copy("foreach-ended")), listed + 3,
            "foreach 'each-id' ended after 1 of its 4 items");
    }

    [Fact]
    public void More_items_in_flight_than_parallel_is_refused()
    {
        // Items 1 and 2 started and neither ended: a third start would be a third at once with parallel 2.
        var listed = Index(r => Is(r, "foreach-started"));
        var third = Copy("item-started", 3);
        AssertRefused(Resume(listed, Copy("item-started", 1), Copy("item-started", 2), third), listed + 3,
            "item 3 of foreach 'each-id' started with 2 of its items already in flight, but it runs at most 2 at once (parallel 2)");
    }
}
