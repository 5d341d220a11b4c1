using System.CommandLine;
using Playbook.Cli.Output;

namespace Playbook.Cli.Commands;

internal enum OutputFormat
{
    Text,
    Json,
    Sarif,
    GitHub,
}

/// <summary>What <c>playbook validate</c> was asked to do, once the command line is parsed.</summary>
/// <param name="Paths">Files and directories as the user wrote them.</param>
/// <param name="Color">Whether the text format may use ANSI colours (decided by the caller:
/// stdout is a terminal and NO_COLOR is unset).</param>
internal sealed record ValidateOptions(
    IReadOnlyList<string> Paths,
    OutputFormat Format = OutputFormat.Text,
    bool WarningsAsErrors = false,
    bool Color = false,
    int MaxDiagnostics = LineReportFormatter.DefaultMaxPerFile);

/// <summary>Checks the given playbook files; never throws for a bad input file (unreadable or
/// binary files come back as diagnostics).</summary>
internal delegate IReadOnlyList<CheckedFile> PlaybookChecker(IReadOnlyList<string> files);

/// <summary><c>playbook validate PATH...</c>: checks playbook files without running them and
/// prints what it finds in one of the output formats.</summary>
internal sealed class ValidateCommand(PlaybookChecker check, string? baseDirectory = null)
{
    public const string PlaybookExtension = ".playbook";

    private static readonly string[] FormatNames = ["text", "json", "sarif", "github"];

    /// <summary>The format a --format value names; the option's validator has already refused any other value.</summary>
    private static OutputFormat FormatNamed(string name) => name switch
    {
        "json" => OutputFormat.Json,
        "sarif" => OutputFormat.Sarif,
        "github" => OutputFormat.GitHub,
        _ => OutputFormat.Text,
    };

    /// <summary>The System.CommandLine definition; its action calls <see cref="Run"/> with the
    /// invocation's output and error writers.</summary>
    public Command CreateCommand(bool color)
    {
        var paths = CommonOptions.Paths("Playbook files, or directories to search recursively for *.playbook files");
        var format = CommonOptions.Format("Output format: text, json, sarif or github", FormatNames);
        var warningsAsErrors = new Option<bool>("--warnings-as-errors")
        {
            Description = "Exit with code 1 when there are warnings, not only errors",
        };

        var maxDiagnostics = new Option<int>("--max-diagnostics")
        {
            Description = $"Text and github formats: print at most N errors and N warnings per file, then how many more (default {LineReportFormatter.DefaultMaxPerFile}; 0 prints all)",
            DefaultValueFactory = _ => LineReportFormatter.DefaultMaxPerFile,
            HelpName = "N",
        };
        maxDiagnostics.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0) result.AddError("--max-diagnostics must be 0 (print all) or more");
        });

        var command = new Command("validate", "Check playbook files for errors without running them")
        {
            paths,
            format,
            warningsAsErrors,
            maxDiagnostics,
        };
        command.SetAction(parseResult =>
        {
            var options = new ValidateOptions(
                parseResult.GetValue(paths) ?? [],
                FormatNamed(parseResult.GetValue(format) ?? "text"),
                parseResult.GetValue(warningsAsErrors),
                color,
                parseResult.GetValue(maxDiagnostics));
            var invocation = parseResult.InvocationConfiguration;
            return Run(options, invocation.Output, invocation.Error);
        });
        return command;
    }

    /// <summary>Runs the command and returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    public int Run(ValidateOptions options, TextWriter stdout, TextWriter stderr)
    {
        var files = CollectFiles(options.Paths, stderr);
        if (files is null) return ExitCodes.Usage;

        var report = new ValidationReport(check(files), options.WarningsAsErrors);
        CreateFormatter(options).Write(report, stdout);
        stdout.Flush();
        return report.Failed ? ExitCodes.Failed : ExitCodes.Success;
    }

    private IReportFormatter CreateFormatter(ValidateOptions options)
    {
        var root = baseDirectory ?? Environment.CurrentDirectory;
        return options.Format switch
        {
            OutputFormat.Json => new JsonFormatter(),
            OutputFormat.Sarif => new SarifFormatter(root),
            OutputFormat.GitHub => new GitHubFormatter(root, options.MaxDiagnostics),
            _ => new TextFormatter(options.Color, options.MaxDiagnostics),
        };
    }

    /// <summary>The files to check, in command-line order, directories expanded, each file once.</summary>
    internal static List<string>? CollectFiles(IReadOnlyList<string> paths, TextWriter stderr) =>
        InputFiles.Collect(paths, PlaybookExtension,
            file => InputFiles.CannotOpen(file) is { } reason ? $"playbook: cannot read '{file}': {reason}" : null, stderr);
}
