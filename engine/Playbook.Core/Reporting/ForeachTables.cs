using Playbook.Journal;
using Playbook.LiveRuns;
using Playbook.Text;
using Scriban.Runtime;

namespace Playbook.Reporting;

/// <summary>A report's per-item tables: one per foreach the run entered, one row per item it started, read from
/// the journal (so every value is the journal's, already redacted). The foreach's own outcome and note (which
/// names the failed items) come from its attempt record; a table of a run that stopped inside the foreach shows
/// the items it had, the one in flight as <c>unfinished</c>.</summary>
internal static class ForeachTables
{
    /// <summary>The template's <c>loops</c>: <c>flow</c>, <c>state</c>, <c>outcome</c>, <c>note</c>, <c>count</c>
    /// (items in its list), <c>failed</c> (items that ended fail) and <c>items</c>, each with <c>index</c>
    /// (from 1), <c>item</c>, <c>outcome</c>, <c>attempts</c>, <c>duration</c>, <c>duration_ms</c>,
    /// <c>captures</c> (<c>name</c>, <c>value</c>), <c>note</c> and <c>given</c> (<c>scenario</c> when a rehearsal's scenario
    /// gave the item's outcome, else empty).</summary>
    public static ScriptArray Model(JournaledRun run)
    {
        var loops = new ScriptArray();
        var records = run.Records;
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Type != "foreach-started") continue;
            var flow = records[i].Body.String("flow") ?? "";
            var state = records[i].Body.String("state") ?? "";
            // Up to the foreach's own attempt record (its outcome), or the journal's end for a run stopped inside it.
            var end = i + 1;
            while (end < records.Count && !IsOwnAttempt(records[end], flow, state)) end++;
            var span = records.Skip(i).Take(end - i + (end < records.Count ? 1 : 0)).ToList();
            loops.Add(Loop(records[i], span, flow, state, end < records.Count ? records[end] : null));
        }
        return loops;
    }

    private static bool IsOwnAttempt(JournalRecord r, string flow, string state) =>
        r.Type == "attempt-ended" && r.Body.String("flow") == flow && r.Body.String("state") == state;

    private static bool Mine(JournalRecord r, string flow, string state) =>
        r.Body.String("flow") == flow && r.Body.String("state") == state;

    private static ScriptObject Loop(JournalRecord started, List<JournalRecord> span, string flow, string state, JournalRecord? ended)
    {
        var count = started.Body.TryGetProperty("items", out var list) && list.ValueKind == System.Text.Json.JsonValueKind.Array ? list.GetArrayLength() : 0;
        var items = new ScriptArray();
        var failed = 0;
        foreach (var itemStarted in span.Where(r => r.Type == "item-started" && Mine(r, flow, state)))
        {
            var index = (int)(itemStarted.Body.Long("index") ?? 0);
            var itemEnded = span.FirstOrDefault(r => r.Type == "item-ended" && Mine(r, flow, state) && r.Body.Long("index") == index);
            // The item's states journal under FOREACH[i], below the foreach's own flow (a call's prefix).
            var label = state + "[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";
            var itemFlow = flow.Length == 0 ? label : flow + "/" + label;
            bool InItem(JournalRecord r) => r.Body.String("flow") is { } f && (f == itemFlow || f.StartsWith(itemFlow + "/", StringComparison.Ordinal));
            var attempts = span.Where(r => r.Type == "attempt-ended" && InItem(r)).ToList();
            var captures = new ScriptArray();
            var seen = new Dictionary<string, ScriptObject>(StringComparer.Ordinal);
            foreach (var c in span.Where(r => r.Type == "captured" && InItem(r)))
            {
                var name = c.Body.String("name") ?? "";
                var value = RunReport.Shown(c.Body.TryGetProperty("value", out var v) ? JournalValues.Read(v) : null);
                // The last attempt's value is the item's, as NAME.results has it.
                if (seen.TryGetValue(name, out var known)) known["value"] = value;
                else captures.Add(seen[name] = new ScriptObject { ["name"] = name, ["value"] = value });
            }
            var outcome = itemEnded?.Body.String("outcome") ?? "unfinished";
            // A rehearsal's scenario may give an item's outcome: its body did not run, so nothing about it is real.
            var given = itemEnded?.Body.String("given") ?? "";
            if (outcome == "fail") failed++;
            var duration = itemEnded is null ? TimeSpan.Zero : itemEnded.Body.Millis("at_ms") - itemStarted.Body.Millis("at_ms");
            items.Add(new ScriptObject
            {
                ["index"] = index,
                ["item"] = RunReport.Shown(itemStarted.Body.TryGetProperty("item", out var item) ? JournalValues.Read(item) : null),
                ["outcome"] = outcome,
                ["attempts"] = attempts.Count,
                ["duration"] = DurationText.Format(duration < TimeSpan.Zero ? TimeSpan.Zero : duration),
                ["duration_ms"] = (long)Math.Max(0, duration.TotalMilliseconds),
                ["captures"] = captures,
                // Why the item ended as it did: its last attempt's note (a failure's exit code and stderr, an expect).
                ["note"] = given.Length > 0 ? $"outcome given by {given}, not real: its body did not run"
                    : outcome == "cancelled" ? "cut off: its phase's budget ran out while it ran"
                    : attempts.LastOrDefault()?.Body.String("note") ?? "",
                ["given"] = given,
            });
        }
        return new ScriptObject
        {
            ["flow"] = flow,
            ["state"] = state,
            ["outcome"] = ended?.Body.String("outcome") ?? "unfinished",
            ["note"] = ended?.Body.String("note") ?? "",
            ["count"] = count,
            ["failed"] = failed,
            ["items"] = items,
        };
    }
}
