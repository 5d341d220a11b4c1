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

    /// <summary>Whether <paramref name="pid"/> is <paramref name="ancestor"/> or descends from it (by parent pids in
    /// /proc): a paused runner's own children are its host's, not the lost host's.</summary>
    public static bool DescendsFrom(int pid, int ancestor)
    {
        for (var current = pid; current > 1; current = ParentOf(current))
            if (current == ancestor) return true;
        return false;
    }

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/PID/stat: "pid (comm) state ppid …"; the command may hold spaces and parentheses, so from the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return 0;
        }
    }

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
