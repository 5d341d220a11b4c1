using System.Text;
using Playbook.Fuzz;
using Xunit;

namespace Playbook.Tests.Fuzz;

/// <summary>Seeded mutants of the shipped playbooks (tools/Playbook.Fuzz runs many more): no exception
/// escapes read → parse → check → compile → graph → simulate, no mutant takes longer than 2 s per MiB plus
/// an allowance, and LF, CR and CRLF give the same diagnostics. The pipeline runs on a large-stack thread,
/// so a deep recursion the limits missed fails this test instead of killing the host; the nastiest
/// mutants also go through the real CLI, where a stack overflow is exit 134.</summary>
public sealed class FuzzTests : IDisposable
{
    private const int Mutants = 240;

    private const int MaxBytes = 1024 * 1024;

    // A hang was over 10 s; under a loaded 2-core CI machine a small file checks in well under 1 s.
    private static readonly TimeSpan Allowance = TimeSpan.FromSeconds(8);

    private readonly string _dir = Directory.CreateTempSubdirectory("playbook-fuzz-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Corpus()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var playbooks = Path.Combine(dir.FullName, "playbooks");
            if (File.Exists(Path.Combine(dir.FullName, "Playbook.sln")) && Directory.Exists(playbooks)) return playbooks;
        }
        throw new InvalidOperationException("playbooks/ not found above the test assembly");
    }

    [Fact]
    public void Mutants_of_the_shipped_playbooks_never_crash_hang_or_break_line_ending_parity()
    {
        var corpus = Mutator.LoadCorpus(Corpus());
        foreach (var (name, text) in corpus) File.WriteAllText(Path.Combine(_dir, name), text);
        var mutator = new Mutator(corpus, seed: 2026);
        FuzzPipeline.Run(Path.Combine(_dir, corpus[0].Name), TimeSpan.FromMinutes(2)); // loads and JITs Jint and Roslyn once

        var failures = new List<string>();
        var valid = 0;
        for (var i = 0; i < Mutants; i++)
        {
            var m = mutator.Make(i);
            // Mutants over 1 MiB (thousands of lets or duplicated blocks) are left to tools/Playbook.Fuzz, which
            // times a Release build: a Debug test host on a loaded machine is several times slower on them.
            if (m.Bytes.Length > MaxBytes) continue;
            var path = Path.Combine(_dir, "mutant.playbook");
            File.WriteAllBytes(path, m.Bytes);
            var allowed = FuzzPipeline.Allowed(m.Bytes.Length, Allowance);
            var outcome = FuzzPipeline.Run(path, allowed);
            var what = $"mutant {i} ({m.Seed}, {m.Mutations}, {m.Bytes.Length} bytes)";
            if (outcome.TimedOut) failures.Add($"{what}: no answer in {allowed.TotalSeconds:0.0} s");
            else if (outcome.Failure is { } e) failures.Add($"{what}: {e}");
            else if (outcome.Elapsed > allowed) failures.Add($"{what}: took {outcome.Elapsed.TotalSeconds:0.00} s, allowed {allowed.TotalSeconds:0.00} s");
            if (outcome.Valid) valid++;
            if (m.Bytes.Length > 256 * 1024) continue;

            var (lf, cr, crlf) = FuzzPipeline.LineEndingVariants(m.Bytes);
            var expected = DiagnosticsOf(path, lf);
            foreach (var (name, bytes) in new[] { ("CR", cr), ("CRLF", crlf) })
            {
                var actual = DiagnosticsOf(path, bytes);
                if (!expected.SequenceEqual(actual))
                    failures.Add($"{what}: {name} differs from LF\nLF:   {string.Join(" | ", expected)}\n{name}: {string.Join(" | ", actual)}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.True(valid > 0, "no mutant was valid: compile, graph and simulate were never reached");
    }

    private static IReadOnlyList<string> DiagnosticsOf(string path, byte[] bytes)
    {
        File.WriteAllBytes(path, bytes);
        IReadOnlyList<string>? found = null;
        var thread = new Thread(() => found = FuzzPipeline.Diagnostics(path), 256 * 1024 * 1024);
        thread.Start();
        Assert.True(thread.Join(FuzzPipeline.Allowed(bytes.Length, Allowance)), $"no diagnostics for {path} in time");
        return found!;
    }

    /// <summary>The shapes that crashed or hung before, through the real CLI: a stack overflow would be exit
    /// 134, an internal error 70; each must be an answer (exit 1 with PB0008), in time.</summary>
    [Theory]
    [InlineData("js-brackets")]
    [InlineData("js-chain")]
    [InlineData("cs-parens")]
    [InlineData("cs-chain")]
    [InlineData("js-prefix")]
    public void Nastiest_mutants_through_the_cli_answer_with_PB0008(string shape)
    {
        var source = File.ReadAllText(Path.Combine(Corpus(), "worker-rollback.playbook"));
        var deep = shape switch
        {
            "js-brackets" => "`errors > " + new string('[', 10_000) + "1" + new string(']', 10_000) + "`",
            "js-chain" => "`errors > " + string.Join("+", Enumerable.Repeat("1", 10_000)) + "`",
            "cs-parens" => "cs`errors > " + new string('(', 8_000) + "1" + new string(')', 8_000) + "`",
            "cs-chain" => "cs`errors > " + string.Join("+", Enumerable.Repeat("1", 10_000)) + "`",
            _ => "`errors > " + new string('!', 50_000) + "1`",
        };
        File.WriteAllText(Path.Combine(_dir, "worker-rollback.playbook"), source.Replace("`errors > max_errors`", deep, StringComparison.Ordinal));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = CliProcess.Run(_dir, "validate", "worker-rollback.playbook");
        Assert.Equal(1, result.Exit);
        Assert.Contains("error PB0008: brackets and operators in this expression are nested more than 100 levels deep", result.Out);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    /// <summary>Duplicating a line or a block of a file that is one long line (CR line endings, a huge token)
    /// built every copy before the 4 MiB cap: seed 1's mutant 2268 asked for 60 000 copies of a 1.8 MB line
    /// and the fuzz tool died "Out of memory." after 2 250 mutants. Copies now stop at the cap.</summary>
    [Fact]
    public void Mutants_of_a_file_that_is_one_long_line_stay_near_the_cap()
    {
        var line = "playbook one-line {  let a = 1  step s {    shell \"true\"  }  end done success \"ok\"}" + new string('x', 1_500_000);
        var mutator = new Mutator(new[] { ("one-line.playbook", line) }, seed: 1);
        for (var i = 0; i < 60; i++)
        {
            var m = mutator.Make(i);
            Assert.True(m.Bytes.Length <= 4_400_000 + 2_000_000, $"mutant {i} ({m.Mutations}) has {m.Bytes.Length} bytes");
        }
    }
}
