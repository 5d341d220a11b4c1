using Xunit;
using System.Text.Json;
using Playbook.Cli.Output;
using Playbook.Diagnostics;
using static Playbook.Tests.Cli.DiagnosticFactory;

namespace Playbook.Tests.Cli;

public class JsonFormatterTests
{
    private static JsonElement Parse(ValidationReport report)
    {
        var output = new StringWriter();
        new JsonFormatter().Write(report, output);
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    [Fact]
    public void Has_the_documented_fields_in_a_stable_order()
    {
        var root = Parse(Report(Sample()));
        Assert.Equal(["version", "files", "errors", "warnings", "diagnostics"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal(1, root.GetProperty("files").GetInt32());
        Assert.Equal(1, root.GetProperty("errors").GetInt32());
        Assert.Equal(0, root.GetProperty("warnings").GetInt32());

        var d = Assert.Single(root.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal(
            ["file", "line", "column", "endLine", "endColumn", "id", "severity", "message", "hint"],
            d.EnumerateObject().Select(p => p.Name));
        Assert.Equal("playbooks/x.playbook", d.GetProperty("file").GetString());
        Assert.Equal(12, d.GetProperty("line").GetInt32());
        Assert.Equal(14, d.GetProperty("column").GetInt32());
        Assert.Equal(12, d.GetProperty("endLine").GetInt32());
        Assert.Equal(19, d.GetProperty("endColumn").GetInt32());
        Assert.Equal("PB1001", d.GetProperty("id").GetString());
        Assert.Equal("error", d.GetProperty("severity").GetString());
        Assert.Equal("'verfy' is not a state or phase of this playbook", d.GetProperty("message").GetString());
        Assert.Equal("did you mean 'verify'?", d.GetProperty("hint").GetString());
    }

    [Fact]
    public void Hint_is_null_when_there_is_none_and_severity_is_lowercase()
    {
        var warning = At("-> lonely\n", "lonely", DiagnosticCatalog.UnreachableState, args: ["step", "lonely", "a"]);
        var d = Assert.Single(Parse(Report(warning)).GetProperty("diagnostics").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, d.GetProperty("hint").ValueKind);
        Assert.Equal("warning", d.GetProperty("severity").GetString());
    }

    [Fact]
    public void Multi_line_span_has_an_exclusive_end_on_a_later_line()
    {
        var source = "step a {\n  x\n}\n";
        var d = Assert.Single(Parse(Report(AtOffset(source, source.IndexOf('{'), source.LastIndexOf('}') + 1 - source.IndexOf('{'))))
            .GetProperty("diagnostics").EnumerateArray());
        Assert.Equal((1, 8, 3, 2), (d.GetProperty("line").GetInt32(), d.GetProperty("column").GetInt32(), d.GetProperty("endLine").GetInt32(), d.GetProperty("endColumn").GetInt32()));
    }

    [Fact]
    public void Clean_run_is_a_complete_document_with_no_diagnostics()
    {
        var root = Parse(new ValidationReport([new CheckedFile("a.playbook", []), new CheckedFile("b.playbook", [])]));
        Assert.Equal(2, root.GetProperty("files").GetInt32());
        Assert.Equal(0, root.GetProperty("diagnostics").GetArrayLength());
    }

    [Fact]
    public void Output_is_indented_with_lf_and_keeps_apostrophes_readable()
    {
        var output = new StringWriter();
        new JsonFormatter().Write(Report(Sample()), output);
        var text = output.ToString();
        Assert.DoesNotContain("\r", text);
        Assert.StartsWith("{\n  \"version\": 1,\n", text);
        Assert.Contains("\"message\": \"'verfy' is not", text);
        Assert.EndsWith("}\n", text);
    }
}

public class SarifFormatterTests
{
    private static readonly string Base = Path.Combine(Path.GetTempPath(), "repo");

    private static JsonElement Parse(ValidationReport report) => Parse(report, new SarifFormatter(Base));

    private static JsonElement Parse(ValidationReport report, SarifFormatter formatter)
    {
        var output = new StringWriter();
        formatter.Write(report, output);
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    /// <summary>What a pack with -p:RepositoryUrl=https://github.com/OWNER/playbook -p:RepositoryBranch=v1 (the Action's) writes.</summary>
    private static SarifFormatter WithHome() =>
        new(Base, "https://github.com/OWNER/playbook", ToolInfo.ReferenceOn("https://github.com/OWNER/playbook/", "v1"));

    [Fact]
    public void Is_a_sarif_2_1_0_log_with_one_run_and_every_catalog_rule()
    {
        var root = Parse(Report(Sample()));
        Assert.Equal("https://json.schemastore.org/sarif-2.1.0.json", root.GetProperty("$schema").GetString());
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        var driver = run.GetProperty("tool").GetProperty("driver");
        Assert.Equal("playbook", driver.GetProperty("name").GetString());

        var rules = driver.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(DiagnosticCatalog.All.Select(d => d.Id), rules.Select(r => r.GetProperty("id").GetString()));
        foreach (var (rule, descriptor) in rules.Zip(DiagnosticCatalog.All))
        {
            Assert.Equal(descriptor.Title, rule.GetProperty("shortDescription").GetProperty("text").GetString());
            Assert.Equal(descriptor.Severity == Severity.Error ? "error" : "warning",
                rule.GetProperty("defaultConfiguration").GetProperty("level").GetString());
        }
    }

    [Fact]
    public void The_driver_names_its_version_and_the_home_the_build_was_given_and_no_other()
    {
        var driver = Parse(Report(Sample())).GetProperty("runs")[0].GetProperty("tool").GetProperty("driver");
        var semantic = driver.GetProperty("semanticVersion").GetString()!;
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", semantic);
        Assert.StartsWith(semantic, driver.GetProperty("version").GetString());
        // The test build is given no RepositoryUrl: no web link is made up; the links are the reference installed
        // beside the tool (a real file), as the language server gives them.
        Assert.Null(ToolInfo.InformationUri);
        var installed = new Uri(Path.Combine(AppContext.BaseDirectory, "playbook-language.md")).AbsoluteUri;
        Assert.Equal(installed, driver.GetProperty("informationUri").GetString());
        foreach (var rule in driver.GetProperty("rules").EnumerateArray())
        {
            var helpUri = rule.GetProperty("helpUri").GetString()!;
            Assert.Matches(@"#pb\dxxx--", helpUri);
            Assert.StartsWith(installed + "#", helpUri);
            Assert.True(File.Exists(new Uri(helpUri).LocalPath));
            Assert.DoesNotContain("/blob/", rule.GetProperty("help").GetProperty("text").GetString());
        }

        // With neither a home nor an installed reference: no links at all, the section named in words.
        var bare = Parse(Report(Sample()), new SarifFormatter(Base, null, null)).GetProperty("runs")[0].GetProperty("tool").GetProperty("driver");
        Assert.False(bare.TryGetProperty("informationUri", out _));
        foreach (var rule in bare.GetProperty("rules").EnumerateArray())
        {
            Assert.False(rule.TryGetProperty("helpUri", out _));
            var id = rule.GetProperty("id").GetString()!;
            Assert.Matches(@"\nSee grammar/README\.md#pb\dxxx--", rule.GetProperty("help").GetProperty("text").GetString());
            Assert.DoesNotContain("](", rule.GetProperty("help").GetProperty("markdown").GetString());
            Assert.StartsWith(id, rule.GetProperty("help").GetProperty("text").GetString());
        }

        var given = Parse(Report(Sample()), WithHome()).GetProperty("runs")[0].GetProperty("tool").GetProperty("driver");
        Assert.Equal("https://github.com/OWNER/playbook", given.GetProperty("informationUri").GetString());
    }

    [Fact]
    public void Every_rule_has_a_name_descriptions_help_and_a_link_to_its_section_of_the_reference()
    {
        // What GitHub's ingestion (GH2012) and the SARIF rules require of each reportingDescriptor; the text
        // comes from grammar/README.md's diagnostic tables, so an ID left out of them fails here.
        var reference = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "playbook-language.md"));
        var anchors = reference.Split('\n').Where(l => l.StartsWith('#')).Select(l => DiagnosticReference.Slug(l.TrimStart('#'))).ToHashSet();
        var rules = Parse(Report(Sample()), WithHome()).GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(DiagnosticCatalog.All.Count, rules.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            var id = rule.GetProperty("id").GetString()!;
            var row = reference.Split('\n').Single(l => l.StartsWith($"| {id} |", StringComparison.Ordinal));
            var meaning = row.Split('|')[3].Trim();

            var name = rule.GetProperty("name").GetString()!;
            Assert.Matches("^[A-Z][A-Za-z0-9]+$", name);
            Assert.True(names.Add(name), $"{id}: rule name {name} is used twice");

            var full = rule.GetProperty("fullDescription");
            Assert.Contains(meaning[1..], full.GetProperty("text").GetString());
            Assert.Contains(meaning[1..], full.GetProperty("markdown").GetString());

            var helpUri = rule.GetProperty("helpUri").GetString()!;
            Assert.True(Uri.TryCreate(helpUri, UriKind.Absolute, out _), $"{id}: helpUri {helpUri} is not absolute");
            Assert.Equal("https://github.com/OWNER/playbook/blob/v1/grammar/README.md#" + helpUri.Split('#')[1], helpUri);
            Assert.Contains(helpUri.Split('#')[1], anchors);
            Assert.StartsWith(id.ToLowerInvariant()[..3] + "xxx--", helpUri.Split('#')[1]);

            var help = rule.GetProperty("help");
            Assert.Contains(meaning[1..], help.GetProperty("text").GetString());
            Assert.Contains(helpUri, help.GetProperty("text").GetString());
            Assert.Contains($"]({helpUri})", help.GetProperty("markdown").GetString());
        }
    }

    [Fact]
    public void Results_have_rule_level_message_and_region()
    {
        var run = Parse(Report(Sample())).GetProperty("runs")[0];
        var result = Assert.Single(run.GetProperty("results").EnumerateArray());
        Assert.Equal("PB1001", result.GetProperty("ruleId").GetString());
        var ruleIndex = result.GetProperty("ruleIndex").GetInt32();
        Assert.Equal("PB1001", run.GetProperty("tool").GetProperty("driver").GetProperty("rules")[ruleIndex].GetProperty("id").GetString());
        Assert.Equal("error", result.GetProperty("level").GetString());
        Assert.Equal("'verfy' is not a state or phase of this playbook\nhelp: did you mean 'verify'?",
            result.GetProperty("message").GetProperty("text").GetString());

        var location = Assert.Single(result.GetProperty("locations").EnumerateArray()).GetProperty("physicalLocation");
        Assert.Equal("playbooks/x.playbook", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        var region = location.GetProperty("region");
        Assert.Equal(12, region.GetProperty("startLine").GetInt32());
        Assert.Equal(14, region.GetProperty("startColumn").GetInt32());
        Assert.Equal(12, region.GetProperty("endLine").GetInt32());
        Assert.Equal(19, region.GetProperty("endColumn").GetInt32());
    }

    [Fact]
    public void Levels_map_to_sarif_names()
    {
        var warning = At("-> lonely\n", "lonely", DiagnosticCatalog.UnreachableState, args: ["step", "lonely", "a"]);
        var results = Parse(new ValidationReport([new CheckedFile("x.playbook", [warning, warning.WithSeverity(Severity.Info)])]))
            .GetProperty("runs")[0].GetProperty("results").EnumerateArray().Select(r => r.GetProperty("level").GetString());
        Assert.Equal(["warning", "note"], results);
    }

    [Fact]
    public void Uris_are_relative_with_forward_slashes_and_escaped()
    {
        var absolute = Path.Combine(Base, "play books", "db#1.playbook");
        var uri = Parse(Report(Sample(absolute))).GetProperty("runs")[0].GetProperty("results")[0]
            .GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString();
        Assert.Equal("play%20books/db%231.playbook", uri);

        Assert.Equal("dir/x.playbook", ReportPaths.ToUri("./dir/x.playbook", Base));
        var outside = Path.Combine(Path.GetTempPath(), "other", "x y.playbook");
        Assert.Equal(new Uri(outside).AbsoluteUri, ReportPaths.ToUri(outside, Base));
        Assert.StartsWith("file:///", ReportPaths.ToUri(outside, Base));
    }

    [Fact]
    public void Clean_run_has_an_empty_results_array()
    {
        var run = Parse(new ValidationReport([new CheckedFile("a.playbook", [])])).GetProperty("runs")[0];
        Assert.Equal(0, run.GetProperty("results").GetArrayLength());
    }
}

public class GitHubFormatterTests
{
    private static string Format(Diagnostic d) => new GitHubFormatter(Path.GetTempPath()).Format(d);

    [Fact]
    public void Error_is_a_workflow_command_with_position_and_title()
    {
        Assert.Equal(
            "::error file=playbooks/x.playbook,line=12,col=14,endLine=12,endColumn=19,title=PB1001::'verfy' is not a state or phase of this playbook%0Ahelp: did you mean 'verify'?",
            Format(Sample()));
    }

    [Fact]
    public void Warning_and_info_use_warning_and_notice()
    {
        var warning = At("-> lonely\n", "lonely", DiagnosticCatalog.UnreachableState, args: ["step", "lonely", "a"]);
        Assert.StartsWith("::warning file=x.playbook,line=1,col=4,", Format(warning));
        Assert.StartsWith("::notice file=", Format(warning.WithSeverity(Severity.Info)));
        Assert.EndsWith("::step 'lonely' can never be reached from the start 'a'", Format(warning));
    }

    [Fact]
    public void Message_escapes_percent_and_line_breaks()
    {
        var d = At("-> x\n", "x", DiagnosticCatalog.InvalidValue, args: ["50% done\r\nnext, a: b"]);
        Assert.EndsWith("::50%25 done%0D%0Anext, a: b", Format(d));
    }

    [Fact]
    public void Properties_also_escape_comma_and_colon()
    {
        var d = At("-> verfy\n", "verfy", path: "dir,1/a:b%.playbook");
        Assert.StartsWith("::error file=dir%2C1/a%3Ab%25.playbook,line=1,", Format(d));
        Assert.Equal("a%25b%0D%0Ac%3Ad%2Ce", GitHubFormatter.EscapeProperty("a%b\r\nc:d,e"));
    }

    [Fact]
    public void Paths_outside_the_working_directory_stay_absolute()
    {
        var outside = Path.Combine(Path.GetTempPath(), "elsewhere", "x.playbook");
        var formatter = new GitHubFormatter(Path.Combine(Path.GetTempPath(), "repo"));
        Assert.StartsWith($"::error file={GitHubFormatter.EscapeProperty(outside.Replace('\\', '/'))},", formatter.Format(Sample(outside)));
    }

    [Fact]
    public void Backslashes_become_forward_slashes()
    {
        Assert.StartsWith("::error file=dir/sub/x.playbook,", Format(Sample("dir\\sub\\x.playbook")));
    }

    [Fact]
    public void Report_ends_with_the_summary()
    {
        var output = new StringWriter();
        new GitHubFormatter(Path.GetTempPath()).Write(Report(Sample()), output);
        var lines = output.ToString().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("::error ", lines[0]);
        Assert.Equal("checked 1 file: 1 error, 0 warnings", lines[1]);
        Assert.Equal("", lines[2]);
    }
}
