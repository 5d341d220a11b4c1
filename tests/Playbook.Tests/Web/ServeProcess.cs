using System.Diagnostics;
using Xunit;

namespace Playbook.Tests.Web;

/// <summary><c>playbook serve</c> itself, on a free loopback port (it prints the URL it got first).</summary>
internal sealed class ServeProcess : IDisposable
{
    private readonly Process _process;

    private ServeProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public static ServeProcess Start(ConsoleSite site) => Start(site.Directory, site.JournalDirectory, site.UsersPath);

    /// <param name="environment">Variables for serve (and so for the runs it starts), beside the test's own.</param>
    public static ServeProcess Start(string directory, string journal, string users, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(CliProcess.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        foreach (var arg in new[] { CliProcess.PlaybookDll(), "serve", "--listen", "127.0.0.1:0", "--journal", journal, "--users", users, "--playbooks", directory })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        var first = process.StandardOutput.ReadLineAsync();
        if (!first.Wait(TimeSpan.FromSeconds(120)) || first.Result is not { } url)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("playbook serve printed no URL: " + process.StandardError.ReadToEnd());
            throw new InvalidOperationException();
        }
        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", url);
        return new ServeProcess(process, url);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
