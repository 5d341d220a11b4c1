using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Playbook.Diagnostics;

namespace Playbook.Cli.Output;

/// <summary><c>--format json</c>: one indented document, properties always in the same order
/// (schemas/validate.schema.json). Version 1; a field is only ever added, never changed or removed,
/// without bumping "version".</summary>
internal sealed class JsonFormatter : IReportFormatter
{
    public const int SchemaVersion = 1;

    public void Write(ValidationReport report, TextWriter output)
    {
        output.Write(ToJson(report));
        output.Write('\n');
    }

    internal static JsonWriterOptions WriterOptions => new()
    {
        Indented = true,
        NewLine = "\n",
        // Not HTML-escaped: the output is read by tools and people, and "'" is in most messages.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string ToJson(ValidationReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("version", SchemaVersion);
            json.WriteNumber("files", report.Files.Count);
            json.WriteNumber("errors", report.ErrorCount);
            json.WriteNumber("warnings", report.WarningCount);
            json.WriteStartArray("diagnostics");
            foreach (var d in report.Diagnostics) WriteDiagnostic(json, d);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>One diagnostic as an object of "diagnostics": also how <c>test --format json</c> shows a
    /// scenario file's diagnostics, so both documents share one definition in the schemas.</summary>
    internal static void WriteDiagnostic(Utf8JsonWriter json, Diagnostic d)
    {
        var start = d.Start;
        var end = d.End;
        json.WriteStartObject();
        json.WriteString("file", d.Source.Path);
        json.WriteNumber("line", start.Line);
        json.WriteNumber("column", start.Column);
        json.WriteNumber("endLine", end.Line);
        json.WriteNumber("endColumn", end.Column);
        json.WriteString("id", d.Id);
        json.WriteString("severity", d.Severity.ToLowerString());
        json.WriteString("message", d.Message);
        if (d.Hint is null) json.WriteNull("hint");
        else json.WriteString("hint", d.Hint);
        json.WriteEndObject();
    }
}
