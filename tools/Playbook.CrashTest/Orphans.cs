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
        var full = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        var deadline = DateTime.UtcNow + longest;
        while (AnyIn(full) && DateTime.UtcNow < deadline) await Task.Delay(Poll);
    }

    private static bool AnyIn(string directory)
    {
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), out _)) continue;
            try
            {
                if (Directory.ResolveLinkTarget(Path.Combine(process, "cwd"), returnFinalTarget: false)?.FullName == directory) return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone since the listing, or someone else's process: not one of ours.
            }
        }
        return false;
    }
}
