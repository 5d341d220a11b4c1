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

    /// <summary>A CLI process still running, for tests that stop it (SIGTERM, SIGKILL) part way.</summary>
    public sealed class Running : IDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _stdout;
        private readonly Task<string> _stderr;
        private readonly string[] _args;

        internal Running(Process process, string[] args)
        {
            _process = process;
            _args = args;
            _stdout = process.StandardOutput.ReadToEndAsync();
            _stderr = process.StandardError.ReadToEndAsync();
        }

        public int Pid => _process.Id;

        /// <summary>SIGKILL to the CLI process alone: what it started in process groups of their own stays.</summary>
        public void Kill() => _process.Kill(entireProcessTree: false);

        public Result Finish(TimeSpan? limit = null)
        {
            if (!_process.WaitForExit(limit ?? TimeSpan.FromSeconds(120)))
            {
                _process.Kill(entireProcessTree: true);
                Assert.Fail($"playbook {string.Join(' ', _args)} did not finish in time");
            }
            var result = new Result(_process.ExitCode, _stdout.Result.ReplaceLineEndings("\n"), _stderr.Result.ReplaceLineEndings("\n"));
            foreach (var text in new[] { result.Out, result.Err })
            {
                Assert.DoesNotContain("at Playbook.", text);
                Assert.DoesNotContain("Exception", text);
                Assert.DoesNotMatch(@"(?m)^\s+at [\w.<>`+]+\(", text); // a stack frame
                Assert.DoesNotContain("\u001b[", text); // redirected output is never coloured
            }
            return result;
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }

    public static Result Run(string workingDirectory, params string[] args) =>
        Run(workingDirectory, new Dictionary<string, string?>(), args);

    /// <param name="environment">Variables to set (a null value removes one). PLAYBOOK_SECRET_* and
    /// PLAYBOOK_NOTIFY_URL are never inherited from the test's own environment: a test sees only its own.</param>
    public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var running = Start(workingDirectory, environment, args);
        return running.Finish();
    }

    public static Running Start(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // stdin is an empty pipe, never the test host's: nothing can answer a prompt.
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(PlaybookDll());
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("NO_COLOR");
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("PLAYBOOK_SECRET_", StringComparison.Ordinal) || k == "PLAYBOOK_NOTIFY_URL").ToList())
            start.Environment.Remove(name);
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.StandardInput.Close();
        return new Running(process, args);
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

    internal static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
