using System.Text;
using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.LiveRuns;
using Xunit;

namespace Playbook.Tests.Resume;

/// <summary>A run whose script result and capture hold a secret, cut after each of its records and resumed
/// with the same secret: every resume goes on with the real values (opened from the journal's sealed ones,
/// the outputs too when the cut falls between an attempt's end and its capture), and no journal holds the
/// secret. Resumed with the secret rotated, any cut after the capture is refused.</summary>
public sealed class SealedResumeFromEveryRecordTests : IDisposable
{
    private const string Secret = "s3cr3t-0be11e5d";
    private readonly string _dir = Directory.CreateTempSubdirectory("playbook-sealed-").FullName;
    private readonly PlaybookWorkspace _workspace = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CompiledPlaybook Compile(string path)
    {
        var document = _workspace.Load(path);
        Assert.False(document.HasErrors, string.Join("\n", document.Check()));
        return PlaybookCompiler.Compile(document.Model!);
    }

    private LiveRunOptions Options(CompiledPlaybook playbook, string journal, string secret) => new()
    {
        Playbook = playbook,
        ResolveCallee = (_, _) => null,
        View = new SilentRunView(),
        JournalDirectory = journal,
        WorkingDirectory = _dir,
        NotifyUrl = null,
        Secret = name => name == "api_token" ? secret : null,
    };

    [Fact]
    public async Task A_run_cut_after_any_record_resumes_with_the_real_values_and_only_with_the_same_secret()
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Resume", "data", "sealed-relay.playbook"), Path.Combine(_dir, "sealed-relay.playbook"));
        var playbook = Compile(Path.Combine(_dir, "sealed-relay.playbook"));
        var t = $"token={Secret}-suffix";

        var full = await LiveRun.StartAsync(Options(playbook, Path.Combine(_dir, "full"), Secret));
        Assert.Empty(full.Errors);
        Assert.Equal(("done", t + "!"), (full.Result!.End, full.Result.Captures["u"]));
        var lines = File.ReadAllLines(full.JournalPath!);
        // Each step's result and capture are sealed: a cut between them resumes from the outputs.
        Assert.Equal(4, lines.Count(l => l.Contains("\"sealed\":", StringComparison.Ordinal)));

        var refusedCuts = 0;
        for (var k = 1; k < lines.Length; k++)
        {
            foreach (var (secret, name) in new[] { (Secret, "same"), ("rotated-77aa88bb", "rotated") })
            {
                var journal = Path.Combine(_dir, $"cut-{k}-{name}");
                Directory.CreateDirectory(journal);
                var path = Path.Combine(journal, Path.GetFileName(full.JournalPath!));
                File.WriteAllText(path, string.Join("\n", lines.Take(k)) + "\n");
                var what = $"cut after record {k} ({lines[k - 1][9..Math.Min(lines[k - 1].Length, 90)]}), {name} secret";
                var sealedSoFar = lines.Take(k).Any(l => l.Contains("\"sealed\":", StringComparison.Ordinal));

                var resumed = await LiveRun.ResumeAsync(JournaledRun.Read(path), Options(playbook, journal, secret), _ => InFlightChoice.Rerun);

                if (name == "rotated" && sealedSoFar)
                {
                    refusedCuts++;
                    var error = Assert.Single(resumed.Errors);
                    Assert.Contains("export PLAYBOOK_SECRET_API_TOKEN with the value it had when the run started", error);
                    Assert.Equal(string.Join("\n", lines.Take(k)) + "\n", File.ReadAllText(path));
                    continue;
                }
                Assert.True(resumed.Errors.Count == 0, $"{what}: {string.Join("; ", resumed.Errors)}");
                var expected = name == "same" ? t : "token=rotated-77aa88bb-suffix";
                Assert.True(Equals(expected + "!", resumed.Result!.Captures["u"]), $"{what}: u is {resumed.Result!.Captures["u"]}");
                var text = Encoding.UTF8.GetString(File.ReadAllBytes(path));
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{what}: the journal holds the secret");
                Assert.Null(JournalValidator.Check(JournaledRun.Read(path), playbook, (_, _) => null));
            }
        }
        Assert.True(refusedCuts > 0);
    }
}
