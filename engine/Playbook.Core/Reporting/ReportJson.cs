using System.Collections;
using System.Text.Encodings.Web;
using System.Text.Json;
using Scriban.Runtime;

namespace Playbook.Reporting;

/// <summary><c>report --format json</c>: the model the templates see, as JSON (schemas/report.schema.json),
/// without what is only drawing (the SVG and the Mermaid texts). Written with the default (strict) escaping,
/// so the JSON can be embedded in a web page without a value closing a script element.</summary>
internal static class ReportJson
{
    private static readonly HashSet<string> DrawingOnly = new(StringComparer.Ordinal) { "md", "timeline_svg", "gantt", "mermaid" };

    public static string Write(ScriptObject model)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.Default }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", 1);
            foreach (var (name, value) in model.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (DrawingOnly.Contains(name)) continue;
                w.WritePropertyName(name);
                Value(w, value);
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Value(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case double d: w.WriteNumberValue(d); break;
            case ScriptObject o:
                w.WriteStartObject();
                foreach (var (name, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WritePropertyName(name);
                    Value(w, v);
                }
                w.WriteEndObject();
                break;
            case IEnumerable list:
                w.WriteStartArray();
                foreach (var item in list) Value(w, item);
                w.WriteEndArray();
                break;
            default: w.WriteStringValue(value.ToString()); break;
        }
    }
}
