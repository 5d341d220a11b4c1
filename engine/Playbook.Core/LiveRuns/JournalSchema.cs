using System.Globalization;
using System.Text.Json;
using Playbook.Journal;

namespace Playbook.LiveRuns;

/// <summary>The fields each record type must have, with their JSON types and ranges, checked before any
/// record is read for its meaning: a hand-edited or crafted journal with a wrong-typed or out-of-range field
/// (<c>"attempt": -1</c>, an input that is a number, a process group of 0 or 1) is refused with the file,
/// the line and the field, instead of being read as something the run never wrote. A record type the runner
/// does not write is refused too. Fields the table does not name are ignored.</summary>
public static class JournalSchema
{
    private enum Kind
    {
        Text,
        Name,
        Count,
        Attempt,
        Group,
        Millis,
        Bool,
        Time,
        Sha256,
        TextMap,
        TextList,
        GroupList,
        Value,
        Options,
        Decisions,
        Sealed,
        SecretNames,
    }

    private sealed record Field(string Name, Kind Kind, bool Required = true);

    private static Field F(string name, Kind kind) => new(name, kind);

    private static Field Opt(string name, Kind kind) => new(name, kind, Required: false);

    // A run is never longer than this: a larger time is not one the runner wrote (and would overflow a TimeSpan).
    private const double MaxMillis = 100.0 * 365 * 24 * 3600 * 1000;

    // A runner's own "pid" is a Count, not a Group: it is only shown (never signalled), and it is 1 when the
    // runner is a container's first process.
    private static readonly Dictionary<string, Field[]> Records = new(StringComparer.Ordinal)
    {
        ["run-started"] = [F("run", Kind.Name), F("playbook", Kind.Text), F("name", Kind.Name), F("sha256", Kind.Sha256), F("inputs", Kind.TextMap),
            F("secrets", Kind.TextList), F("seed", Kind.Count), Opt("rto_ms", Kind.Millis), F("started_at", Kind.Time), F("pid", Kind.Count), Opt("user", Kind.Text), Opt("options", Kind.Options),
            Opt("callees", Kind.TextMap)],
        ["state-entered"] = [F("flow", Kind.Text), F("state", Kind.Name), F("at_ms", Kind.Millis)],
        ["attempt-started"] = [F("flow", Kind.Text), F("state", Kind.Name), F("attempt", Kind.Attempt), F("at_ms", Kind.Millis), F("idempotent", Kind.Bool)],
        ["process-started"] = [F("flow", Kind.Text), F("state", Kind.Name), F("attempt", Kind.Attempt), F("pgid", Kind.Group), Opt("boot_id", Kind.Text), Opt("start_ticks", Kind.Count),
            Opt("cmdline_sha256", Kind.Sha256), Opt("command", Kind.Text), Opt("host", Kind.Text)],
        ["request-sent"] = [F("flow", Kind.Text), F("state", Kind.Name), F("attempt", Kind.Attempt), F("method", Kind.Name), F("url", Kind.Text)],
        ["process-stopped"] = [F("flow", Kind.Text), F("state", Kind.Name), F("attempt", Kind.Attempt), F("pgid", Kind.Group)],
        ["attempt-ended"] = [F("flow", Kind.Text), F("state", Kind.Name), F("attempt", Kind.Attempt), F("outcome", Kind.Name), F("at_ms", Kind.Millis),
            F("duration_ms", Kind.Millis), Opt("note", Kind.Text), Opt("outputs", Kind.Value),
            Opt("sealed", Kind.Sealed), Opt("sealed_with", Kind.SecretNames)],
        ["captured"] = [F("flow", Kind.Text), F("state", Kind.Name), F("name", Kind.Name), F("value", Kind.Value), Opt("sealed", Kind.Sealed),
            Opt("sealed_with", Kind.SecretNames)],
        ["moved"] = [F("flow", Kind.Text), F("from", Kind.Name), F("index", Kind.Count), F("to", Kind.Name), F("at_ms", Kind.Millis)],
        ["branch-ended"] = [F("flow", Kind.Text), F("parallel", Kind.Name), F("branch", Kind.Name), F("outcome", Kind.Name), F("at_ms", Kind.Millis)],
        ["foreach-started"] = [F("flow", Kind.Text), F("state", Kind.Name), F("items", Kind.Value), Opt("sealed", Kind.Sealed), Opt("sealed_with", Kind.SecretNames),
            F("at_ms", Kind.Millis)],
        ["item-started"] = [F("flow", Kind.Text), F("state", Kind.Name), F("index", Kind.Attempt), F("item", Kind.Value), F("at_ms", Kind.Millis)],
        ["item-ended"] = [F("flow", Kind.Text), F("state", Kind.Name), F("index", Kind.Attempt), F("outcome", Kind.Name), F("at_ms", Kind.Millis), Opt("given", Kind.Name)],
        ["foreach-ended"] = [F("flow", Kind.Text), F("state", Kind.Name), F("results", Kind.Value), Opt("sealed", Kind.Sealed), Opt("sealed_with", Kind.SecretNames),
            F("at_ms", Kind.Millis)],
        ["cleanup-started"] = [F("flow", Kind.Text), F("end", Kind.Name), F("status", Kind.Name), Opt("reason", Kind.Text), F("at_ms", Kind.Millis)],
        ["cleanup-ended"] = [F("flow", Kind.Text), F("outcome", Kind.Name), Opt("reason", Kind.Text), F("at_ms", Kind.Millis)],
        ["answered"] = [F("flow", Kind.Text), F("state", Kind.Name), F("answer", Kind.Name), Opt("who", Kind.Text), F("when", Kind.Time), Opt("from", Kind.Text), Opt("comment", Kind.Text),
            Opt("answer_id", Kind.Attempt)],
        ["asked"] = [F("flow", Kind.Text), F("state", Kind.Name), F("prompt", Kind.Text)],
        ["voted"] = [F("flow", Kind.Text), F("state", Kind.Name), F("answer", Kind.Name), F("who", Kind.Text), F("from", Kind.Text), F("when", Kind.Time), Opt("comment", Kind.Text),
            F("count", Kind.Attempt), F("quorum", Kind.Attempt), Opt("answer_id", Kind.Attempt)],
        ["notified"] = [F("flow", Kind.Text), F("state", Kind.Name), F("message", Kind.Text), Opt("delivery", Kind.Text)],
        ["run-resumed"] = [F("pid", Kind.Count), Opt("user", Kind.Text), Opt("cut", Kind.Text), F("in_flight", Kind.Decisions), F("stopped_process_groups", Kind.GroupList), Opt("options", Kind.Options),
            Opt("host", Kind.Text), Opt("taken_over_from", Kind.Text), Opt("lease_expired_at", Kind.Time), Opt("gap_ms", Kind.Millis)],
        ["lock-taken"] = [F("lock", Kind.Name)],
        ["run-interrupted"] = [F("reason", Kind.Text)],
        ["run-ended"] = [Opt("end", Kind.Name), F("status", Kind.Name), F("elapsed_ms", Kind.Millis), Opt("reason", Kind.Text), Opt("cleanup", Kind.Name), Opt("message", Kind.Text)],
    };

