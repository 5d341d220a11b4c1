using System.Text.Json;
using Playbook.Compiling;
using Playbook.Journal;
using Playbook.EngineCore;
using Playbook.LiveRuns.Actions;

namespace Playbook.LiveRuns;

/// <summary>The journal of one run, in the record types <see cref="JournaledRun"/> reads back. Every
/// value is redacted before it is written: a secret never reaches the disk. Each record is written with
/// one write, so a killed process never tears one. The records that matter outside the process — an
/// attempt's intent (before its action starts), its completion, a process group, an answer, a
/// notification, the start and end of the run — are flushed to disk (fsync) before the method returns;
/// the engine's own bookkeeping in between (state entered, moved, captured, branch ended) rides on the
/// next flush, which always comes before the next action starts.</summary>
public sealed class RunJournal : IDisposable
{
    private readonly JournalWriter _writer;

    /// <param name="runId">What sealed values are bound to (<see cref="SealedValues"/>); by default the journal's file name.</param>
    public RunJournal(JournalWriter writer, Redactor redactor, string? runId = null)
    {
        _writer = writer;
        Redactor = redactor;
        RunId = runId ?? System.IO.Path.GetFileNameWithoutExtension(writer.Path);
    }

    public string RunId { get; }

    public string Path => _writer.Path;

    public Redactor Redactor { get; }

    /// <summary>The run's own events, as an observer of its main engine.</summary>
    public JournalScope Root => new(this, "");

