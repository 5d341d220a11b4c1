using System.Collections;
using System.Text;
using System.Text.Json;
using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.Simulation;
using Playbook.Text;
using Playbook.Timing;

namespace Playbook.Cli.Output;

/// <summary><c>playbook simulate --format json</c>: one indented document per invocation, properties
/// always in the order README.md gives. Durations appear twice: as text (<c>"1h2m3s"</c>) and in whole
/// milliseconds (<c>_ms</c>).</summary>
internal static class SimulationJson
{
    public const int SchemaVersion = 1;

    public static string Run(CompiledPlaybook playbook, RunResult run, int seed) => Write(json =>
    {
        Header(json, playbook, "run");
        json.WriteNumber("seed", seed);
        json.WriteString("end", run.End);
        json.WriteString("status", run.StatusText);
        json.WriteStartArray("path");
        foreach (var state in run.Path) json.WriteStringValue(state);
        json.WriteEndArray();
        Duration(json, "elapsed", run.Elapsed);
        Duration(json, "rto", playbook.Rto);
        json.WriteStartArray("timeline");
        foreach (var e in run.Timeline)
        {
            json.WriteStartObject();
            Duration(json, "at", e.At);
            json.WriteString("state", e.State);
            json.WriteString("branch", e.Branch);
            json.WriteNumber("attempt", e.Attempt);
            json.WriteString("outcome", e.Outcome);
            Duration(json, "duration", e.Duration);
            json.WriteString("note", e.Note);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WritePropertyName("captures");
        Value(json, run.Captures.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => c.Value));
        json.WriteString("reason", run.Reason);
    });

    /// <param name="cleanup">The cleanup's worst case, or null when the playbook has none: written as its own
    /// <c>cleanup</c> field (null without one), never added to an end's total — it runs after the end.</param>
    public static string WorstCase(CompiledPlaybook playbook, IReadOnlyList<WorstCaseEnd> ends, (TimeBound Total, IReadOnlyList<PathStep> Path)? cleanup = null) => Write(json =>
    {
        Header(json, playbook, "worst-case");
        Duration(json, "rto", playbook.Rto);
        json.WriteStartArray("ends");
        foreach (var end in ends)
        {
            json.WriteStartObject();
            json.WriteString("end", end.End);
            json.WriteString("status", end.StatusText);
            Bound(json, "total", end.Total);
            json.WriteString("unbounded_reason", end.Total.UnboundedBecause);
            WorstPath(json, end.Path);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (cleanup is { } c)
        {
            json.WriteStartObject("cleanup");
            Bound(json, "total", c.Total);
            json.WriteString("unbounded_reason", c.Total.UnboundedBecause);
            // Shares of the cleanup's own total, as an end's are of its total.
            WorstPath(json, c.Path.Select(p => new WorstCaseStep(p.State, p.Time,
                c.Total.IsUnbounded || c.Total.Value <= TimeSpan.Zero ? null : p.Time / c.Total.Value)).ToList());
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("cleanup");
        }
    });

    private static void WorstPath(Utf8JsonWriter json, IReadOnlyList<WorstCaseStep> path)
    {
        json.WriteStartArray("path");
        foreach (var step in path)
        {
            json.WriteStartObject();
            json.WriteString("state", step.State);
            Duration(json, "time", step.Time);
            if (step.Share is { } share) json.WriteNumber("share", Math.Round(share, 4));
            else json.WriteNull("share");
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    public static string MonteCarlo(CompiledPlaybook playbook, MonteCarloResult result) => Write(json =>
    {
        Header(json, playbook, "monte-carlo");
        json.WriteNumber("runs", result.Runs);
        json.WriteNumber("seed", result.Seed);
        json.WriteNumber("success_rate", Math.Round(result.SuccessRate, 6));
        json.WriteStartObject("ends");
        foreach (var (name, count) in result.Ends) json.WriteNumber(name, count);
        json.WriteEndObject();
        json.WriteString("p50", DurationText.Format(result.P50));
        json.WriteString("p90", DurationText.Format(result.P90));
        json.WriteString("p99", DurationText.Format(result.P99));
        json.WriteString("max", DurationText.Format(result.Max));
        json.WriteNumber("p50_ms", Ms(result.P50));
        json.WriteNumber("p90_ms", Ms(result.P90));
        json.WriteNumber("p99_ms", Ms(result.P99));
        json.WriteNumber("max_ms", Ms(result.Max));
        Duration(json, "rto", result.Rto);
        if (result.Rto is null) json.WriteNull("within_rto");
        else json.WriteNumber("within_rto", Math.Round(SimulationText.Share(result.WithinRto, result.Runs), 6));
        json.WriteStartArray("failure_paths");
        foreach (var (path, count) in result.FailurePaths)
        {
            json.WriteStartObject();
            json.WriteString("path", path);
            json.WriteNumber("count", count);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("histogram");
        foreach (var bin in Histogram.Of(result.SortedTimes))
        {
            json.WriteStartObject();
            Duration(json, "from", bin.From);
            Duration(json, "to", bin.To);
            json.WriteNumber("count", bin.Count);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    });

    private static void Header(Utf8JsonWriter json, CompiledPlaybook playbook, string mode)
    {
        json.WriteNumber("version", SchemaVersion);
        json.WriteString("playbook", playbook.Name);
        json.WriteString("mode", mode);
    }

    /// <summary><c>"name": "1m30s", "name_ms": 90000</c>, or both null.</summary>
    private static void Duration(Utf8JsonWriter json, string name, TimeSpan? value)
    {
        if (value is { } v)
        {
            json.WriteString(name, DurationText.Format(v));
            json.WriteNumber(name + "_ms", Ms(v));
        }
        else
        {
            json.WriteNull(name);
            json.WriteNull(name + "_ms");
        }
    }

    private static void Bound(Utf8JsonWriter json, string name, TimeBound bound) =>
        Duration(json, name, bound.IsUnbounded ? null : bound.Value);

    /// <summary>Whole milliseconds, truncated like the text form.</summary>
    private static long Ms(TimeSpan value) => value.Ticks / TimeSpan.TicksPerMillisecond;

    /// <summary>A captured value: JSON's own types where they fit, durations as text, anything else as it displays.</summary>
    private static void Value(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case bool b: json.WriteBooleanValue(b); break;
            case string s: json.WriteStringValue(s); break;
            case long l: json.WriteNumberValue(l); break;
            case int i: json.WriteNumberValue(i); break;
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case TimeSpan t: json.WriteStringValue(DurationText.Format(t)); break;
            case IDictionary map:
                json.WriteStartObject();
                foreach (DictionaryEntry entry in map)
                {
                    json.WritePropertyName(Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? "");
                    Value(json, entry.Value);
                }
                json.WriteEndObject();
                break;
            case IEnumerable list:
                json.WriteStartArray();
                foreach (var item in list) Value(json, item);
                json.WriteEndArray();
                break;
            default: json.WriteStringValue(RunScope.Display(value)); break;
        }
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonFormatter.WriterOptions))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
