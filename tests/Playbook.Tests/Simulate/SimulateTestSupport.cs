using Playbook.Tests.Library;
using Xunit;

namespace Playbook.Tests.Simulate;

/// <summary>Paths of the test playbooks (read in place from the source tree) and a runner for the real,
/// built <c>playbook</c> executable.</summary>
internal static class SimulateTestSupport
{
    public static string DataDirectory => Path.Combine(PlaybookLibraryTests.RepositoryRoot(), "tests", "Playbook.Tests", "Simulate", "data");

    public static string Data(string name) => Path.Combine(DataDirectory, name + ".playbook");

    public static string Shipped(string name) => Path.Combine(PlaybookLibraryTests.RepositoryRoot(), "playbooks", name + ".playbook");

    /// <summary>Runs <c>dotnet playbook.dll ARGS</c> with redirected output in the data directory.</summary>
    public static CliProcess.Result RunCli(params string[] args) => CliProcess.Run(DataDirectory, args);

    /// <summary>The path of an executable on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