    public void RunStarted(string runId, CompiledPlaybook playbook, string sha256, IReadOnlyDictionary<string, string> inputs, int seed, DateTimeOffset startedAt,
        RunSettings? settings = null, IReadOnlyDictionary<string, string>? callees = null) =>
        _writer.Append("run-started", w =>
        {
            w.WriteString("run", runId);
            w.WriteString("playbook", System.IO.Path.GetFullPath(playbook.Path));
            w.WriteString("name", playbook.Name);
            w.WriteString("sha256", sha256);
            w.WriteStartObject("inputs");
            foreach (var (k, v) in inputs) w.WriteString(k, Redactor.Redact(v));
            w.WriteEndObject();
            w.WriteStartArray("secrets");
            foreach (var s in playbook.Model.Secrets) w.WriteStringValue(s.Name.Text);
            w.WriteEndArray();
            w.WriteNumber("seed", seed);
            if (playbook.Rto is { } rto) w.WriteMillis("rto_ms", rto);
            w.WriteString("started_at", startedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteNumber("pid", Environment.ProcessId);
            // Who started it, for a report's "who and when" (journals written before this have no user).
            w.WriteString("user", Redactor.Redact(StartedBy()));
            settings?.Write(w);
            if (callees is not null)
            {
                w.WriteStartObject("callees");
                foreach (var (path, sha) in callees) w.WriteString(path, sha);
                w.WriteEndObject();
            }
        });

    /// <summary>The environment variable through which whoever starts <c>playbook run</c> on someone's behalf (the web
    /// console) names that person; it is a label, like USER, and no more trusted than it.</summary>
    public const string StartedByVariable = "PLAYBOOK_STARTED_BY";

    /// <summary>The person a run is started for: the console's signed-in user (as <c>NAME via the web console, as
    /// OSUSER</c>), or the operating-system user who ran the command.</summary>
    public static string StartedBy() =>
        Environment.GetEnvironmentVariable(StartedByVariable) is { Length: > 0 } person
            ? $"{person} via the web console, as {Environment.UserName}"
            : Environment.UserName;

    /// <param name="process">What the attempt's process had left (ended, never-started, waited, killed, unknown), if it ran one.</param>
    public void Resumed(JournalDamage? cut, IEnumerable<(string Flow, string State, int Attempt, InFlightChoice Choice)> decisions, IEnumerable<int> stopped,
        Func<string, string, int, string?>? process = null, RunSettings? settings = null, RunStores.Takeover? takeover = null) =>
        _writer.Append("run-resumed", w =>
        {
            w.WriteNumber("pid", Environment.ProcessId);
            w.WriteString("user", Environment.UserName);
            if (takeover is not null)
            {
                // A shared store's run taken over from a runner that stopped renewing its lease: who, when, how long without one.
                w.WriteString("host", RunStores.LeaseOwner.HostName());
                w.WriteString("taken_over_from", takeover.From.ToString());
                w.WriteString("lease_expired_at", takeover.ExpiredAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                w.WriteMillis("gap_ms", takeover.Gap);
            }
            if (cut is not null) w.WriteString("cut", cut.Reason);
            w.WriteStartArray("in_flight");
            foreach (var (flow, state, attempt, choice) in decisions)
            {
                w.WriteStartObject();
                w.WriteString("flow", flow);
                w.WriteString("state", state);
                w.WriteNumber("attempt", attempt);
                w.WriteString("choice", choice.ToString().ToLowerInvariant());
                if (process?.Invoke(flow, state, attempt) is { } found) w.WriteString("process", found);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("stopped_process_groups");
            foreach (var g in stopped) w.WriteNumberValue(g);
            w.WriteEndArray();
            settings?.Write(w);
        });

    /// <summary>A process group a resume stopped (identity checked) before it went on, or before it asked
    /// what to do with the attempt whose process it was.</summary>
    public void ProcessStopped(string flow, string state, int attempt, int processGroup) =>
        _writer.Append("process-stopped", w =>
        {
            w.WriteString("flow", flow);
            w.WriteString("state", state);
            w.WriteNumber("attempt", attempt);
            w.WriteNumber("pgid", processGroup);
        });

    public void RunEnded(RunResult result) =>
        _writer.Append("run-ended", w =>
        {
            if (result.End is not null) w.WriteString("end", result.End);
            w.WriteString("status", result.StatusText);
            w.WriteMillis("elapsed_ms", result.Elapsed);
            if (result.Reason is not null) w.WriteString("reason", Redactor.Redact(result.Reason));
            if (result.Cleanup is { } cleanup) w.WriteString("cleanup", cleanup.Outcome);
            // The end's message with its holes filled, redacted like every value: what a report shows as the end.
            if (result.EndMessage is not null) w.WriteString("message", Redactor.Redact(result.EndMessage));
        });

    /// <summary>The run holds its <c>lock "…"</c> from here on (written after <c>run-started</c>, and after each
    /// <c>run-resumed</c>, which takes it again): so a report can say which lock it held and when. The name is
    /// redacted like any value (it is made from inputs).</summary>
    public void LockTaken(string name) =>
        _writer.Append("lock-taken", w => w.WriteString("lock", Redactor.Redact(name)));

    /// <summary>The run was stopped (Ctrl+C, SIGTERM) and can be resumed.</summary>
    public void Interrupted(string why) =>
        _writer.Append("run-interrupted", w => w.WriteString("reason", why));

    /// <summary>Writes <paramref name="value"/> redacted as <paramref name="field"/>; when it holds a secret, also
    /// <c>sealed</c> (its real value, encrypted under those secrets: <see cref="SealedValues"/>) and
    /// <c>sealed_with</c> (their names), so that a resume continues with the real value.</summary>
    internal void WriteSealable(Utf8JsonWriter w, string field, object? value, string context)
    {
        w.WritePropertyName(field);
        JournalValues.Write(w, Redactor.Redact(value));
        var names = Redactor.NamesIn(value);
        if (names.Count == 0) return;
        w.WriteString("sealed", SealedValues.Seal(value, names, Redactor.Secrets, RunId, context));
        w.WriteStartArray("sealed_with");
        foreach (var name in names) w.WriteStringValue(name);
        w.WriteEndArray();
    }

    internal void Append(string type, Action<Utf8JsonWriter> fields, bool flush = true) => _writer.Append(type, fields, flush);

    public void Dispose() => _writer.Dispose();
}

/// <summary>The journal as seen from one engine: a called playbook's records carry the flow of the call
/// ("step#attempt", nested with '/'), so one journal holds the whole run and resume finds each part.</summary>
public sealed class JournalScope(RunJournal journal, string prefix) : IRunObserver
{
    public RunJournal Journal => journal;

    public string Prefix => prefix;

    /// <summary>The scope of a playbook called by <paramref name="state"/> (attempt <paramref name="attempt"/>) in <paramref name="flow"/>.</summary>
    public JournalScope Callee(string flow, CompiledState state, int attempt) =>
        new(journal, Flow(flow) is { Length: > 0 } f ? $"{f}/{state.Name}#{attempt}" : $"{state.Name}#{attempt}");

    public string Flow(string flow) => prefix.Length == 0 ? flow : flow.Length == 0 ? prefix : $"{prefix}/{flow}";

    private Redactor Redactor => journal.Redactor;

    public void StateEntered(string flow, CompiledState state, TimeSpan at) =>
        journal.Append("state-entered", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("state", state.Name);
            w.WriteMillis("at_ms", at);
        }, flush: false);

    public void AttemptStarting(string flow, CompiledState state, int attempt, TimeSpan at) =>
        journal.Append("attempt-started", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("state", state.Name);
            w.WriteNumber("attempt", attempt);
            w.WriteMillis("at_ms", at);
            w.WriteBoolean("idempotent", state.Idempotent);
        });

    /// <summary>A step's process group, written (and fsynced) while its leader waits at its gate, so it is on
    /// disk before the command runs. <paramref name="command"/> is what <c>playbook runs</c> shows (redacted).</summary>
    public void ProcessStarted(string flow, CompiledState state, int attempt, int processGroup, string? command = null) =>
        journal.Append("process-started", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("state", state.Name);
            w.WriteNumber("attempt", attempt);
            w.WriteNumber("pgid", processGroup);
            if (ProcessIdentity.Of(processGroup) is { } identity)
            {
                w.WriteString("boot_id", identity.BootId);
                w.WriteNumber("start_ticks", identity.StartTicks);
                if (identity.CommandLine is not null) w.WriteString("cmdline_sha256", identity.CommandLine);
            }
            if (command is not null) w.WriteString("command", Redactor.Redact(command));
            // Where its step files are: a resume on another host cannot read them, and must not read a missing
            // status file there as "never started".
            w.WriteString("host", RunStores.LeaseOwner.HostName());
        });