    /// <summary>The first record of <paramref name="contents"/> that is not as the runner writes it, with
    /// its line and why; null when every record is.</summary>
    public static (int Line, string Why)? Check(JournalContents contents)
    {
        foreach (var record in contents.Records)
        {
            if (Check(record) is { } problem) return (record.Line, problem);
        }
        return null;
    }

    /// <summary>What is wrong with one record, or null.</summary>
    public static string? Check(JournalRecord record)
    {
        if (!Records.TryGetValue(record.Type, out var fields))
            return $"'{record.Type}' is not a record the runner writes";
        if (record.Seq == 1 != (record.Type == "run-started"))
            return record.Seq == 1 ? $"the first record is '{record.Type}', not 'run-started'" : "'run-started' after the first record";
        foreach (var field in fields)
        {
            if (!record.Body.TryGetProperty(field.Name, out var value))
            {
                if (field.Required) return $"'{record.Type}' has no field '{field.Name}'";
                continue;
            }
            if (Problem(field.Kind, value) is { } why) return $"'{record.Type}': field '{field.Name}' {why}";
        }
        // A sealed value is opened with the secrets it names: one without the other is not what the runner writes.
        if (record.Body.TryGetProperty("sealed", out _) != record.Body.TryGetProperty("sealed_with", out _))
            return $"'{record.Type}' has one of 'sealed' and 'sealed_with' without the other";
        return null;
    }

    private static string Shown(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length <= 40 ? text : text[..40] + "…";
    }

