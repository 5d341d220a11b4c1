using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace Playbook.Tests;

/// <summary>Runs the real, built <c>playbook</c> executable (<c>dotnet playbook.dll ARGS</c>) as a child
/// process with redirected output, and checks that nothing internal leaks out: no exception names, no
/// stack frames, no colour codes in redirected output.</summary>
internal static class CliProcess
{
    public sealed record Result(int Exit, string Out, string Err)
    {
        public override string ToString() => $"exit {Exit}\n--- stdout\n{Out}\n--- stderr\n{Err}";
    }

    public static Result Run(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
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
        var result = new Result(process.ExitCode, stdout.Result.ReplaceLineEndings("\n"), stderr.Result.ReplaceLineEndings("\n"));
        foreach (var text in new[] { result.Out, result.Err })
        {
            Assert.DoesNotContain("at Playbook.", text);
            Assert.DoesNotContain("Exception", text);
            Assert.DoesNotMatch(@"(?m)^\s+at [\w.<>`+]+\(", text); // a stack frame
            Assert.DoesNotContain("\u001b[", text); // redirected output is never coloured
        }
        return result;
    }

    /// <summary>The playbook.dll copied next to the tests (the test project references the CLI),
    /// or else the CLI project's own output for the same configuration.</summary>
    internal static string PlaybookDll()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "playbook.dll");
        if (File.Exists(beside) && File.Exists(Path.Combine(AppContext.BaseDirectory, "playbook.runtimeconfig.json"))) return beside;

        // tests/Playbook.Tests/bin/<Configuration>/<tfm>/ -> engine/Playbook.Cli/bin/<Configuration>/<tfm>/
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfm.Parent!;
        var own = Path.Combine(Library.PlaybookLibraryTests.RepositoryRoot(), "engine", "Playbook.Cli", "bin", configuration.Name, tfm.Name, "playbook.dll");
        Assert.True(File.Exists(own), $"playbook.dll not found beside the tests or at {own}");
        return own;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