    /// <summary>An http step's request as it is sent (method and URL, redacted), for a report's evidence: what
    /// <c>process-started</c>'s command is for a shell step. Headers and body are not journaled.</summary>
    public void RequestSent(string flow, CompiledState state, int attempt, string method, string url) =>
        journal.Append("request-sent", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("state", state.Name);
            w.WriteNumber("attempt", attempt);
            w.WriteString("method", method);
            w.WriteString("url", Redactor.Redact(url));
        }, flush: false);

    public void AttemptEnded(string flow, CompiledState state, TimelineEntry entry, IReadOnlyDictionary<string, object?>? outputs) =>
        journal.Append("attempt-ended", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("state", entry.State);
            w.WriteNumber("attempt", entry.Attempt);
            w.WriteString("outcome", entry.Outcome);
            w.WriteMillis("at_ms", entry.At);
            w.WriteMillis("duration_ms", entry.Duration);
            if (entry.Note is not null) w.WriteString("note", Redactor.Redact(entry.Note));
            if (outputs is not null)
                journal.WriteSealable(w, "outputs", outputs, SealedValues.Context("attempt-ended", Flow(flow), entry.State, JournalValues.Invariant(entry.Attempt)));
        });

    public void Captured(string flow, CompiledState state, string name, object? value) =>
        journal.Append("captured", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("state", state.Name);
            w.WriteString("name", name);
            journal.WriteSealable(w, "value", value, SealedValues.Context("captured", Flow(flow), state.Name, name));
        }, flush: false);

    public void Moved(string flow, CompiledState from, CompiledTransition transition, TimeSpan at) =>
        journal.Append("moved", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("from", from.Name);
            w.WriteNumber("index", transition.Index);
            w.WriteString("to", transition.Target!.Name);
            w.WriteMillis("at_ms", at);
        }, flush: false);

    public void BranchEnded(string flow, CompiledState parallel, string branch, string outcome, TimeSpan at) =>
        journal.Append("branch-ended", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("parallel", parallel.Name);
            w.WriteString("branch", branch);
            w.WriteString("outcome", outcome);
            w.WriteMillis("at_ms", at);
        }, flush: false);

    /// <summary>Flushed: once on disk, a resume iterates over exactly this list (redacted, and sealed when it
    /// holds a secret, like any value).</summary>
    public void ForeachStarted(string flow, CompiledState loop, System.Collections.IList items, TimeSpan at) =>
        journal.Append("foreach-started", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("state", loop.Name);
            journal.WriteSealable(w, "items", items, SealedValues.Context("foreach-started", Flow(flow), loop.Name, "items"));
            w.WriteMillis("at_ms", at);
        });

    public void ItemStarted(string flow, CompiledState loop, int index, object? item, TimeSpan at) =>
        journal.Append("item-started", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("state", loop.Name);
            w.WriteNumber("index", index + 1);
            w.WritePropertyName("item");
            JournalValues.Write(w, Redactor.Redact(item));
            w.WriteMillis("at_ms", at);
        }, flush: false);

    /// <summary>Flushed: once on disk, a resume takes the item's outcome and captures from the journal and does not run it again.</summary>
    public void ItemEnded(string flow, CompiledState loop, int index, string outcome, TimeSpan at, string? given = null) =>
        journal.Append("item-ended", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("state", loop.Name);
            w.WriteNumber("index", index + 1);
            w.WriteString("outcome", outcome);
            // Only a rehearsal's scenario gives an item's outcome; a real item's record has no 'given'.
            if (given is not null) w.WriteString("given", given);
            w.WriteMillis("at_ms", at);
        });

    public void ForeachEnded(string flow, CompiledState loop, object? results, TimeSpan at) =>
        journal.Append("foreach-ended", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("state", loop.Name);
            journal.WriteSealable(w, "results", results, SealedValues.Context("foreach-ended", Flow(flow), loop.Name, "results"));
            w.WriteMillis("at_ms", at);
        }, flush: false);

    /// <summary>Flushed: once on disk, a resume runs the cleanup (not the main flow) and knows how the run ended.</summary>
    public void CleanupStarted(string flow, string end, RunStatus status, string? reason, TimeSpan at) =>
        journal.Append("cleanup-started", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("end", end);
            w.WriteString("status", status switch { RunStatus.Success => "success", RunStatus.Failure => "failure", _ => "aborted" });
            if (reason is not null) w.WriteString("reason", Redactor.Redact(reason));
            w.WriteMillis("at_ms", at);
        });

    public void CleanupEnded(string flow, string outcome, string? reason, TimeSpan at) =>
        journal.Append("cleanup-ended", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("outcome", outcome);
            if (reason is not null) w.WriteString("reason", Redactor.Redact(reason));
            w.WriteMillis("at_ms", at);
        });

    public void Answered(string flow, CompiledState state, ManualAnswer answer, DateTimeOffset when) =>
        journal.Append("answered", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("state", state.Name);
            w.WriteString("answer", answer.Outcome);
            if (answer.Who is not null) w.WriteString("who", Redactor.Redact(answer.Who));
            w.WriteString("when", (answer.At ?? when).UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            if (answer.From is not null) w.WriteString("from", Redactor.Redact(answer.From));
            if (answer.Comment is not null) w.WriteString("comment", Redactor.Redact(answer.Comment));
            if (answer.InboxId is { } id) w.WriteNumber("answer_id", id);
        });

    /// <summary>The longest prompt an <c>asked</c> record keeps (cut after redaction, so no secret is cut in half).</summary>
    public const int MaxPromptLength = 2000;

    /// <summary>The question a manual step puts, as the runner rendered it (holes filled, then redacted, then cut): so
    /// that whoever answers from elsewhere (the web console, <c>playbook answer</c>) reads what the terminal shows,
    /// not the playbook's template.</summary>
    public void Asked(string flow, CompiledState state, string prompt) =>
        journal.Append("asked", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("state", state.Name);
            var redacted = Redactor.Redact(prompt);
            w.WriteString("prompt", redacted.Length <= MaxPromptLength ? redacted : redacted[..MaxPromptLength] + "…");
        });

    /// <summary>One approval of a step that needs several (<c>quorum</c>), as it arrives: who, from where, when, and
    /// the comment (redacted like any value). The step's <c>answered</c> record follows once the quorum is met.</summary>
    public void Voted(string flow, CompiledState state, RunStores.PostedAnswer vote, int count, int quorum) =>
        journal.Append("voted", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("state", state.Name);
            w.WriteString("answer", vote.Outcome);
            w.WriteString("who", Redactor.Redact(vote.Who));
            w.WriteString("from", Redactor.Redact(vote.From));
            w.WriteString("when", vote.At.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            if (vote.Comment is not null) w.WriteString("comment", Redactor.Redact(vote.Comment));
            w.WriteNumber("count", count);
            w.WriteNumber("quorum", quorum);
            if (vote.Id > 0) w.WriteNumber("answer_id", vote.Id);
        });

    public void Notified(string flow, CompiledState state, string message, string? delivery) =>
        journal.Append("notified", w =>
        {
            w.WriteString("flow", Flow(flow));
            w.WriteString("state", state.Name);
            w.WriteString("message", Redactor.Redact(message));
            if (delivery is not null) w.WriteString("delivery", Redactor.Redact(delivery));
        });
}
