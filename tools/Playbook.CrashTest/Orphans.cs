namespace Playbook.CrashTest;

/// <summary>Waits for what a killed run left running in its directory to finish, the way an operator would
/// before deciding whether a step ran: a shell step's process group outlives the killed dotnet process, and
/// until it ends the ledger cannot say whether its change happened.</summary>
public static class Orphans
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    /// <summary>Until no process has <paramref name="directory"/> as its working directory (every process a
    /// run starts has, even between fork and exec), at most <paramref name="longest"/>. Without /proc, simply
    /// waits <paramref name="longest"/>.</summary>
    public static async Task WaitAsync(string directory, TimeSpan longest)
    {
        if (!Directory.Exists("/proc/self"))
        {
            await Task.Delay(longest);
            return;
        }
        var deadline = DateTime.UtcNow + longest;
        while (AnyIn(directory) && DateTime.UtcNow < deadline) await Task.Delay(Poll);
    }

    private static bool AnyIn(string directory) => In(directory).Any();

    /// <summary>The processes (pid, command line) whose working directory is <paramref name="directory"/>.</summary>
    public static IEnumerable<(int Pid, string Command)> In(string directory)
    {
        if (!Directory.Exists("/proc/self")) yield break;
        var full = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), out var pid)) continue;
            string? command = null;
            try
            {
                if (Directory.ResolveLinkTarget(Path.Combine(process, "cwd"), returnFinalTarget: false)?.FullName == full)
                    command = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ').Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone since the listing, or someone else's process: not one of ours.
            }
            if (command is not null) yield return (pid, command);
        }
    }
}
