using System.Text.Json;

namespace Playbook.LiveRuns;

/// <summary>The operator's options for a run, journaled with its start (and with each resume) so that a
/// resume behaves as the run was told to: the answers given in advance, where the report goes and with
/// which template, the journal directory, the working directory its shell steps run in, and whether it
/// may wait for answers nobody can give. Never a secret: answers are approve or reject, the rest are paths.</summary>
public sealed record RunSettings
{
    /// <summary>Manual steps answered in advance (approve or reject), by address (<see cref="StateAddress"/>).</summary>
    public IReadOnlyDictionary<string, string> Answers { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The report file (absolute), if one was asked for.</summary>
    public string? Report { get; init; }

    /// <summary>The report's template (absolute), if not the embedded one.</summary>
    public string? Template { get; init; }

    /// <summary>The journal directory (absolute).</summary>
    public string? JournalDirectory { get; init; }

    /// <summary>Where shell steps run (absolute).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>--no-wait: a manual step nobody can answer stops the run before it starts.</summary>
    public bool NoWait { get; init; }

    /// <summary>A rehearsal (<c>run --rehearse</c>): only <see cref="RealSteps"/> ran for real. Never resumed, and
    /// shown as a rehearsal by <c>runs</c> and the report, so it is never taken for a real recovery.</summary>
    public bool Rehearsal { get; init; }

    /// <summary>The scenario a rehearsal took its simulated outcomes from (--scenario), if any.</summary>
    public string? Scenario { get; init; }

    /// <summary>In a rehearsal: the steps that ran for real (the readonly ones); every other state was simulated.</summary>
    public IReadOnlyList<string> RealSteps { get; init; } = Array.Empty<string>();

    /// <summary>These settings with what the operator said on the resume command line on top: an answer
    /// given again replaces the journaled one for the same step, a report or template given replaces the
    /// journaled one, and --no-wait turns waiting off.</summary>
    public RunSettings OverriddenBy(IReadOnlyDictionary<string, string> answers, string? report, string? template, bool noWait)
    {
        var merged = new Dictionary<string, string>(Answers, StringComparer.Ordinal);
        foreach (var (step, answer) in answers) merged[step] = answer;
        return this with
        {
            Answers = merged,
            Report = report ?? Report,
            Template = template ?? Template,
            NoWait = noWait || NoWait,
        };
    }

    internal void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject("options");
        w.WriteStartObject("answers");
        foreach (var (step, answer) in Answers.OrderBy(a => a.Key, StringComparer.Ordinal)) w.WriteString(step, answer);
        w.WriteEndObject();
        if (Report is not null) w.WriteString("report", Report);
        if (Template is not null) w.WriteString("template", Template);
        if (JournalDirectory is not null) w.WriteString("journal", JournalDirectory);
        if (WorkingDirectory is not null) w.WriteString("cwd", WorkingDirectory);
        w.WriteBoolean("no_wait", NoWait);
        if (Rehearsal)
        {
            w.WriteBoolean("rehearsal", true);
            if (Scenario is not null) w.WriteString("scenario", Scenario);
            w.WriteStartArray("real_steps");
            foreach (var step in RealSteps) w.WriteStringValue(step);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary>The settings of a record's <c>options</c> object; null when it has none (a journal written
    /// before options were journaled). Field types are checked by <see cref="JournalSchema"/> first.</summary>
    internal static RunSettings? Read(JsonElement record)
    {
        if (!record.TryGetProperty("options", out var o) || o.ValueKind != JsonValueKind.Object) return null;
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (o.TryGetProperty("answers", out var a) && a.ValueKind == JsonValueKind.Object)
            foreach (var p in a.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.String) answers[p.Name] = p.Value.GetString()!;
        return new RunSettings
        {
            Answers = answers,
            Report = o.String("report"),
            Template = o.String("template"),
            JournalDirectory = o.String("journal"),
            WorkingDirectory = o.String("cwd"),
            NoWait = o.TryGetProperty("no_wait", out var n) && n.ValueKind == JsonValueKind.True,
            Rehearsal = o.TryGetProperty("rehearsal", out var h) && h.ValueKind == JsonValueKind.True,
            Scenario = o.String("scenario"),
            RealSteps = o.TryGetProperty("real_steps", out var real) && real.ValueKind == JsonValueKind.Array
                ? real.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
                : Array.Empty<string>(),
        };
    }
}
