using System.Globalization;
using System.Text.Json;
using Playbook.Journal;
using Playbook.EngineCore;

namespace Playbook.LiveRuns;

/// <summary>An answer to a manual step, as the journal has it.</summary>
public sealed record Approval(string State, string Answer, string? Who, DateTimeOffset When);

/// <summary>A run read back from its journal: what <c>playbook runs</c> lists, <c>playbook report</c>
/// renders and <c>playbook resume</c> continues.</summary>
public sealed class JournaledRun
{
    public const string Extension = ".journal";

    private JournaledRun(string path, JournalContents contents, string? problem = null)
    {
        JournalPath = path;
        Contents = contents;
        RunId = System.IO.Path.GetFileNameWithoutExtension(path);
        // A record that is not as the runner writes it is not read for its meaning at all: its fields could
        // be anything, and nothing below may act on (or fail on) them.
        if (problem is null && contents.Records.Count > 0 && JournalSchema.Check(contents) is { } bad) problem = $"{path}:{bad.Line}: {bad.Why}";
        Problem = problem;
        if (problem is not null) return;
        var start = contents.Records.Count > 0 && contents.Records[0].Type == "run-started" ? contents.Records[0].Body : (JsonElement?)null;
        if (start is { } s)
        {
            RunId = s.String("run") ?? RunId;
            PlaybookPath = s.String("playbook") ?? "";
            PlaybookName = s.String("name") ?? "";
            Sha256 = s.String("sha256") ?? "";
            Seed = (int)(s.Long("seed") ?? 0);
            Pid = (int)(s.Long("pid") ?? 0);
            Rto = s.TryGetProperty("rto_ms", out _) ? s.Millis("rto_ms") : null;
            StartedAt = DateTimeOffset.TryParse(s.String("started_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : contents.Records[0].At;
            if (s.TryGetProperty("inputs", out var inputs) && inputs.ValueKind == JsonValueKind.Object)
                Inputs = inputs.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
            if (s.TryGetProperty("secrets", out var secrets) && secrets.ValueKind == JsonValueKind.Array)
                Secrets = secrets.EnumerateArray().Select(e => e.GetString() ?? "").ToList();
            Settings = RunSettings.Read(s) ?? Settings;
            if (s.TryGetProperty("callees", out var callees) && callees.ValueKind == JsonValueKind.Object)
                Callees = callees.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
        }
        var answersTaken = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var r in contents.Records)
        {
            switch (r.Type)
            {
                case "run-ended":
                    End = r.Body.String("end");
                    Status = r.Body.String("status") ?? "aborted";
                    Elapsed = r.Body.Millis("elapsed_ms");
                    Reason = r.Body.String("reason");
                    Cleanup = r.Body.String("cleanup");
                    EndMessage = r.Body.String("message");
                    break;
                case "cleanup-ended" when r.Body.String("flow") == Semantics.CleanupSymbol.FlowName:
                    CleanupReason = r.Body.String("reason");
                    break;
                case "run-interrupted":
                    Status = "interrupted";
                    Reason = r.Body.String("reason");
                    break;
                // Only a decided answer moves the mark: votes of a quorum not yet met are counted again from the inbox on
                // resume, and a decided quorum's answer carries its last vote's id, so its votes are not taken again.
                case "answered" when r.Body.Long("answer_id") is { } id:
                    // Under the address the runner waits on (a foreach item's step names its item), as OpenQuestions has it.
                    var address = StateAddress.ItemAddressOf(r.Body.String("flow") ?? "", r.Body.String("state") ?? "");
                    if (!answersTaken.TryGetValue(address, out var before) || before < id) answersTaken[address] = id;
                    break;
                case "run-resumed":
                    Status = "unfinished";
                    Pid = (int)(r.Body.Long("pid") ?? Pid);
                    Resumes++;
                    Settings = RunSettings.Read(r.Body) ?? Settings;
                    break;
            }
        }
        AnswersTaken = answersTaken;
        // A run that has not ended (interrupted, killed, or running) has taken until its last record so far.
        if (!Finished) Elapsed = contents.Records.Count == 0 ? TimeSpan.Zero : contents.Records[^1].At - StartedAt;
    }

    public string RunId { get; }

    /// <summary>Per step address, the answer inbox id of the last answer the run took for it (journaled with the
    /// <c>answered</c> record): a resume takes only answers with a higher id, so none is taken twice.</summary>
    public IReadOnlyDictionary<string, long> AnswersTaken { get; private set; } = new Dictionary<string, long>();

    public string JournalPath { get; }

    public JournalContents Contents { get; }

    public IReadOnlyList<JournalRecord> Records => Contents.Records;

    /// <summary>True when the file is a run's journal at all (its first record starts a run).</summary>
    public bool IsRun => Problem is null && Records.Count > 0 && Records[0].Type == "run-started";

    /// <summary>Why the journal cannot be trusted at all (it cannot be read, or a record is not as the runner
    /// writes it), as "FILE:LINE: why"; null when it can. Such a run is listed, never reported on or resumed.</summary>
    public string? Problem { get; }

    public string PlaybookPath { get; } = "";

    public string PlaybookName { get; } = "";

    public string Sha256 { get; } = "";

    public int Seed { get; }

    public int Pid { get; }

    public TimeSpan? Rto { get; }

    public DateTimeOffset StartedAt { get; }

    public IReadOnlyDictionary<string, string> Inputs { get; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Secrets { get; } = Array.Empty<string>();

    /// <summary>The sha256 of every playbook the run can call, by absolute path, as they were when it
    /// started; null for a journal written before they were journaled.</summary>
    public IReadOnlyDictionary<string, string>? Callees { get; }

    /// <summary>What the operator said for the run (answers, report, …), as the last start or resume journaled it.</summary>
    public RunSettings Settings { get; } = new();

    /// <summary><c>success</c>, <c>failure</c>, <c>aborted</c> once ended; <c>interrupted</c> when it was
    /// stopped; <c>unfinished</c> when it stopped without a word (it crashed, or is still running).</summary>
    public string Status { get; } = "unfinished";

    public bool Finished => Status is "success" or "failure" or "aborted";

    /// <summary>A process is running this run right now (it holds the run's lock).</summary>
    public bool Running => !Finished && (_running?.Invoke() ?? RunLock.IsHeld(JournalPath));

    // For a run read from a shared store: whether its lease is held now (a lock file says nothing there).
    private Func<bool>? _running;

    /// <summary>A run a store read (<see cref="RunStores.IRunStore"/>): <paramref name="path"/> names it on this machine,
    /// <paramref name="running"/> says whether someone holds its lease now.</summary>
    public static JournaledRun FromStore(string path, JournalContents contents, Func<bool> running) =>
        new(path, contents) { _running = running };

    public int Resumes { get; }

    public string? End { get; }

    public TimeSpan Elapsed { get; }

    public string? Reason { get; }

    /// <summary>How the run's cleanup ended (ok, fail, aborted, interrupted), or null when it has none or the
    /// run has not ended; <see cref="CleanupReason"/> says why when it did not end ok.</summary>
    public string? Cleanup { get; }

    /// <summary>The end's message as the run rendered it (holes filled, redacted); null when the journal has none
    /// (no message, a run that has not ended, or a journal written before runs journaled it).</summary>
    public string? EndMessage { get; }

    public string? CleanupReason { get; }

    /// <summary>The run in the journal at <paramref name="path"/>; a file that cannot be read gives a run
    /// with a <see cref="Problem"/>, never an exception.</summary>
    public static JournaledRun Read(string path)
    {
        try
        {
            return new(path, JournalReader.Read(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new(path, new JournalContents(Array.Empty<JournalRecord>(), 0, null), $"{path}: cannot be read: {e.Message}");
        }
    }

    /// <summary>Every run journal in <paramref name="directory"/>, oldest first (run ids sort by time), those
    /// that cannot be trusted included (with their <see cref="Problem"/>).</summary>
    public static IReadOnlyList<JournaledRun> ReadAll(string directory)
    {
        if (!Directory.Exists(directory)) return Array.Empty<JournaledRun>();
        return Directory.EnumerateFiles(directory, "*" + Extension)
            .Order(StringComparer.Ordinal)
            .Select(Read)
            .Where(r => r.IsRun || r.Problem is not null)
            .ToList();
    }

    /// <summary>Records of the top-level playbook (not of the playbooks it called).</summary>
    private IEnumerable<JournalRecord> Own => Records.Where(r => !(r.Body.String("flow") ?? "").Contains('#', StringComparison.Ordinal));

    /// <summary>States entered by the playbook itself, in order.</summary>
    public IReadOnlyList<string> Path => Own.Where(r => r.Type == "state-entered").Select(r => r.Body.String("state") ?? "").ToList();

    /// <summary>Every attempt of every state, called playbooks' too (their flow names the call).</summary>
    public IReadOnlyList<TimelineEntry> Timeline => Records.Where(r => r.Type == "attempt-ended").Select(ToEntry).OrderBy(e => e.At).ToList();

    public IReadOnlyDictionary<string, object?> Captures
    {
        get
        {
            var captures = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var r in Own.Where(r => r.Type == "captured"))
            {
                var value = r.Body.TryGetProperty("value", out var v) ? JournalValues.Read(v) : null;
                captures[r.Body.String("name") ?? ""] = value;
            }
            return captures;
        }
    }

    public IReadOnlyList<Approval> Approvals => Records.Where(r => r.Type == "answered").Select(r => new Approval(
        r.Body.String("state") ?? "", r.Body.String("answer") ?? "", r.Body.String("who"),
        DateTimeOffset.TryParse(r.Body.String("when"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var w) ? w : r.At)).ToList();

    public IReadOnlyList<(string State, string Message)> Notifications =>
        Records.Where(r => r.Type == "notified").Select(r => (r.Body.String("state") ?? "", r.Body.String("message") ?? "")).ToList();

    internal static TimelineEntry ToEntry(JournalRecord r)
    {
        var flow = r.Body.String("flow") ?? "";
        return new TimelineEntry(r.Body.Millis("at_ms"), r.Body.String("state") ?? "", (int)(r.Body.Long("attempt") ?? 1),
            r.Body.String("outcome") ?? "", r.Body.Millis("duration_ms"), flow.Length == 0 ? null : flow, r.Body.String("note"));
    }

    /// <summary>A new run id: the start time (sortable) and a random suffix.</summary>
    public static string NewRunId(DateTimeOffset now) =>
        $"{now.UtcDateTime:yyyyMMdd-HHmmss}-{Random.Shared.Next(0x10000):x4}";
}
