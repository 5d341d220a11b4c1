using System.CommandLine;
using System.Net;
using System.Runtime.CompilerServices;

namespace Playbook.Cli.Commands;

/// <summary><c>playbook serve [--listen ADDR:PORT] [--journal DIR | --store URL] [--users FILE] [--playbooks DIR]</c>:
/// the web console over the run journal, or over a shared run store (then answers go to the store's inbox, and a
/// runner on any machine takes them); the first line printed is its URL; Ctrl+C (or SIGTERM) stops it. With <c>--add-user NAME
/// --role R</c> it adds a user to the users file instead, prints their new token once, and exits. Exit 0, 2 for
/// usage errors (a bad address, a missing or invalid users file, a port in use).
/// ASP.NET Core is loaded only here, in methods of their own: every other command starts as fast as before.</summary>
internal sealed class ServeCommand
{
    public const string DefaultListen = "127.0.0.1:8080";

    public Command CreateCommand()
    {
        var listen = new Option<string>("--listen") { Description = $"Address and port to listen on (default {DefaultListen}; port 0 picks a free one)", HelpName = "ADDR:PORT", DefaultValueFactory = _ => DefaultListen };
        var journal = RunCommand.JournalOption();
        var users = new Option<string>("--users") { Description = "The users file: names, roles and token hashes (default users.yaml)", HelpName = "FILE", DefaultValueFactory = _ => "users.yaml" };
        var playbooks = new Option<string?>("--playbooks") { Description = "A directory of playbooks to list in the library", HelpName = "DIR" };
        var addUser = new Option<string?>("--add-user") { Description = "Add (or give a new token to) a user in the users file, print the token once, and exit", HelpName = "NAME" };
        var role = new Option<string[]>("--role") { Description = "With --add-user: viewer, operator or approver (repeat for several)", HelpName = "ROLE", AllowMultipleArgumentsPerToken = false };
        var store = StoreOption.Create();
        var command = new Command("serve", "Serve the web console: live runs, approvals, reports and the playbook library") { listen, journal, users, playbooks, addUser, role, store };
        command.SetAction(parseResult =>
        {
            var invocation = parseResult.InvocationConfiguration;
            var usersFile = parseResult.GetValue(users) ?? "users.yaml";
            if (parseResult.GetValue(addUser) is { } name)
                return AddUser(usersFile, name, parseResult.GetValue(role) ?? [], invocation.Output, invocation.Error);
            if (parseResult.GetValue(role) is { Length: > 0 })
            {
                invocation.Error.WriteLine("playbook: --role goes with --add-user");
                return ExitCodes.Usage;
            }
            var address = parseResult.GetValue(listen) ?? DefaultListen;
            if (!IPEndPoint.TryParse(address, out var endpoint) || !address.Contains(':', StringComparison.Ordinal) || endpoint.Port > 65535)
            {
                invocation.Error.WriteLine($"playbook: --listen {address}: expected ADDR:PORT, as 127.0.0.1:8080 or [::1]:8080");
                return ExitCodes.Usage;
            }
            var directory = parseResult.GetValue(playbooks);
            if (directory is not null && !Directory.Exists(directory))
            {
                invocation.Error.WriteLine($"playbook: --playbooks {directory}: no such directory");
                return ExitCodes.Usage;
            }
            return Serve(endpoint, parseResult.GetValue(journal) ?? RunCommand.DefaultJournal, parseResult.GetValue(store), usersFile, directory, invocation.Output, invocation.Error);
        });
        return command;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int AddUser(string usersFile, string name, string[] roles, TextWriter stdout, TextWriter stderr)
    {
        if (roles.Length == 0)
        {
            stderr.WriteLine("playbook: --add-user needs at least one --role: viewer, operator or approver");
            return ExitCodes.Usage;
        }
        try
        {
            var token = Web.Auth.UsersFile.AddUser(usersFile, name, roles);
            stdout.WriteLine(token);
            stderr.WriteLine($"playbook: {name} ({string.Join(", ", roles)}) added to {usersFile}; the token above is shown only this once (the file keeps its SHA-256)");
            return ExitCodes.Success;
        }
        catch (Web.Auth.UsersFileException e)
        {
            stderr.WriteLine($"playbook: {e.Message}");
            return ExitCodes.Usage;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Serve(IPEndPoint endpoint, string journal, string? storeOption, string usersFile, string? playbooks, TextWriter stdout, TextWriter stderr)
    {
        Web.Auth.UsersFile users;
        try
        {
            users = Web.Auth.UsersFile.Open(usersFile);
        }
        catch (Web.Auth.UsersFileException e)
        {
            stderr.WriteLine($"playbook: {e.Message}");
            stderr.WriteLine($"playbook: add a user first: playbook serve --add-user NAME --role approver --users {usersFile}");
            return ExitCodes.Usage;
        }
        using var store = StoreOption.Open(storeOption, journal, stderr);
        if (store is null) return ExitCodes.Usage;
        var options = new Web.WebConsoleOptions
        {
            JournalDirectory = journal,
            // The journal directory is read as it always was (watched for changes); a shared store through its interface.
            Store = store is RunStores.FileRunStore ? null : store,
            Users = users,
            PlaybooksDirectory = playbooks,
            // The store's inbox (files beside the journal, or the database): the runner waiting on a manual step learns of a web answer at once.
            Answers = store.Inbox(message => stderr.WriteLine($"playbook: {message}")),
            ReportPlan = ReportPlanLoader.Load,
            // A run started from the form is a `playbook run --journal` of this directory: with a shared store the
            // console starts none (the runner would have to find the run again in the database), and says so.
            Runner = store is RunStores.FileRunStore ? Web.Endpoints.RunStarter.ThisProgram() : null,
        };
        using var app = Web.WebConsole.Build(options, endpoint);
        try
        {
            app.StartAsync().GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            stderr.WriteLine($"playbook: cannot listen on {endpoint}: {e.Message}");
            return ExitCodes.Usage;
        }
        stdout.WriteLine(Web.WebConsole.UrlOf(app));
        stdout.Flush();
        if (!IPAddress.IsLoopback(endpoint.Address))
            stderr.WriteLine($"playbook: listening on {endpoint} beyond this machine: put HTTPS in front of it (cookies are marked Secure only over HTTPS)");
        stderr.WriteLine($"playbook: serving runs from {store.Location}; Ctrl+C stops");
        Web.WebConsole.WaitForShutdown(app);
        return ExitCodes.Success;
    }
}
