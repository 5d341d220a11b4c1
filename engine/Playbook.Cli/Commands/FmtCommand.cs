using System.CommandLine;
using Playbook.Cli.Output;
using Playbook.Formatting;
using Playbook.Text;

namespace Playbook.Cli.Commands;

/// <summary>What <c>playbook fmt</c> was asked to do.</summary>
/// <param name="Check">List the files that are not formatted and exit 1; write nothing.</param>
/// <param name="Diff">Print a unified diff of what formatting would change; write nothing.</param>
internal sealed record FmtOptions(IReadOnlyList<string> Paths, bool Check = false, bool Diff = false, bool Color = false);

/// <summary><c>playbook fmt PATH… [--check] [--diff]</c>: rewrites playbooks in the one canonical layout
/// (grammar/README.md, "Layout and playbook fmt"). A file with syntax errors is never touched: its
/// diagnostics go to stderr. Exit 0 when every file is (now) formatted, 1 when --check found a file to
/// format or a file has syntax errors, 2 for bad usage, 70 when the formatter's own check failed (a bug).</summary>
internal sealed class FmtCommand
{
    public Command CreateCommand(bool color)
    {
        var paths = CommonOptions.Paths("Playbook files, or directories to search recursively for *.playbook files");
        var check = new Option<bool>("--check") { Description = "List the files whose layout differs and exit 1; change nothing" };
        var diff = new Option<bool>("--diff") { Description = "Print a unified diff of the changes formatting makes; change nothing" };
        var command = new Command("fmt", "Rewrite playbooks in the canonical layout (indentation, aligned arrows, blank lines)") { paths, check, diff };
        command.SetAction(parseResult =>
        {
            var invocation = parseResult.InvocationConfiguration;
            var options = new FmtOptions(parseResult.GetValue(paths) ?? [], parseResult.GetValue(check), parseResult.GetValue(diff), color);
            return Run(options, invocation.Output, invocation.Error);
        });
        return command;
    }

    public int Run(FmtOptions options, TextWriter stdout, TextWriter stderr)
    {
        var files = ValidateCommand.CollectFiles(options.Paths, stderr);
        if (files is null) return ExitCodes.Usage;

        var exit = ExitCodes.Success;
        var refused = new List<CheckedFile>();
        foreach (var file in files)
        {
            var result = PlaybookFormatter.FormatFile(file);
            if (result.InternalError is { } bug)
            {
                stderr.WriteLine($"playbook: internal error: cannot format '{DisplayPath.Escape(file)}': {bug}; the file was left as it is (this is a bug; please report it)");
                exit = ExitCodes.InternalError;
                continue;
            }
            if (result.Text is not { } formatted)
            {
                refused.Add(new CheckedFile(file, result.Diagnostics));
                if (exit == ExitCodes.Success) exit = ExitCodes.Failed;
                continue;
            }

            if (!result.Changed) continue;
            if (options.Diff) stdout.Write(UnifiedDiff.Of(result.Input, formatted, DiffPath(file, Directory.GetCurrentDirectory())));
            if (options.Check)
            {
                if (!options.Diff) stdout.WriteLine(DisplayPath.Escape(file));
                if (exit == ExitCodes.Success) exit = ExitCodes.Failed;
                continue;
            }
            if (options.Diff) continue;
            FileRewriter.Replace(file, formatted);
            stdout.WriteLine(DisplayPath.Escape(file));
        }

        if (refused.Count > 0)
        {
            // As validate prints them, with the reason the files were left alone.
            new TextFormatter(options.Color && !Console.IsErrorRedirected).Write(new ValidationReport(refused), stderr);
            foreach (var file in refused)
                stderr.WriteLine($"playbook: '{DisplayPath.Escape(file.Path)}' cannot be parsed: it was left as it is");
        }
        stdout.Flush();
        return exit;
    }

    /// <summary>The path in the <c>--- a/PATH</c> / <c>+++ b/PATH</c> headers, as <c>git diff</c> writes it:
    /// relative to the current directory when the file is under it (so <c>patch -p1</c> applies the diff where
    /// it was made), else the absolute path without its root (<c>a/tmp/x.playbook</c>, never <c>a//tmp/…</c>);
    /// '/' between folders, and a CR or LF in a name escaped so it cannot end the header line.</summary>
    internal static string DiffPath(string file, string currentDirectory)
    {
        var full = Path.GetFullPath(file, currentDirectory);
        var relative = Path.GetRelativePath(currentDirectory, full);
        var outside = Path.IsPathRooted(relative) || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        var shown = outside ? full[(Path.GetPathRoot(full)?.Length ?? 0)..] : relative;
        return DisplayPath.Escape(Path.DirectorySeparatorChar == '\\' ? shown.Replace('\\', '/') : shown);
    }
}
