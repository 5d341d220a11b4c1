using Playbook.Compiling;
using Playbook.Journal;
using Playbook.EngineCore;
using Playbook.LiveRuns;
using Xunit;

namespace Playbook.Tests.Resume;

/// <summary>A crash can come after any record of the journal. This runs a playbook with every kind of
/// state once, then for each record k pretends the process died right after writing it (the journal cut
/// to its first k records) and resumes: every resume must reach the same end with the same captures and
/// the same states entered, and leave a journal that reads clean and ends the run.</summary>
public sealed class ResumeFromEveryRecordTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("playbook-resume-").FullName;
    private readonly PlaybookWorkspace _workspace = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CompiledPlaybook Compile(string path)
    {
        var document = _workspace.Load(path);
        Assert.False(document.HasErrors, string.Join("\n", document.Check()));
        return PlaybookCompiler.Compile(document.Model!);
    }

    private CompiledPlaybook? Resolve(CompiledPlaybook caller, string name) =>
        _workspace.Resolve(caller.Model, name, out var path) is null ? null : Compile(path);

    private LiveRunOptions Options(CompiledPlaybook playbook, string journal) => new()
    {
        Playbook = playbook,
        ResolveCallee = Resolve,
        View = new SilentRunView(),
        JournalDirectory = journal,
        Answers = new Dictionary<string, string> { ["confirm"] = "approve" },
        WorkingDirectory = _dir,
        NotifyUrl = null,
    };

    [Fact]
    public async Task A_run_cut_after_any_record_resumes_to_the_same_end()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Resume", "data")))
            File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
        var playbook = Compile(Path.Combine(_dir, "relay.playbook"));

        var full = await LiveRun.StartAsync(Options(playbook, Path.Combine(_dir, "full")));
        Assert.Empty(full.Errors);
        Assert.Equal("done", full.Result!.End);
        var lines = File.ReadAllLines(full.JournalPath!);
        Assert.True(lines.Length > 30, $"the run wrote only {lines.Length} records");

        for (var k = 1; k < lines.Length; k++)
        {
            var journal = Path.Combine(_dir, $"cut-{k}");
            Directory.CreateDirectory(journal);
            var path = Path.Combine(journal, Path.GetFileName(full.JournalPath!));
            File.WriteAllText(path, string.Join("\n", lines.Take(k)) + "\n");

            var resumed = await LiveRun.ResumeAsync(JournaledRun.Read(path), Options(playbook, journal), _ => InFlightChoice.Rerun);

            var what = $"cut after record {k} ({lines[k - 1][9..Math.Min(lines[k - 1].Length, 90)]})";
            Assert.True(resumed.Errors.Count == 0, $"{what}: {string.Join("; ", resumed.Errors)}");
            var result = resumed.Result!;
            Assert.True(full.Result.End == result.End, $"{what}: ended at {result.End} ({result.Reason}), not {full.Result.End}");
            Assert.Equal(full.Result.Path.Order(StringComparer.Ordinal), result.Path.Order(StringComparer.Ordinal));
            foreach (var name in new[] { "name", "left", "right", "summary" })
                Assert.True(Equals(full.Result.Captures[name], result.Captures[name]), $"{what}: capture {name} is {result.Captures[name]}, not {full.Result.Captures[name]}");
            var after = JournalReader.Read(path);
            Assert.Null(after.Damage);
            // The journal the resume left is one the playbook could have written: the validator refuses none of it.
            Assert.Null(JournalValidator.Check(JournaledRun.Read(path), playbook, Resolve));
            Assert.Equal("run-ended", after.Records[^1].Type);
            Assert.Equal("run-resumed", after.Records[k].Type);
        }
    }
}
