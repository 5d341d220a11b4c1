using System.Globalization;
using System.Text;
using System.Text.Json;
using Playbook.Journal;
using Playbook.LiveRuns;
using Playbook.Text;

namespace Playbook.Web.Live;

/// <summary>One journal record as one line of a run page's timeline, for the page (escaped there) and for the
/// live event (JSON, shown with textContent by the script). Only what the runner journals for people is shown —
/// states, outcomes, notes, answers — never a step's outputs, captured values or commands: those are the
/// report's job, which redacts them with the run's secrets.</summary>
public static class RecordText
{
    public static string Describe(JournalRecord r)
    {
        var b = r.Body;
        var where = StateAddress.ItemAddressOf(b.String("flow") ?? "", b.String("state") ?? "");
        var attempt = b.Long("attempt") is { } a and > 1 ? $" attempt {a}" : "";
        return r.Type switch
        {
            "run-started" => $"run started: {b.String("name")}" + (b.TryGetProperty("rto_ms", out _) ? $" (RTO {DurationText.Format(b.Millis("rto_ms"))})" : ""),
            "state-entered" => $"entered {where}",
            "attempt-started" => $"{where}{(attempt.Length > 0 ? attempt + " (retry)" : "")} started",
            "process-started" => $"{where}{attempt}: process group {b.Long("pgid")} started",
            "request-sent" => $"{where}{attempt}: {b.String("method")} request sent",
            "process-stopped" => $"{where}{attempt}: process group {b.Long("pgid")} stopped",
            "attempt-ended" => $"{where}{attempt} → {b.String("outcome")} in {DurationText.Format(b.Millis("duration_ms"))}" + (b.String("note") is { Length: > 0 } n ? $": {n}" : ""),
            "captured" => $"{where}: captured {b.String("name")}",
            "moved" => $"moved from {b.String("from")} to {b.String("to")}",
            "branch-ended" => $"branch {b.String("branch")} of {b.String("parallel")} → {b.String("outcome")}",
            "foreach-started" => $"{where}: foreach started",
            "item-started" => $"{where}[{b.Long("index")}] started",
            "item-ended" => $"{where}[{b.Long("index")}] → {b.String("outcome")}",
            "foreach-ended" => $"{where}: foreach ended",
            "cleanup-started" => $"cleanup started ({b.String("status")})",
            "cleanup-ended" => $"cleanup → {b.String("outcome")}" + (b.String("reason") is { Length: > 0 } why ? $": {why}" : ""),
            "answered" => $"{where}: {b.String("answer")}" + (b.String("who") is { Length: > 0 } who ? $" by {who}" : ""),
            "asked" => $"{where}: asks: {b.String("prompt")}",
            "voted" => $"{where}: {b.String("answer")} by {b.String("who")} ({b.Long("count")} of {b.Long("quorum")})",
            "notified" => $"{where}: notified: {b.String("message")}",
            "run-resumed" => "run resumed" + (b.String("user") is { Length: > 0 } u ? $" by {u}" : ""),
            "run-interrupted" => $"run interrupted: {b.String("reason")}",
            "run-ended" => $"run ended: {b.String("status")}" + (b.String("end") is { Length: > 0 } end ? $" at {end}" : "") + (b.String("reason") is { Length: > 0 } reason ? $" ({reason})" : ""),
            _ => r.Type,
        };
    }

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) + "Z";

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>The live event's data: {seq, at, type, text}, plain JSON (never HTML).</summary>
    public static string Json(JournalRecord r)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteNumber("seq", r.Seq);
            w.WriteString("at", Time(r.At));
            w.WriteString("type", r.Type);
            w.WriteString("text", Describe(r));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
