using System.CommandLine;
using System.CommandLine.Invocation;
using Playbook.Cli.Commands;

namespace Playbook.Cli;

/// <summary>The <c>playbook</c> command line: builds the command tree, parses, reports usage
/// errors (exit 2) and runs the chosen command.</summary>
internal static class CommandLineApp
{
    public static RootCommand CreateRootCommand(PlaybookChecker check, bool color)
    {
        var root = new RootCommand("Playbook: declarative incident-recovery playbooks")
        {
            new ValidateCommand(check).CreateCommand(color),
            new TestCommand().CreateCommand(color),
            new SimulateCommand().CreateCommand(color),
            new GraphCommand().CreateCommand(color),
            new RunCommand().CreateRunCommand(color),
            new RunCommand().CreateResumeCommand(color),
            new RunsCommand().CreateCommand(),
            new AnswerCommand().CreateCommand(),
            new ReportCommand().CreateCommand(),
            new LspCommand().CreateCommand(),
            new FmtCommand().CreateCommand(color),
            new StoreCommand().CreateCommand(),
            new ServeCommand().CreateCommand(),
        };
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the command; returns the exit code.
    /// Exceptions from the command propagate (Program turns them into exit code 70).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, PlaybookChecker check, bool color)
    {
        var root = CreateRootCommand(check, color);
        // No response files: a path starting with '@' is a path.
        var parseResult = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

        if (parseResult.Action is ParseErrorAction)
        {
            foreach (var error in parseResult.Errors)
            {
                stderr.WriteLine($"playbook: {error.Message}");
            }
            var command = parseResult.CommandResult.Command;
            var name = command is RootCommand ? "playbook" : $"playbook {command.Name}";
            stderr.WriteLine($"Run '{name} --help' for usage.");
            return ExitCodes.Usage;
        }

        return parseResult.Invoke(new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
        });
    }

    /// <summary>Runs <paramref name="run"/>; any exception becomes one line on
    /// <paramref name="stderr"/> and exit code 70, never a stack trace.</summary>
    internal static int Guard(Func<int> run, TextWriter stderr)
    {
        try
        {
            return run();
        }
        catch (Exception e) when (StoreFailure(e) is { } failed)
        {
            // The store failed under the command (its connection cut, the server restarting) or the runner lost the
            // run's lease: not a bug. What the store acknowledged is kept; a run stopped here continues with resume.
            stderr.WriteLine(failed is RunStores.LeaseLostException
                ? $"playbook: {OneLine(failed.Message)}"
                : $"playbook: cannot use the store {OneLine(failed.Message)}; nothing more was written: try again once the store is back (a stopped run continues with playbook resume)");
            stderr.Flush();
            return ExitCodes.Usage;
        }
        catch (Exception e)
        {
            try
            {
                stderr.WriteLine($"playbook: internal error: {OneLine(e.Message)} (this is a bug; please report it)");
                stderr.Flush();
            }
            catch (IOException)
            {
                // stderr is gone too; the exit code still says what happened.
            }
            return ExitCodes.InternalError;
        }
    }

    /// <summary>A store failure, also when the journal writer wrapped it (an append after one that failed).</summary>
    private static Exception? StoreFailure(Exception e) =>
        e is RunStores.RunStoreException or RunStores.LeaseLostException ? e
        : e.InnerException is RunStores.RunStoreException or RunStores.LeaseLostException ? e.InnerException
        : null;

    private static string OneLine(string message)
    {
        var text = string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return text.Length == 0 ? "unexpected failure" : text;
    }

    /// <summary>ANSI colours only on a terminal, and not when NO_COLOR is set (no-color.org)
    /// or TERM=dumb.</summary>
    internal static bool ColorEnabled() =>
        !Console.IsOutputRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        && Environment.GetEnvironmentVariable("TERM") != "dumb";
}
