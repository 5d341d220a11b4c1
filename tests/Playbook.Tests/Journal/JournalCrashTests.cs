using System.Diagnostics;
using Playbook.Journal;
using Xunit;
using Xunit.Abstractions;

namespace Playbook.Tests.Journal;

/// <summary>Kills a real process in the middle of appending (SIGKILL on Unix), several times over one
/// journal: each time the journal must read with at most damage at its tail, the seqs consecutive from 1 and
/// every record of the earlier rounds still there.</summary>
public sealed class JournalCrashTests(JournalTestFiles files, ITestOutputHelper output) : IClassFixture<JournalTestFiles>
{
    [Fact]
    public async Task A_writer_killed_while_appending_leaves_at_most_a_torn_tail()
    {
        var path = files.NewPath();
        var random = new Random();
        var before = 0;
        for (var round = 1; round <= 5; round++)
        {
            var delay = random.Next(0, 60);
            using (var child = StartChild(path))
            {
                // Killed only once it has appended, so the journal must have grown this round.
                string? said;
                try
                {
                    said = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (TimeoutException)
                {
                    said = "nothing in 30 s";
                }
                if (said != "appending")
                {
                    child.Kill();
                    Assert.Fail($"round {round}: the child did not start appending: {said} {await child.StandardError.ReadToEndAsync()}");
                }
                await Task.Delay(delay);
                child.Kill();
                await child.WaitForExitAsync();
            }

            var contents = JournalReader.Read(path);
            output.WriteLine($"round {round}: killed after {delay} ms, {contents.Records.Count} records, {new FileInfo(path).Length - contents.ValidLength} bytes of torn tail{(contents.Damage is null ? "" : ": " + contents.Damage.Reason)}");
            Assert.True(contents.Damage is null or { AtTail: true }, contents.Damage?.Reason);
            Assert.Equal(Enumerable.Range(1, contents.Records.Count).Select(i => (long)i), contents.Records.Select(r => r.Seq));
            Assert.True(contents.Records.Count > before, $"round {round}: {contents.Records.Count} records, {before} before it");
            before = contents.Records.Count;
        }
    }

    /// <summary>This test assembly run as a program (<see cref="JournalCrashChild"/>).</summary>
    private static Process StartChild(string path)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(JournalCrashChild).Assembly.Location);
        start.ArgumentList.Add("--journal-writer");
        start.ArgumentList.Add(path);
        return Process.Start(start)!;
    }
}
