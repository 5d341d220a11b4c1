using System.Diagnostics;
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

    public sealed record Result(int Exit, string Out, string Err)
    {
        public override string ToString() => $"exit {Exit}\n--- stdout\n{Out}\n--- stderr\n{Err}";
    }

    /// <summary>Runs <c>dotnet playbook.dll ARGS</c> with redirected output in the data directory.</summary>
    public static Result RunCli(params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = DataDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(PlaybookDll());
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("NO_COLOR");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"playbook {string.Join(' ', args)} did not finish in 120 s");
        }
        var result = new Result(process.ExitCode, stdout.Result, stderr.Result);
        foreach (var text in new[] { result.Out, result.Err })
        {
            Assert.DoesNotContain("Exception", text);
            Assert.DoesNotContain("at Playbook.", text);
            Assert.DoesNotContain("\u001b[", text); // redirected output is never coloured
        }
        return result;
    }

    private static string PlaybookDll()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "playbook.dll");
        if (File.Exists(beside) && File.Exists(Path.Combine(AppContext.BaseDirectory, "playbook.runtimeconfig.json"))) return beside;
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfm.Parent!;
        var own = Path.Combine(PlaybookLibraryTests.RepositoryRoot(), "engine", "Playbook.Cli", "bin", configuration.Name, tfm.Name, "playbook.dll");
        Assert.True(File.Exists(own), $"playbook.dll not found beside the tests or at {own}");
        return own;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

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
