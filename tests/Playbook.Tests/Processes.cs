namespace Playbook.Tests;

/// <summary>What tests that stop processes need to ask the system.</summary>
internal static class Processes
{
    /// <summary>Whether process <paramref name="pid"/> is gone, polling for up to 3 s. A zombie counts as gone:
    /// it has exited, and in a container nobody may ever collect it.</summary>
    public static async Task<bool> Gone(int pid)
    {
        for (var i = 0; i < 150; i++)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                // "pid (comm) state …": comm may hold spaces and parentheses, so read after the last ')'.
                if (stat[stat.LastIndexOf(')') + 2] == 'Z') return true;
            }
            catch (IOException) { return true; }
            await Task.Delay(20);
        }
        return false;
    }
}
