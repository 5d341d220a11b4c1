using System.CommandLine;
using Playbook.LanguageServer;
using Playbook.LanguageServer.Features;

namespace Playbook.Cli.Commands;

/// <summary><c>playbook lsp</c>: the language server for editors, over stdin/stdout. Exit code 0 when the
/// client shut it down properly (shutdown, then exit), 1 when the stream ended without shutdown.</summary>
internal sealed class LspCommand
{
    public Command CreateCommand()
    {
        // Editors pass --stdio by convention; stdio is the only transport, so it is accepted and changes nothing.
        var stdio = new Option<bool>("--stdio") { Description = "Serve over stdin/stdout (the default and only transport)" };
        var command = new Command("lsp", "Run the language server for editors (Language Server Protocol over stdio)") { stdio };
        command.SetAction(_ => Run(Console.OpenStandardInput(), Console.OpenStandardOutput()));
        return command;
    }

    public static int Run(Stream input, Stream output)
    {
        using var server = new PlaybookLanguageServer(input, output, DiagnosticLinks.FromInstalledReference());
        try
        {
            server.RunAsync().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The client closed the pipe or sent exit: the exit code below says which.
        }
        return server.ShutdownRequested ? ExitCodes.Success : ExitCodes.Failed;
    }
}
