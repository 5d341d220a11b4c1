using System.CommandLine;
using System.Text;
using Playbook.Simulation.Scenarios;

namespace Playbook.Cli.Commands;

internal enum TestFormat
{
    Text,
    JUnit,
    Json,
}

/// <summary>What <c>playbook test</c> was asked to do.</summary>
/// <param name="Paths">Scenario files, or directories searched recursively for *.scenarios.yaml.</param>
/// <param name="Output">Where JUnit XML goes (null: stdout, instead of the text report).</param>
internal sealed record TestOptions(
    IReadOnlyList<string> Paths,
    TestFormat Format = TestFormat.Text,
    string? Output = null,
    bool Coverage = false,
    bool Color = false);

/// <summary><c>playbook test PATH...</c>: runs every scenario of every scenario file as a dry run and
/// checks what the run showed against what the scenario expects. Exit 0 when all passed, 1 when any
/// failed or a scenario file has errors, 2 for bad usage (unreadable path, no scenario files).</summary>
internal sealed class TestCommand
{
    public Command CreateCommand(bool color)
    {
        var paths = CommonOptions.Paths("Scenario files (NAME.scenarios.yaml), or directories to search recursively for them");
        var format = CommonOptions.Format("Output format: text, junit (JUnit XML for CI) or json", "text", "junit", "json");
        var output = new Option<string?>("--output", "-o")
        {
            Description = "With --format junit: write the XML to this file (and the text report to stdout)",
            HelpName = "FILE",
        };
        var coverage = new Option<bool>("--coverage")
        {
            Description = "List, per playbook, the transitions no scenario took",
        };
        var command = new Command("test", "Run the dry-run scenarios of *.scenarios.yaml files and check their expectations")
        {
            paths,
            format,
            output,
            coverage,
        };
        command.SetAction(parseResult =>
        {
            var options = new TestOptions(
                parseResult.GetValue(paths) ?? [],
                parseResult.GetValue(format) switch { "junit" => TestFormat.JUnit, "json" => TestFormat.Json, _ => TestFormat.Text },
                parseResult.GetValue(output),
                parseResult.GetValue(coverage),
                color);
            var invocation = parseResult.InvocationConfiguration;
            return Run(options, invocation.Output, invocation.Error);
        });
        return command;
    }

    public int Run(TestOptions options, TextWriter stdout, TextWriter stderr)
    {
        if (options.Output is not null && options.Format != TestFormat.JUnit)
        {
            stderr.WriteLine("playbook: --output is for --format junit: the text report goes to stdout");
            return ExitCodes.Usage;
        }
        var files = CollectFiles(options.Paths, stderr);
        if (files is null) return ExitCodes.Usage;

        var session = new ScenarioSession();
        var reports = new List<TestFileReport>();
        foreach (var path in files)
        {
            var file = session.Load(path);
            var results = new List<ScenarioResult>();
            if (!file.HasErrors)
            {
                foreach (var scenario in file.Scenarios)
                    results.Add(session.RunAsync(file, scenario).AsTask().GetAwaiter().GetResult());
            }
            reports.Add(new TestFileReport(file, results));
        }
        List<ScenarioCoverage>? coverage = null;
        if (options.Coverage)
        {
            coverage = reports.Where(r => r.File.Playbook is not null && !r.File.HasErrors)
                .Select(r => r.File.Playbook!)
                .Distinct()
                .Select(session.Coverage)
                .ToList();
        }
        var report = new TestReport(reports, coverage);

        if (options.Format == TestFormat.JUnit)
        {
            if (options.Output is { } target)
            {
                try
                {
                    using var writer = new StreamWriter(target, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                    JUnitWriter.Write(report, writer);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
                {
                    stderr.WriteLine($"playbook: cannot write '{target}': {InputFiles.Reason(e)}");
                    return ExitCodes.Usage;
                }
                new TestTextWriter(options.Color).Write(report, stdout);
            }
            else
            {
                JUnitWriter.Write(report, stdout);
                if (report.Coverage is { } c)
                {
                    foreach (var playbook in c) TestTextWriter.WriteCoverage(playbook, stderr);
                }
            }
        }
        else if (options.Format == TestFormat.Json)
        {
            stdout.Write(Output.TestJson.Write(report));
            stdout.Write('\n');
        }
        else
        {
            new TestTextWriter(options.Color).Write(report, stdout);
        }
        stdout.Flush();
        return report.Success ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>The scenario files to run: files as given (YAML only), directories searched for
    /// *.scenarios.yaml, each file once.</summary>
    internal static List<string>? CollectFiles(IReadOnlyList<string> paths, TextWriter stderr) =>
        InputFiles.Collect(paths, ScenarioSession.Extension,
            file => file.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
                ? null
                : $"playbook: '{file}' is not a scenario file: scenario files are YAML, named NAME{ScenarioSession.Extension}",
            stderr);
}
