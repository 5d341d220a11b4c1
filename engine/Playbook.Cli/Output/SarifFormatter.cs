using System.Text;
using System.Text.Json;
using Playbook.Diagnostics;

namespace Playbook.Cli.Output;

/// <summary><c>--format sarif</c>: a SARIF 2.1.0 log with one run, for code-scanning tools
/// (GitHub code scanning, VS Code SARIF viewer). Every catalog diagnostic is listed as a rule;
/// results point at files relative to <paramref name="baseDirectory"/>.</summary>
internal sealed class SarifFormatter(string baseDirectory) : IReportFormatter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    public void Write(ValidationReport report, TextWriter output)
    {
        output.Write(ToSarif(report));
        output.Write('\n');
    }

    public string ToSarif(ValidationReport report)
    {
        var rules = DiagnosticCatalog.All;
        var ruleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++) ruleIndex[rules[i].Id] = i;

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonFormatter.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("$schema", SchemaUri);
            json.WriteString("version", "2.1.0");
            json.WriteStartArray("runs");
            json.WriteStartObject();

            json.WriteStartObject("tool");
            json.WriteStartObject("driver");
            json.WriteString("name", "playbook");
            json.WriteStartArray("rules");
            foreach (var rule in rules)
            {
                json.WriteStartObject();
                json.WriteString("id", rule.Id);
                json.WriteStartObject("shortDescription");
                json.WriteString("text", rule.Title);
                json.WriteEndObject();
                json.WriteStartObject("defaultConfiguration");
                json.WriteString("level", Level(rule.Severity));
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject(); // driver
            json.WriteEndObject(); // tool

            // Columns are UTF-16 code units, 1-based, end exclusive: SARIF's default, said out loud.
            json.WriteString("columnKind", "utf16CodeUnits");

            json.WriteStartArray("results");
            foreach (var d in report.Diagnostics)
            {
                var start = d.Start;
                var end = d.End;
                json.WriteStartObject();
                json.WriteString("ruleId", d.Id);
                if (ruleIndex.TryGetValue(d.Id, out var index)) json.WriteNumber("ruleIndex", index);
                json.WriteString("level", Level(d.Severity));
                json.WriteStartObject("message");
                json.WriteString("text", d.Hint is null ? d.Message : $"{d.Message}\nhelp: {d.Hint}");
                json.WriteEndObject();
                json.WriteStartArray("locations");
                json.WriteStartObject();
                json.WriteStartObject("physicalLocation");
                json.WriteStartObject("artifactLocation");
                json.WriteString("uri", ReportPaths.ToUri(d.Source.Path, baseDirectory));
                json.WriteEndObject();
                json.WriteStartObject("region");
                json.WriteNumber("startLine", start.Line);
                json.WriteNumber("startColumn", start.Column);
                json.WriteNumber("endLine", end.Line);
                json.WriteNumber("endColumn", end.Column);
                json.WriteEndObject(); // region
                json.WriteEndObject(); // physicalLocation
                json.WriteEndObject();
                json.WriteEndArray(); // locations
                json.WriteEndObject();
            }
            json.WriteEndArray(); // results

            json.WriteEndObject(); // run
            json.WriteEndArray(); // runs
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    internal static string Level(Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "note",
    };
}
