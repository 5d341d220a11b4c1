using System.Text.Json;
using Playbook.Journal;
using Playbook.LiveRuns;
using Playbook.Text;
using Scriban.Runtime;

namespace Playbook.Reporting;

/// <summary>A report's evidence per step, read from the journal only: every value is the journal's, which was
/// redacted before it was written (outputs are redacted, then capped, as they arrive), so nothing here can
/// show a secret. Commands are the ones <c>process-started</c> journaled (as written, holes as <c>${…}</c>,
/// never re-rendered from inputs); requests, <c>request-sent</c>'s method and URL (redacted when it was journaled).</summary>
internal static class StepEvidence
{
    /// <summary>The lines of stdout and stderr a report shows: the last ones, where a failure says why.</summary>
    public const int TailLines = 20;

    /// <summary>The most characters of a tail: 20 lines of one megabyte each would drown the report.</summary>
    public const int TailChars = 4000;

    /// <summary>The template's <c>steps</c>, in the order they first ran: <c>flow</c>, <c>state</c>, <c>title</c>,
    /// <c>outcome</c> (the last attempt's), <c>note</c>, <c>captures</c> (<c>name</c>, <c>value</c>) and
    /// <c>attempts</c>, each with <c>attempt</c>, <c>outcome</c>, <c>at</c>, <c>time</c> (UTC), <c>duration</c>,
    /// <c>command</c>, <c>same_command</c> (the previous attempt's), <c>exit_code</c>, <c>http_status</c>, <c>stdout</c>, <c>stderr</c>, <c>body</c> (tails,
    /// empty when there was none), <c>cut</c> (true when a tail is not the whole output) and <c>note</c>.</summary>
    public static ScriptArray Model(JournaledRun run, ReportPlan plan)
    {
        var records = run.Records;
        var commands = new Dictionary<(string, string, long), string>();
        foreach (var r in records.Where(r => r.Type is "process-started" or "request-sent"))
            if ((r.Type == "request-sent" ? r.Body.String("method") + " " + r.Body.String("url") : r.Body.String("command")) is { } command)
                commands[(r.Body.String("flow") ?? "", r.Body.String("state") ?? "", r.Body.Long("attempt") ?? 1)] = command;

        var steps = new ScriptArray();
        var byKey = new Dictionary<(string, string), (ScriptObject Step, ScriptArray Attempts)>();
        foreach (var r in records.Where(r => r.Type == "attempt-ended").OrderBy(r => r.Body.Millis("at_ms")))
        {
            var flow = r.Body.String("flow") ?? "";
            var state = r.Body.String("state") ?? "";
            if (!byKey.TryGetValue((flow, state), out var known))
            {
                var attempts = new ScriptArray();
                known = (new ScriptObject
                {
                    ["flow"] = flow,
                    ["state"] = state,
                    ["title"] = plan.Titles.TryGetValue(state, out var title) ? title : "",
                    ["attempts"] = attempts,
                    ["captures"] = Captures(records, flow, state),
                }, attempts);
                byKey[(flow, state)] = known;
                steps.Add(known.Step);
            }
            var (step, list) = known;
            var attempt = r.Body.Long("attempt") ?? 1;
            var shown = Attempt(run, r, commands.GetValueOrDefault((flow, state, attempt), ""));
            // A retry runs the same command: a report says so instead of repeating it.
            shown["same_command"] = list.Count > 0 && list[^1] is ScriptObject previous && Equals(previous["command"], shown["command"]);
            list.Add(shown);
            step["outcome"] = r.Body.String("outcome") ?? "";
            step["note"] = r.Body.String("note") ?? "";
        }
        return steps;
    }

    private static ScriptObject Attempt(JournaledRun run, JournalRecord r, string command)
    {
        var at = r.Body.Millis("at_ms");
        var outputs = r.Body.TryGetProperty("outputs", out var o) && o.ValueKind == JsonValueKind.Object ? o : (JsonElement?)null;
        var response = outputs is { } ro && ro.TryGetProperty("response", out var resp) && resp.ValueKind == JsonValueKind.Object ? resp : (JsonElement?)null;
        var (stdout, stdoutCut) = Tail(outputs?.String("stdout"));
        var (stderr, stderrCut) = Tail(outputs?.String("stderr"));
        var (body, bodyCut) = Tail(response?.String("body"));
        return new ScriptObject
        {
            ["attempt"] = r.Body.Long("attempt") ?? 1,
            ["outcome"] = r.Body.String("outcome") ?? "",
            ["at"] = "+" + DurationText.Format(at),
            ["at_ms"] = (long)at.TotalMilliseconds,
            ["time"] = RunReport.Iso(run.StartedAt + at),
            ["duration"] = DurationText.Format(r.Body.Millis("duration_ms")),
            ["duration_ms"] = (long)r.Body.Millis("duration_ms").TotalMilliseconds,
            ["command"] = command,
            ["exit_code"] = outputs?.Long("exit_code"),
            ["http_status"] = response?.Long("status"),
            ["stdout"] = stdout,
            ["stderr"] = stderr,
            ["body"] = body,
            ["cut"] = stdoutCut || stderrCut || bodyCut,
            ["note"] = r.Body.String("note") ?? "",
        };
    }

    /// <summary>The step's captured values, the last attempt's for a name captured more than once.</summary>
    private static ScriptArray Captures(IReadOnlyList<JournalRecord> records, string flow, string state)
    {
        var captures = new ScriptArray();
        var seen = new Dictionary<string, ScriptObject>(StringComparer.Ordinal);
        foreach (var c in records.Where(r => r.Type == "captured" && r.Body.String("flow") == flow && r.Body.String("state") == state))
        {
            var name = c.Body.String("name") ?? "";
            var value = RunReport.Shown(c.Body.TryGetProperty("value", out var v) ? JournalValues.Read(v) : null);
            if (seen.TryGetValue(name, out var known)) known["value"] = value;
            else captures.Add(seen[name] = new ScriptObject { ["name"] = name, ["value"] = value });
        }
        return captures;
    }

    /// <summary>The last <see cref="TailLines"/> lines of <paramref name="text"/>, at most <see cref="TailChars"/>
    /// characters (the end kept), and whether anything was left out.</summary>
    internal static (string Text, bool Cut) Tail(string? text)
    {
        if (string.IsNullOrEmpty(text)) return ("", false);
        var trimmed = text.TrimEnd('\n');
        var lines = trimmed.Split('\n');
        var cut = lines.Length > TailLines;
        var tail = cut ? string.Join('\n', lines[^TailLines..]) : trimmed;
        if (tail.Length > TailChars)
        {
            var start = tail.Length - TailChars;
            // Never half a surrogate pair at the cut.
            if (char.IsLowSurrogate(tail[start])) start++;
            tail = tail[start..];
            cut = true;
        }
        return (tail, cut);
    }
}
