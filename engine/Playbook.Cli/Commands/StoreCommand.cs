using System.CommandLine;
using Playbook.RunStores;

namespace Playbook.Cli.Commands;

/// <summary><c>playbook store migrate --store URL</c>: creates or upgrades a shared store's schema (an empty database
/// is set up by any command that uses it; an older schema only by this, since other programs of the team may still
/// use it). Exit 0 when the schema is current, 2 when the store cannot be used.</summary>
internal sealed class StoreCommand
{
    public Command CreateCommand()
    {
        var store = StoreOption.Create();
        var migrate = new Command("migrate", "Create or upgrade a shared store's tables to this playbook's schema") { store };
        migrate.SetAction(parseResult =>
        {
            var invocation = parseResult.InvocationConfiguration;
            return Migrate(parseResult.GetValue(store), invocation.Output, invocation.Error);
        });
        return new Command("store", "Manage a shared run store (PostgreSQL)") { migrate };
    }

    public static int Migrate(string? option, TextWriter stdout, TextWriter stderr)
    {
        var url = RunStore.Url(option);
        if (url is null)
        {
            stderr.WriteLine($"playbook: give --store postgres://USER@HOST[:PORT]/DATABASE (or set {RunStore.Variable}): the journal directory needs no migration");
            return ExitCodes.Usage;
        }
        var location = PostgresLocation.Parse(url, out var problem);
        if (location is null)
        {
            stderr.WriteLine($"playbook: --store {RunStore.Shown(url)}: {problem}");
            return ExitCodes.Usage;
        }
        try
        {
            var applied = PostgresRunStore.Migrate(location);
            stdout.WriteLine(applied.Count == 0
                ? $"{location.Display}: schema is current (version {PostgresSchema.Latest})"
                : $"{location.Display}: applied migration{(applied.Count == 1 ? "" : "s")} {string.Join(", ", applied)}; schema is version {PostgresSchema.Latest}");
            return ExitCodes.Success;
        }
        catch (RunStoreException e)
        {
            stderr.WriteLine($"playbook: cannot migrate the store {e.Message}");
            return ExitCodes.Usage;
        }
    }
}
