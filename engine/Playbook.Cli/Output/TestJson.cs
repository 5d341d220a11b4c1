using System.Text;
using System.Text.Json;
using Playbook.Cli.Commands;
using Playbook.Diagnostics;
using Playbook.Text;

namespace Playbook.Cli.Output;

/// <summary><c>playbook test --format json</c>: one indented document, properties always in the order
/// schemas/test.schema.json gives. Version 1; a field is only ever added without bumping "version".</summary>
internal static class TestJson
{
    public const int SchemaVersion = 1;

    public static string Write(TestReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonFormatter.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("version", SchemaVersion);
            json.WriteNumber("passed", report.Passed);
            json.WriteNumber("failed", report.Failed);
            json.WriteNumber("files_with_errors", report.FilesWithErrors);
            json.WriteStartArray("files");
            foreach (var file in report.Files) WriteFile(json, file);
            json.WriteEndArray();
            if (report.Coverage is { } coverage)
            {
                json.WriteStartArray("coverage");
                foreach (var playbook in coverage) WriteCoverage(json, playbook);
                json.WriteEndArray();
            }
            else
            {
                json.WriteNull("coverage");
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteFile(Utf8JsonWriter json, TestFileReport file)
    {
        json.WriteStartObject();
        json.WriteString("file", file.File.Path);
        json.WriteString("playbook", file.File.PlaybookPath);
        json.WriteStartArray("diagnostics");
        foreach (var d in file.File.Diagnostics) JsonFormatter.WriteDiagnostic(json, d);
        json.WriteEndArray();
        json.WriteStartArray("scenarios");
        if (file.File.HasErrors)
        {
            // Not run: each scenario counts as failed, as in the text and JUnit reports.
            foreach (var scenario in file.File.Scenarios)
            {
                json.WriteStartObject();
                json.WriteString("name", scenario.Name);
                json.WriteString("result", "not-run");
                json.WriteEndObject();
            }
        }
        foreach (var result in file.Results)
        {
            json.WriteStartObject();
            json.WriteString("name", result.Scenario.Name);
            json.WriteString("result", result.Passed ? "passed" : "failed");
            json.WriteString("error", result.Error);
            if (result.Run is { } run)
            {
                json.WriteString("end", run.End);
                json.WriteString("status", run.StatusText);
                json.WriteStartArray("path");
                foreach (var state in run.Path) json.WriteStringValue(state);
                json.WriteEndArray();
                json.WriteString("elapsed", DurationText.Format(run.Elapsed));
                json.WriteNumber("elapsed_ms", (long)run.Elapsed.TotalMilliseconds);
            }
            json.WriteStartArray("mismatches");
            foreach (var m in result.Mismatches)
            {
                json.WriteStartObject();
                json.WriteString("kind", m.Kind);
                json.WriteString("key", m.Key);
                json.WriteString("expected", m.Expected);
                json.WriteString("actual", m.Actual);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteCoverage(Utf8JsonWriter json, Simulation.Scenarios.ScenarioCoverage coverage)
    {
        var source = coverage.Playbook.Model.Source;
        json.WriteStartObject();
        json.WriteString("playbook", source.Path);
        json.WriteNumber("covered", coverage.Covered);
        json.WriteNumber("total", coverage.Total);
        json.WriteStartArray("untaken");
        foreach (var t in coverage.Untaken)
        {
            json.WriteStartObject();
            json.WriteString("state", t.State.Name);
            json.WriteNumber("line", source.GetPosition(t.Transition.Syntax.Span.Start).Line);
            json.WriteString("transition", TestTextWriter.TransitionText(source, t));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
