using System.Globalization;
using System.Text;
using System.Xml;
using Playbook.Cli.Output;
using Playbook.Simulation.Scenarios;
using Playbook.Text;

namespace Playbook.Cli.Commands;

/// <summary>One scenario file and how its scenarios went; <see cref="Results"/> is empty when the file
/// has diagnostics (then none of its scenarios ran, and each counts as failed).</summary>
internal sealed record TestFileReport(ScenarioFile File, IReadOnlyList<ScenarioResult> Results)
{
    /// <summary>Scenarios that could not run because the file has errors: each of them, or the file
    /// itself when not even the list of scenarios could be read.</summary>
    public int NotRun => File.HasErrors ? Math.Max(1, File.Scenarios.Count) : 0;

    public int Passed => Results.Count(r => r.Passed);

    public int Failed => Results.Count(r => !r.Passed) + NotRun;
}

/// <summary>Everything <c>playbook test</c> found, and the totals.</summary>
internal sealed class TestReport(IReadOnlyList<TestFileReport> files, IReadOnlyList<ScenarioCoverage>? coverage)
{
    public IReadOnlyList<TestFileReport> Files { get; } = files;

    public IReadOnlyList<ScenarioCoverage>? Coverage { get; } = coverage;

    public int Passed => Files.Sum(f => f.Passed);

    public int Failed => Files.Sum(f => f.Failed);

    public int FilesWithErrors => Files.Count(f => f.File.HasErrors);

    /// <summary>The last line of the text output, read by CI: exactly "N passed, M failed".</summary>
    public string Summary => $"{Passed} passed, {Failed} failed";

    public bool Success => Failed == 0 && FilesWithErrors == 0;
}

/// <summary>The text output of <c>playbook test</c>: PASS/FAIL per scenario under its file, what differed
/// for each failure, diagnostics of broken files, optional coverage, and the summary line.</summary>
internal sealed class TestTextWriter(bool color)
{
    private const string Reset = "\e[0m";
    private const string Green = "\e[1;32m";
    private const string Red = "\e[1;31m";
    private const string Bold = "\e[1m";

    /// <summary>Indent of a failure's detail lines, and width of their labels.</summary>
    private const string Detail = "      ";

    public void Write(TestReport report, TextWriter output)
    {
        var formatter = new TextFormatter(color);
        for (var f = 0; f < report.Files.Count; f++)
        {
            var file = report.Files[f];
            if (f > 0) output.Write('\n');
            output.Write(Paint(Bold, file.File.Path) + "\n");
            if (file.File.HasErrors)
            {
                foreach (var diagnostic in file.File.Diagnostics)
                {
                    output.Write(formatter.Format(diagnostic));
                    output.Write('\n');
                }
                if (file.File.Scenarios.Count == 0)
                    output.Write($"  {Paint(Red, "FAIL")} {file.File.Path} (not run: the scenario file has errors)\n");
                foreach (var scenario in file.File.Scenarios)
                    output.Write($"  {Paint(Red, "FAIL")} {TextFormatter.Sanitize(scenario.Name)} (not run: the scenario file has errors)\n");
                continue;
            }
            foreach (var result in file.Results)
            {
                output.Write(result.Passed
                    ? $"  {Paint(Green, "PASS")} {TextFormatter.Sanitize(result.Scenario.Name)}\n"
                    : $"  {Paint(Red, "FAIL")} {TextFormatter.Sanitize(result.Scenario.Name)}\n");
                if (!result.Passed)
                {
                    foreach (var line in FailureLines(result)) output.Write(Detail + TextFormatter.Sanitize(line) + "\n");
                }
            }
        }
        if (report.Coverage is { } coverage)
        {
            output.Write('\n');
            foreach (var playbook in coverage) WriteCoverage(playbook, output);
        }
        output.Write('\n');
        if (report.FilesWithErrors > 0)
            output.Write(report.FilesWithErrors == 1 ? "1 scenario file has errors: its scenarios did not run\n" : $"{report.FilesWithErrors} scenario files have errors: their scenarios did not run\n");
        output.Write(report.Summary + "\n");
    }

    /// <summary>What a failed scenario did, and each expectation it missed, expected against actual.</summary>
    public static List<string> FailureLines(ScenarioResult result)
    {
        var lines = new List<string>();
        if (result.Error is { } error)
        {
            lines.Add($"error     {error}");
            return lines;
        }
        var run = result.Run!;
        lines.Add($"run       ended {(run.End is null ? "aborted" : $"at '{run.End}' ({run.StatusText})")} after {run.ElapsedText}");
        if (run.Reason is { } reason) lines.Add($"reason    {reason}");
        foreach (var m in result.Mismatches)
        {
            switch (m.Kind)
            {
                case "path":
                    var expected = result.Scenario.Expect.Path!;
                    lines.Add($"path      differs at state {PathDiff.FirstDifference(expected, run.Path)} (- expected, + actual):");
                    foreach (var line in PathDiff.Render(expected, run.Path)) lines.Add("            " + line);
                    break;
                case "within":
                    lines.Add($"within    took {m.Actual}, expected within {m.Expected}");
                    break;
                case "attempts" or "captures":
                    lines.Add($"{m.Kind,-9} {m.Key}: expected {m.Expected}, got {m.Actual}");
                    break;
                default:
                    lines.Add($"{m.Kind,-9} expected {m.Expected}, got {m.Actual}");
                    break;
            }
        }
        return lines;
    }

