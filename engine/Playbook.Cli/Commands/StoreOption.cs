using System.CommandLine;
using Playbook.RunStores;

namespace Playbook.Cli.Commands;

/// <summary><c>--store URL</c>, shared by every command that reads or writes runs: a PostgreSQL store for a team
/// (<c>postgres://USER@HOST[:PORT]/DATABASE</c>), else <c>PLAYBOOK_STORE</c>, else the <c>--journal</c> directory.</summary>
internal static class StoreOption
{
    public static Option<string?> Create() => new("--store")
    {
        Description = $"Keep runs in a shared store: postgres://USER@HOST[:PORT]/DATABASE[?lease=30s] (default: ${RunStore.Variable}, else the --journal directory)",
        HelpName = "URL",
    };

    /// <summary>The store, or null after one line on <paramref name="stderr"/> saying why.</summary>
    public static IRunStore? Open(string? option, string journalDirectory, TextWriter stderr)
    {
        var store = RunStore.Open(RunStore.Url(option), journalDirectory, out var problem);
        if (store is null) stderr.WriteLine($"playbook: {problem}");
        return store;
    }

    /// <summary>What to add to a suggested command line so it reaches the same store.</summary>
    public static string Argument(IRunStore store) =>
        store is FileRunStore files ? RunCommand.JournalArgument(files.Directory) : $" --store {store.Location}";
}