    private static string? Problem(Kind kind, JsonElement value)
    {
        switch (kind)
        {
            case Kind.Text:
                return value.ValueKind == JsonValueKind.String ? null : $"is {Shown(value)}: it must be a string";
            case Kind.Name:
                return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } ? null : $"is {Shown(value)}: it must be a non-empty string";
            case Kind.Count:
                return WholeNumber(value, 0, long.MaxValue);
            case Kind.Attempt:
                return WholeNumber(value, 1, int.MaxValue);
            case Kind.Group:
                // 0 and 1 are not process groups a step can have: kill(0) and kill(-1) signal far more than one step.
                return WholeNumber(value, 2, int.MaxValue);
            case Kind.Millis:
                return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var ms) && double.IsFinite(ms) && ms >= 0 && ms <= MaxMillis
                    ? null : $"is {Shown(value)}: it must be a number of milliseconds from 0";
            case Kind.Bool:
                return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : $"is {Shown(value)}: it must be true or false";
            case Kind.Time:
                return value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)
                    ? null : $"is {Shown(value)}: it must be an ISO 8601 time";
            case Kind.Sha256:
                return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: 64 } h && h.All(char.IsAsciiHexDigitLower)
                    ? null : $"is {Shown(value)}: it must be 64 lowercase hex digits";
            case Kind.TextMap:
                if (value.ValueKind != JsonValueKind.Object) return $"is {Shown(value)}: it must be an object of strings";
                foreach (var p in value.EnumerateObject())
                    if (p.Value.ValueKind != JsonValueKind.String) return $"has '{p.Name}': {Shown(p.Value)}, which is not a string";
                return null;
            case Kind.TextList:
                if (value.ValueKind != JsonValueKind.Array) return $"is {Shown(value)}: it must be a list of strings";
                foreach (var item in value.EnumerateArray())
                    if (item.ValueKind != JsonValueKind.String) return $"holds {Shown(item)}, which is not a string";
                return null;
            case Kind.GroupList:
                if (value.ValueKind != JsonValueKind.Array) return $"is {Shown(value)}: it must be a list of process groups";
                foreach (var item in value.EnumerateArray())
                    if (WholeNumber(item, 2, int.MaxValue) is { } why) return $"holds a process group that {why}";
                return null;
            case Kind.Value:
                return null;
            case Kind.Sealed:
                // Nonce (12 bytes) and tag (16 bytes) at least; whether it opens is for the resume to find out.
                return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: >= 40 } b64
                    && Convert.TryFromBase64String(b64, new byte[b64.Length], out var n) && n >= 28
                    ? null : $"is {Shown(value)}: it must be base64 text of a sealed value";
            case Kind.SecretNames:
                if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0) return $"is {Shown(value)}: it must be a non-empty list of secret names";
                foreach (var item in value.EnumerateArray())
                    if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 }) return $"holds {Shown(item)}, which is not a secret name";
                return null;
            case Kind.Options:
                return Options(value);
            case Kind.Decisions:
                if (value.ValueKind != JsonValueKind.Array) return $"is {Shown(value)}: it must be a list";
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object) return $"holds {Shown(item)}, which is not an object";
                    if ((Sub(item, "flow", Kind.Text) ?? Sub(item, "state", Kind.Name) ?? Sub(item, "attempt", Kind.Attempt) ?? Sub(item, "choice", Kind.Name)) is { } why) return why;
                    if (item.GetProperty("choice").GetString() is not ("rerun" or "skip" or "fail")) return "holds a choice that is not rerun, skip or fail";
                    if (item.TryGetProperty("process", out var process) && (process.ValueKind != JsonValueKind.String || process.GetString() is not ("ended" or "never-started" or "waited" or "killed" or "unknown")))
                        return $"holds a process {Shown(process)} that is not ended, never-started, waited, killed or unknown";
                }
                return null;
            default:
                return null;
        }
    }

    private static string? Sub(JsonElement item, string name, Kind kind) =>
        !item.TryGetProperty(name, out var v) ? $"has an entry without '{name}'" : Problem(kind, v) is { } why ? $"has '{name}' that {why}" : null;

    private static string? Options(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object) return $"is {Shown(value)}: it must be an object";
        if (value.TryGetProperty("answers", out var answers))
        {
            if (answers.ValueKind != JsonValueKind.Object) return "has 'answers' that is not an object";
            foreach (var p in answers.EnumerateObject())
                if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString() is not ("approve" or "reject"))
                    return $"answers '{p.Name}' with {Shown(p.Value)}: a manual step is answered approve or reject";
        }
        foreach (var name in new[] { "report", "template", "journal", "cwd" })
            if (value.TryGetProperty(name, out var path) && (path.ValueKind != JsonValueKind.String || !Path.IsPathFullyQualified(path.GetString()!)))
                return $"has '{name}' {Shown(path)}, which is not an absolute path";
        if (value.TryGetProperty("no_wait", out var noWait) && noWait.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            return "has 'no_wait' that is not true or false";
        if (value.TryGetProperty("rehearsal", out var rehearsal) && rehearsal.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            return "has 'rehearsal' that is not true or false";
        if (value.TryGetProperty("scenario", out var scenario) && (scenario.ValueKind != JsonValueKind.String || scenario.GetString() is not { Length: > 0 }))
            return $"has 'scenario' {Shown(scenario)}, which is not a scenario name";
        if (value.TryGetProperty("real_steps", out var real))
        {
            if (real.ValueKind != JsonValueKind.Array) return "has 'real_steps' that is not a list";
            foreach (var step in real.EnumerateArray())
                if (step.ValueKind != JsonValueKind.String || step.GetString() is not { Length: > 0 }) return $"has 'real_steps' holding {Shown(step)}, which is not a step name";
        }
        return null;
    }

    private static string? WholeNumber(JsonElement value, long min, long max) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n >= min && n <= max
            ? null
            : $"is {Shown(value)}: it must be a whole number from {min}{(max == long.MaxValue ? "" : $" to {max}")}";
}