    public static void WriteCoverage(ScenarioCoverage coverage, TextWriter output)
    {
        var source = coverage.Playbook.Model.Source;
        foreach (var t in coverage.Untaken)
        {
            var line = source.GetPosition(t.Transition.Syntax.Span.Start).Line;
            output.Write($"{Playbook.Text.DisplayPath.Escape(source.Path)}:{line}: state '{t.State.Name}': {TransitionText(source, t)}\n");
        }
        output.Write($"{source.Path}: {coverage.Covered} of {coverage.Total} transitions covered\n");
    }

    /// <summary>The transition as written, on one line.</summary>
    internal static string TransitionText(SourceFile source, CoverageTransition t)
    {
        var text = source.GetText(t.Transition.Syntax.Span);
        return TextFormatter.Sanitize(string.Join(' ', text.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries)));
    }

    private string Paint(string code, string text) => color ? code + text + Reset : text;
}

/// <summary>JUnit XML (the de-facto schema CI servers read): one testsuite per scenario file, one
/// testcase per scenario, a failure element with the differences, an error element for scenarios that
/// could not run.</summary>
internal static class JUnitWriter
{
    public static void Write(TestReport report, TextWriter output)
    {
        var settings = new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, NewLineChars = "\n", CheckCharacters = false };
        using (var xml = XmlWriter.Create(output, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", "playbook test");
            xml.WriteAttributeString("tests", Count(report.Files.Sum(Tests)));
            xml.WriteAttributeString("failures", Count(report.Files.Sum(f => f.Results.Count(r => !r.Passed))));
            xml.WriteAttributeString("errors", Count(report.Files.Sum(f => f.NotRun)));
            xml.WriteAttributeString("time", Seconds(report.Files.SelectMany(f => f.Results).Aggregate(TimeSpan.Zero, (a, r) => a + r.WallTime)));
            foreach (var file in report.Files) WriteSuite(xml, file);
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        output.Write('\n');
    }

    private static int Tests(TestFileReport file) => file.File.HasErrors ? file.NotRun : file.Results.Count;

    private static void WriteSuite(XmlWriter xml, TestFileReport file)
    {
        xml.WriteStartElement("testsuite");
        xml.WriteAttributeString("name", Clean(file.File.Path));
        xml.WriteAttributeString("tests", Count(Tests(file)));
        xml.WriteAttributeString("failures", Count(file.Results.Count(r => !r.Passed)));
        xml.WriteAttributeString("errors", Count(file.NotRun));
        xml.WriteAttributeString("skipped", "0");
        xml.WriteAttributeString("time", Seconds(file.Results.Aggregate(TimeSpan.Zero, (a, r) => a + r.WallTime)));
        xml.WriteAttributeString("file", Clean(file.File.Path));
        var classname = Clean(ClassName(file.File));
        if (file.File.HasErrors)
        {
            var text = string.Concat(file.File.Diagnostics.Select(d => new TextFormatter(false).Format(d) + "\n"));
            var first = file.File.Diagnostics[0];
            var names = file.File.Scenarios.Count == 0 ? new[] { file.File.Path } : file.File.Scenarios.Select(s => s.Name).ToArray();
            foreach (var name in names)
            {
                xml.WriteStartElement("testcase");
                xml.WriteAttributeString("name", Clean(name));
                xml.WriteAttributeString("classname", classname);
                xml.WriteAttributeString("time", "0");
                xml.WriteStartElement("error");
                xml.WriteAttributeString("message", Clean($"not run: the scenario file has errors ({first.Id}: {first.Message})"));
                xml.WriteAttributeString("type", first.Id);
                xml.WriteString(Clean(text));
                xml.WriteEndElement();
                xml.WriteEndElement();
            }
        }
        foreach (var result in file.Results)
        {
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("name", Clean(result.Scenario.Name));
            xml.WriteAttributeString("classname", classname);
            xml.WriteAttributeString("time", Seconds(result.WallTime));
            if (!result.Passed)
            {
                var lines = TestTextWriter.FailureLines(result);
                var message = result.Error ?? string.Join("; ", result.Mismatches.Select(m => m.Key is null
                    ? $"{m.Kind}: expected {m.Expected}, got {m.Actual}"
                    : $"{m.Kind} {m.Key}: expected {m.Expected}, got {m.Actual}"));
                xml.WriteStartElement("failure");
                xml.WriteAttributeString("message", Clean(message));
                xml.WriteAttributeString("type", result.Error is null ? "expectation" : "error");
                xml.WriteString(Clean(string.Join('\n', lines) + "\n"));
                xml.WriteEndElement();
            }
            if (result.Run is { } run)
            {
                xml.WriteElementString("system-out", Clean($"end {run.End ?? "(aborted)"} ({run.StatusText}) after {run.ElapsedText} (simulated)\npath {string.Join(", ", run.Path)}\n"));
            }
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    /// <summary>The scenario file's name without ".scenarios.yaml": what CI servers group testcases by.</summary>
    private static string ClassName(ScenarioFile file)
    {
        var name = Path.GetFileName(file.Path);
        return name.EndsWith(ScenarioSession.Extension, StringComparison.OrdinalIgnoreCase) ? name[..^ScenarioSession.Extension.Length] : name;
    }

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>Only characters XML 1.0 allows (control characters would make the document invalid).</summary>
    private static string Clean(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
            }
            else if (c is '\t' or '\n' or '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('\uFFFD');
            }
        }
        return sb.ToString();
    }
}
