using System.Collections;
using System.Globalization;
using System.Text.Json;
using Playbook.EngineCore;
using Playbook.Text;

namespace Playbook.LiveRuns;

/// <summary>Run values (inputs, captures, action results) in and out of journal records: strings, numbers
/// (whole numbers as long), booleans, null, maps and lists; a duration is written as its text ("5m").</summary>
public static class JournalValues
{
    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case TimeSpan t:
                writer.WriteStringValue(DurationText.Format(t));
                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                writer.WriteStartObject();
                foreach (var (k, v) in map)
                {
                    writer.WritePropertyName(k);
                    Write(writer, v);
                }
                writer.WriteEndObject();
                break;
            case IList list:
                writer.WriteStartArray();
                foreach (var item in list) Write(writer, item);
                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(RunScope.Display(value));
                break;
        }
    }

    public static object? Read(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDouble(),
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => Read(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(Read).ToList(),
        _ => null,
    };

    public static string? String(this JsonElement record, string name) =>
        record.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static long? Long(this JsonElement record, string name) =>
        record.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : null;

    public static TimeSpan Millis(this JsonElement record, string name) =>
        TimeSpan.FromMilliseconds(record.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0);

    public static void WriteMillis(this Utf8JsonWriter writer, string name, TimeSpan value) =>
        writer.WriteNumber(name, Math.Round(value.TotalMilliseconds, 3));

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
