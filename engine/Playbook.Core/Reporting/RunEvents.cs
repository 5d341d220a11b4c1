using Playbook.LiveRuns;
using Playbook.Text;
using Scriban.Runtime;

namespace Playbook.Reporting;

/// <summary>The run as a list of events in time order, for a postmortem's timeline: start, each attempt's end,
/// answers, notifications, stops, resumes, orphans stopped, cleanup and the end. Each is structured (kind,
/// state, outcome, …) rather than a sentence, so the template words it and escapes every value itself.</summary>
internal static class RunEvents
{
    /// <summary>The template's <c>events</c>: <c>time</c> (UTC), <c>at</c> (offset), <c>kind</c> (started, attempt,
    /// answered, notified, interrupted, resumed, orphan, cleanup, ended), <c>flow</c>, <c>state</c>, <c>attempt</c>,
    /// <c>outcome</c>, <c>duration</c>, <c>note</c> and <c>who</c>.</summary>
    public static ScriptArray Model(JournaledRun run)
    {
        var events = new List<(DateTimeOffset When, long Seq, ScriptObject Event)>();
        void Add(Journal.JournalRecord r, string kind, DateTimeOffset? when = null, string state = "", string outcome = "", string note = "", string who = "",
            TimeSpan? duration = null, long attempt = 0)
        {
            var time = when ?? r.At;
            events.Add((time, r.Seq, new ScriptObject
            {
                ["time"] = RunReport.Iso(time),
                ["at"] = "+" + DurationText.Format(time < run.StartedAt ? TimeSpan.Zero : time - run.StartedAt),
                ["kind"] = kind,
                ["flow"] = r.Body.String("flow") ?? "",
                ["state"] = state,
                ["attempt"] = attempt,
                ["outcome"] = outcome,
                ["duration"] = duration is { } d ? DurationText.Format(d) : "",
                ["note"] = note,
                ["who"] = who,
            }));
        }
        foreach (var r in run.Records)
        {
            var b = r.Body;
            switch (r.Type)
            {
                case "run-started": Add(r, "started", run.StartedAt, who: b.String("user") ?? ""); break;
                case "attempt-ended":
                    // An attempt ends at its start plus its duration, on the run's clock.
                    Add(r, "attempt", run.StartedAt + b.Millis("at_ms") + b.Millis("duration_ms"), b.String("state") ?? "", b.String("outcome") ?? "", b.String("note") ?? "",
                        duration: b.Millis("duration_ms"), attempt: b.Long("attempt") ?? 1);
                    break;
                case "answered": Add(r, "answered", state: b.String("state") ?? "", outcome: b.String("answer") ?? "", who: b.String("who") ?? ""); break;
                case "notified": Add(r, "notified", state: b.String("state") ?? "", note: b.String("message") ?? ""); break;
                case "run-interrupted": Add(r, "interrupted", note: b.String("reason") ?? ""); break;
                case "run-resumed":
                    Add(r, "resumed", who: b.String("user") ?? "",
                        note: b.String("taken_over_from") is { } from ? $"taken over on {b.String("host")} from {from} ({DurationText.Format(b.Millis("gap_ms"))} without a runner)" : "");
                    break;
                case "process-stopped": Add(r, "orphan", state: b.String("state") ?? "", attempt: b.Long("attempt") ?? 1, note: b.Long("pgid")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""); break;
                case "cleanup-ended" when b.String("flow") == Semantics.CleanupSymbol.FlowName: Add(r, "cleanup", outcome: b.String("outcome") ?? "", note: b.String("reason") ?? ""); break;
                case "run-ended": Add(r, "ended", run.StartedAt + b.Millis("elapsed_ms"), b.String("end") ?? "", b.String("status") ?? "", b.String("reason") ?? ""); break;
            }
        }
        return new ScriptArray(events.OrderBy(e => e.When).ThenBy(e => e.Seq).Select(e => e.Event));
    }
}
