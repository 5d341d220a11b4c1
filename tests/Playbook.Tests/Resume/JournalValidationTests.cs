using System.Diagnostics;
using System.Text.Json.Nodes;
using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.LiveRuns;
using Playbook.LiveRuns.Actions;
using Xunit;

namespace Playbook.Tests.Resume;

/// <summary>A journal is not trusted blindly: every record is checked against the compiled playbook before a
/// resume acts on any, and a record the playbook could not have written is refused with the file, the line
/// and why — no step runs, no answer is taken, no process group is signalled. Each case edits the journal of
/// a real run of approval.playbook (prepare → gate (manual) → approved | rejected | nobody) with valid
/// checksums, as a person editing it by hand would.</summary>
public sealed class JournalValidationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("playbook-validate-").FullName;
    private readonly PlaybookWorkspace _workspace = new();
    private readonly CompiledPlaybook _playbook;
    private readonly List<JsonObject> _full;

    public JournalValidationTests()
    {
        foreach (var name in new[] { "approval", "aborts" })
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Run", "data", name + ".playbook"), Path.Combine(_dir, name + ".playbook"));
        _playbook = Compile(Path.Combine(_dir, "approval.playbook"));
        var run = LiveRun.StartAsync(Options(Path.Combine(_dir, "full"))).GetAwaiter().GetResult();
        Assert.Equal("approved", run.Result!.End);
        _full = File.ReadAllLines(run.JournalPath!).Select(l => JsonNode.Parse(l[9..])!.AsObject()).ToList();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CompiledPlaybook Compile(string path)
    {
        var document = _workspace.Load(path);
        Assert.False(document.HasErrors, string.Join("\n", document.Check()));
        return PlaybookCompiler.Compile(document.Model!);
    }

    private LiveRunOptions Options(string journal) => new()
    {
        Playbook = _playbook,
        ResolveCallee = (_, _) => null,
        View = new SilentRunView(),
        JournalDirectory = journal,
        Answers = new Dictionary<string, string> { ["gate"] = "approve" },
        WorkingDirectory = _dir,
        NotifyUrl = null,
    };

    /// <summary>The first record of the full run of this type (and state), to copy from.</summary>
    private JsonObject Record(string type, string? state = null) =>
        (JsonObject)_full.First(r => JournalEdits.Type(r) == type && (state is null || JournalEdits.Str(r, "state") == state)).DeepClone();

    /// <summary>The journal cut after its first <paramref name="keep"/> records, then <paramref name="extra"/>
    /// appended: resumes it and returns the outcome and the journal's path.</summary>
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

    private int Index(string type, string? state = null) =>
        _full.FindIndex(r => JournalEdits.Type(r) == type && (state is null || JournalEdits.Str(r, "state") == state)) + 1;

    private static void AssertRefused((LiveRunOutcome Outcome, string Path, byte[] Before) resumed, int line, string why)
    {
        var error = Assert.Single(resumed.Outcome.Errors);
        Assert.StartsWith($"{resumed.Path}:{line}: ", error);
        Assert.Contains(why, error);
        Assert.Null(resumed.Outcome.Result);
        // Refused before anything was written: the journal is as it was.
        Assert.Equal(resumed.Before, File.ReadAllBytes(resumed.Path));
    }

    [Fact]
    public void The_journal_of_a_real_run_passes_at_every_length()
    {
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
    public void An_approval_skipped_by_an_outcome_with_no_answer_is_refused()
    {
        var asking = Index("attempt-started", "gate");
        var ended = Record("attempt-ended", "gate");
        var resumed = Resume(asking, ended);
        AssertRefused(resumed, asking + 1, "'gate' ended 'approve' without an answer");
    }

    [Fact]
    public void A_move_past_the_manual_step_is_refused()
    {
        var prepared = Index("attempt-ended", "prepare");
        var moved = Record("moved");
        moved["to"] = "approved";
        var resumed = Resume(prepared, moved);
        AssertRefused(resumed, prepared + 1, "a move from 'prepare' to 'approved' (transition 0), which playbook 'approval' does not have");
    }

    [Fact]
    public void A_move_its_outcome_does_not_take_is_refused()
    {
        // The gate timed out (answered so), but the journal moves the way an approval goes.
        var asking = Index("attempt-started", "gate");
        var answered = Record("answered");
        answered["answer"] = "timeout";
        var ended = Record("attempt-ended", "gate");
        ended["outcome"] = "timeout";
        var moved = _full.Last(r => JournalEdits.Type(r) == "moved").DeepClone().AsObject();
        var resumed = Resume(asking, answered, ended, moved);
        AssertRefused(resumed, asking + 3, "a move from 'gate' to 'approved', which its outcome 'timeout' does not take");
    }

    [Fact]
    public void A_state_the_playbook_does_not_have_is_refused()
    {
        var entered = Record("state-entered");
        entered["state"] = "ghost";
        var resumed = Resume(1, entered);
        AssertRefused(resumed, 2, "state 'ghost', which playbook 'approval' does not have");
    }

    [Fact]
    public void A_question_from_a_step_that_is_not_manual_is_refused_and_one_from_the_asking_gate_is_read()
    {
        var running = Index("attempt-started", "prepare");
        var asked = Record("answered");
        foreach (var field in new[] { "answer", "who", "when", "from", "comment" }) asked.Remove(field);
        asked["type"] = "asked";
        asked["state"] = "prepare";
        asked["prompt"] = "Restore now?";
        AssertRefused(Resume(running, asked), running + 1, "a question from 'prepare', which was not asking");

        // The gate's own question, journaled while it asks, is a record the runner writes: the run resumes past it.
        var asking = Index("attempt-started", "gate");
        asked["state"] = "gate";
        var resumed = Resume(asking, asked);
        Assert.Empty(resumed.Outcome.Errors);
        Assert.NotNull(resumed.Outcome.Result);
    }

    [Fact]
    public void An_answer_to_a_step_that_is_not_manual_is_refused()
    {
        var running = Index("attempt-started", "prepare");
        var answered = Record("answered");
        answered["state"] = "prepare";
        var resumed = Resume(running, answered);
        AssertRefused(resumed, running + 1, "an answer to 'prepare', a step that runs 'shell': only manual steps are answered");
    }

    [Fact]
    public void An_attempt_out_of_range_is_refused_before_it_is_read()
    {
        var started = Record("attempt-started", "prepare");
        started["attempt"] = -1;
        var resumed = Resume(Index("state-entered", "prepare"), started);
        AssertRefused(resumed, 3, "'attempt-started': field 'attempt' is -1: it must be a whole number from 1");
    }

    [Fact]
    public void An_attempt_journaled_as_idempotent_when_the_step_is_not_is_refused()
    {
        var started = Record("attempt-started", "prepare");
        started["idempotent"] = true;
        var resumed = Resume(Index("state-entered", "prepare"), started);
        AssertRefused(resumed, 3, "attempt 1 of 'prepare' journaled as idempotent, which it is not");
    }

    [Fact]
    public void A_record_type_the_runner_does_not_write_is_refused()
    {
        var resumed = Resume(2, new JsonObject { ["type"] = "state-skipped", ["at"] = "2026-12-05T09:06:24.060Z", ["flow"] = "", ["state"] = "gate" });
        AssertRefused(resumed, 3, "'state-skipped' is not a record the runner writes");
    }

    [Fact]
    public async Task A_journal_pointed_at_another_playbook_file_is_refused()
    {
        // Path, name and sha256 all of aborts.playbook: the file checks out, the records do not.
        var other = Path.Combine(_dir, "aborts.playbook");
        var start = (JsonObject)_full[0].DeepClone();
        start["playbook"] = other;
        start["name"] = "aborts";
        start["sha256"] = LiveRun.Sha256Of(other);
        var dir = Path.Combine(_dir, "other");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "run.journal");
        File.WriteAllText(path, "");
        JournalEdits.Append(path, start);
        foreach (var record in _full.Skip(1).Take(4)) JournalEdits.Append(path, (JsonObject)record.DeepClone());
        var aborts = Compile(other);

        var outcome = await LiveRun.ResumeAsync(JournaledRun.Read(path), Options(dir) with { Playbook = aborts }, _ => InFlightChoice.Rerun);

        var error = Assert.Single(outcome.Errors);
        Assert.StartsWith($"{path}:2: state 'prepare', which playbook 'aborts' does not have", error);
    }

    [Fact]
    public void A_process_group_journaled_for_a_state_that_starts_no_process_is_refused_and_never_signalled()
    {
        // A live process group of someone else's, which a crafted journal names for the manual step.
        using var victim = Process.Start(new ProcessStartInfo("setsid", ["sleep", "60"]) { UseShellExecute = false })!;
        try
        {
            Assert.True(SpinWait.SpinUntil(() => ProcessGroups.IsAlive(victim.Id), TimeSpan.FromSeconds(10)));
            var asking = Index("attempt-started", "gate");
            var group = Record("process-started", "prepare");
            group["state"] = "gate";
            group["pgid"] = victim.Id;
            group.Remove("boot_id");
            group.Remove("start_ticks");

            var resumed = Resume(asking, group);

            AssertRefused(resumed, asking + 1, "a process group for 'gate', a manual, which starts no process");
            Assert.False(victim.HasExited);
            Assert.True(ProcessGroups.IsAlive(victim.Id), "the crafted journal's process group was signalled");
        }
        finally
        {
            victim.Kill();
        }
    }

    [Fact]
    public void Process_group_1_is_refused_before_it_is_read()
    {
        var running = Index("attempt-started", "prepare");
        var group = Record("process-started", "prepare");
        group["pgid"] = 1;
        var resumed = Resume(running, group);
        AssertRefused(resumed, running + 1, "'process-started': field 'pgid' is 1: it must be a whole number from 2");
    }
}
