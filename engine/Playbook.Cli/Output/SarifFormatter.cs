using System.Text;
using System.Text.Json;
using Playbook.Diagnostics;

namespace Playbook.Cli.Output;

/// <summary><c>--format sarif</c>: a SARIF 2.1.0 log with one run, for code-scanning tools
/// (GitHub code scanning, VS Code SARIF viewer). Every catalog diagnostic is listed as a rule;
/// results point at files relative to <paramref name="baseDirectory"/>. <paramref name="home"/> and
/// <paramref name="reference"/> give the driver's informationUri and each rule's helpUri: by default the home the
/// build was given (see <see cref="ToolInfo"/>), else the reference installed beside the tool (a file: URI, as
/// the language server links); with neither, both are left out and the help names the section in words.</summary>
internal sealed class SarifFormatter(string baseDirectory, string? home, string? reference) : IReportFormatter
{
    public SarifFormatter(string baseDirectory)
        : this(baseDirectory, ToolInfo.InformationUri ?? ToolInfo.InstalledReferenceUri, ToolInfo.ReferenceUri ?? ToolInfo.InstalledReferenceUri) { }

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
            json.WriteString("version", ToolInfo.Version);
            json.WriteString("semanticVersion", ToolInfo.SemanticVersion);
            if (home is not null) json.WriteString("informationUri", home);
            json.WriteStartArray("rules");
            foreach (var rule in rules) WriteRule(json, rule);
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

    /// <summary>One catalog entry as a reportingDescriptor: everything GitHub code scanning shows on an alert
    /// (name, full description, help as text and Markdown, a link to its section of the language reference),
    /// taken from the reference's diagnostic tables so the two never disagree.</summary>
    private void WriteRule(Utf8JsonWriter json, DiagnosticDescriptor rule)
    {
        var entry = DiagnosticReference.Embedded.EntryFor(rule.Id);
        var meaning = entry?.Meaning ?? rule.Title;
        var anchor = DiagnosticReference.Embedded.AnchorFor(rule.Id);
        var helpUri = reference is null ? null : anchor is null ? reference : reference + "#" + anchor;
        // Without a home, where to read more in words: the reference ships with the tool (playbook-language.md).
        var section = anchor is null ? "grammar/README.md" : $"grammar/README.md#{anchor}";
        var severity = rule.Severity.ToLowerString();

        json.WriteStartObject();
        json.WriteString("id", rule.Id);
        json.WriteString("name", DiagnosticCatalog.NameById[rule.Id]);
        json.WriteStartObject("shortDescription");
        json.WriteString("text", rule.Title);
        json.WriteEndObject();
        json.WriteStartObject("fullDescription");
        json.WriteString("text", Sentence(meaning));
        json.WriteString("markdown", Sentence(meaning));
        json.WriteEndObject();
        json.WriteStartObject("help");
        var example = entry is null ? "" : $" Example: {entry.Example}";
        json.WriteString("text", $"{rule.Id} ({severity}): {Sentence(meaning)}{example}\nSee {helpUri ?? section}");
        var exampleMarkdown = entry is null ? "" : $"\n\nExample: {entry.Example}";
        var link = helpUri is null ? $"its section of the language reference, `{section}`" : $"[its section of the language reference]({helpUri})";
        json.WriteString("markdown", $"**{rule.Id}** ({severity}): {Sentence(meaning)}{exampleMarkdown}\n\nSee {link}.");
        json.WriteEndObject();
        if (helpUri is not null) json.WriteString("helpUri", helpUri);
        json.WriteStartObject("defaultConfiguration");
        json.WriteString("level", Level(rule.Severity));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>The reference's table cells are phrases ("unknown transition target"); a description is a
    /// sentence: capital first letter, final period.</summary>
    private static string Sentence(string phrase)
    {
        var text = phrase.Trim();
        if (text.Length == 0) return text;
        if (char.IsLower(text[0])) text = char.ToUpperInvariant(text[0]) + text[1..];
        return text.EndsWith('.') ? text : text + ".";
    }

    internal static string Level(Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "note",
    };
}
