using System.Diagnostics;
using System.Text;
using Playbook.Diagnostics;
using Playbook.Parsing;
using Xunit;

namespace Playbook.Tests.Parsing;

/// <summary>Hostile and extreme input: the front end never throws, never overflows the stack, answers
/// quickly, and reports the diagnostic that says what is wrong.</summary>
public sealed class RobustnessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("playbook-robustness-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteFile(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string WriteFile(string name, string text) => WriteFile(name, Encoding.UTF8.GetBytes(text));

    private static IReadOnlyList<Diagnostic> CheckFile(string path)
    {
        var diagnostics = PlaybookDocument.Load(path).Check();
        AssertSpansInside(diagnostics);
        return diagnostics;
    }

    private static void AssertSpansInside(IReadOnlyList<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            var length = d.Source.Text.Length;
            Assert.True(d.Span.Start >= 0 && d.Span.Length >= 0 && d.Span.End <= length,
                $"{d.Id} span {d.Span} lies outside the text (length {length}): {d}");
            Assert.True(d.Start.Line >= 1 && d.Start.Column >= 1, $"{d.Id} has position {d.Start}");
        }
    }

    private static string Ids(IEnumerable<Diagnostic> diagnostics) => string.Join(", ", diagnostics.Select(d => $"{d.Id}@{d.Start}"));

    // ---- empty and near-empty files -------------------------------------------------------------

    [Fact]
    public void EmptyFileReportsPB0005()
    {
        var d = Assert.Single(CheckFile(WriteFile("empty.playbook", Array.Empty<byte>())));
        Assert.Equal("PB0005", d.Id);
        Assert.Equal(new Text.LinePosition(1, 1), d.Start);
    }

    [Fact]
    public void WhitespaceAndCommentsOnlyReportPB0005()
    {
        var d = Assert.Single(CheckFile(WriteFile("comments.playbook", "\n\t  \r\n# nothing here yet\n   # indented comment\n\n")));
        Assert.Equal("PB0005", d.Id);
    }

    [Fact]
    public void ByteOrderMarkAloneReportsPB0005()
    {
        var d = Assert.Single(CheckFile(WriteFile("bom.playbook", new byte[] { 0xEF, 0xBB, 0xBF })));
        Assert.Equal("PB0005", d.Id);
    }

    // ---- not text --------------------------------------------------------------------------------

    [Fact]
    public void InvalidUtf8ReportsPB0006AtTheBadByte()
    {
        var bytes = Encoding.UTF8.GetBytes("playbook cache {\n  title \"caf").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\"\n}\n")).ToArray();
        var d = Assert.Single(CheckFile(WriteFile("cache.playbook", bytes)));
        Assert.Equal("PB0006", d.Id);
        Assert.Equal(new Text.LinePosition(2, 13), d.Start);
    }

    [Fact]
    public void NulBytesReportPB0006AtTheFirstNul()
    {
        var d = Assert.Single(CheckFile(WriteFile("cache.playbook", "playbook cache {\n  # \0\0\0\n}\n")));
        Assert.Equal("PB0006", d.Id);
        Assert.Equal(new Text.LinePosition(2, 5), d.Start);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomBinaryGarbageNeverThrows(int seed)
    {
        var random = new Random(seed);
        foreach (var size in new[] { 1, 2, 3, 5, 8, 16, 64, 256, 1000, 4096, 65_536, 1_000_000 })
        {
            var bytes = new byte[size];
            random.NextBytes(bytes);
            var diagnostics = CheckFile(WriteFile($"garbage-{seed}-{size}.playbook", bytes));
            Assert.True(diagnostics.Any(d => d.Severity == Severity.Error), $"{size} random bytes (seed {seed}) gave no error: {Ids(diagnostics)}");
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void RandomPrintableGarbageNeverThrows(int seed)
    {
        // Random text (valid UTF-8, no NUL) reaches the parser, unlike random bytes.
        const string alphabet = "abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789{}[]()\"`$#\\\n\t-><:=,;%._'/";
        var random = new Random(seed);
        foreach (var size in new[] { 1, 2, 10, 100, 1000, 10_000, 100_000 })
        {
            var text = new string(Enumerable.Range(0, size).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var diagnostics = CheckFile(WriteFile($"text-{seed}-{size}.playbook", text));
            Assert.True(diagnostics.Any(d => d.Severity == Severity.Error), $"{size} random characters (seed {seed}) gave no error: {Ids(diagnostics)}");
        }
    }

    // ---- size and depth limits ----------------------------------------------------------------------

    [Fact]
    public void TwentyThousandNestedBracesReportPB0008()
    {
        var text = "playbook deep " + new string('{', 20_000) + new string('}', 20_000) + "\n";
        var watch = Stopwatch.StartNew();
        var diagnostics = CheckFile(WriteFile("deep.playbook", text));
        watch.Stop();
        var d = Assert.Single(diagnostics);
        Assert.Equal("PB0008", d.Id);
        // The 33rd '{' is the first one deeper than the limit of 32.
        Assert.Equal(new Text.LinePosition(1, "playbook deep ".Length + PlaybookParser.MaxNesting + 1), d.Start);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void TwentyThousandNestedListsInALetReportPB0008()
    {
        var text = "playbook deep {\n  let shards = " + new string('[', 20_000) + "1" + new string(']', 20_000) + "\n}\n";
        var d = Assert.Single(CheckFile(WriteFile("deep.playbook", text)));
        Assert.Equal("PB0008", d.Id);
        // The playbook's '{' is level 1, so the 32nd '[' is the 33rd level.
        Assert.Equal(new Text.LinePosition(2, "  let shards = ".Length + PlaybookParser.MaxNesting), d.Start);
    }

    [Fact]
    public void ThirtyTwoLevelsAreStillAllowed()
    {
        // The limit is exact: 31 '[' inside the playbook's '{' is 32 levels, and is not refused.
        var text = "playbook deep {\n  let shards = " + new string('[', 31) + "1" + new string(']', 31) + "\n}\n";
        var diagnostics = PlaybookDocument.FromText("deep.playbook", text).Check();
        Assert.DoesNotContain(diagnostics, d => d.Id == "PB0008");
    }

    private static string TenMegabytes(string dir)
    {
        var path = Path.Combine(dir, "huge.playbook");
        using var file = File.Create(path);
        file.Write(Encoding.UTF8.GetBytes("playbook huge {\n"));
        var line = Encoding.UTF8.GetBytes("  # padding padding padding padding padding padding padding padding padding\n");
        while (file.Length < 10 * 1024 * 1024) file.Write(line);
        file.Write(Encoding.UTF8.GetBytes("}\n"));
        return path;
    }

    [Fact]
    public void TenMegabyteFileReportsPB0007Quickly()
    {
        var path = TenMegabytes(_dir);
        var watch = Stopwatch.StartNew();
        var d = Assert.Single(CheckFile(path));
        watch.Stop();
        Assert.Equal("PB0007", d.Id);
        Assert.Contains("10 MiB", d.Message);
        Assert.Contains("4 MiB", d.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}: a huge file should be refused without being read");
    }

    // ---- big valid input ------------------------------------------------------------------------------

    [Fact]
    public void TenThousandLineGeneratedPlaybookHasNoDiagnostics()
    {
        var sb = new StringBuilder();
        sb.Append("# Generated: a long chain of restarts.\nplaybook generated {\n  title \"Generated\"\n  input region : string = \"eu\"\n\n");
        var steps = 0;
        while (sb.ToString().Count(c => c == '\n') < 10_000)
        {
            var next = $"s{steps + 1}";
            sb.Append($"  step s{steps} \"Restart shard {steps}\" {{\n")
              .Append($"    shell \"./restart.sh ${{region}} {steps}\"\n")
              .Append("    timeout 1m\n")
              .Append($"    on ok   -> {next}\n")
              .Append("    on fail -> failed\n")
              .Append("  }\n\n");
            steps++;
        }
        var text = sb.ToString().Replace($"-> s{steps}\n", "-> recovered\n", StringComparison.Ordinal)
            + "  end recovered success \"All shards restarted\"\n  end failed failure \"A shard did not restart\"\n}\n";
        Assert.True(text.Count(c => c == '\n') >= 10_000, $"only {text.Count(c => c == '\n')} lines");

        var path = WriteFile("generated.playbook", text);
        var watch = Stopwatch.StartNew();
        var diagnostics = CheckFile(path);
        watch.Stop();
        Assert.True(diagnostics.Count == 0, Ids(diagnostics.Take(10)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    // ---- fuzzing the sketch ---------------------------------------------------------------------------

    private static string Sketch => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Parsing", "data", "worker-rollback.playbook"));

    [Fact]
    public void SketchExampleHasNoErrors()
    {
        var diagnostics = PlaybookDocument.FromText("worker-rollback.playbook", Sketch).Check();
        Assert.True(!diagnostics.Any(d => d.Severity == Severity.Error), Ids(diagnostics));
    }

    [Fact]
    public void TwoThousandRandomMutationsOfTheSketchNeverThrow()
    {
        var original = Sketch;
        var random = new Random(20_000);
        const string pool = "{}[]()\"`$#\\\n -><:=,;%._'x9\0\uFFFD\u00e9";
        var sawError = 0;
        for (var i = 0; i < 2_000; i++)
        {
            var text = original;
            var mutations = 1 + random.Next(3);
            for (var m = 0; m < mutations; m++) text = Mutate(text, random, pool);
            IReadOnlyList<Diagnostic> diagnostics;
            var document = PlaybookDocument.FromText("worker-rollback.playbook", text);
            try
            {
                diagnostics = document.Check();
            }
            catch (Exception e)
            {
                var file = Path.Combine(Path.GetTempPath(), $"playbook-fuzz-{i}.playbook");
                File.WriteAllText(file, text);
                throw new Xunit.Sdk.XunitException($"mutant {i} (saved to {file}) threw {e}");
            }
            AssertSpansInside(diagnostics);
            if (diagnostics.Any(d => d.Severity == Severity.Error)) sawError++;
        }
        // Sanity: the mutations really do break the playbook most of the time.
        Assert.True(sawError > 500, $"only {sawError} of 2000 mutants had errors");
    }

    /// <summary>The fuzz test once found that a header without '{' left the tree half-built and crashed the checks.</summary>
    [Theory]
    [InlineData("playbook cache-restart\n")]
    [InlineData("playbook cache-restart (\n}\n")]
    public void HeaderWithoutBraceIsOneSyntaxError(string text)
    {
        var document = PlaybookDocument.FromText("cache-restart.playbook", text);
        var d = Assert.Single(document.Check());
        Assert.Equal("PB0001", d.Id);
        Assert.Equal("expected '{', found " + (text.Contains('(') ? "'('" : "the end of the file"), d.Message);
    }

    private static string Mutate(string text, Random random, string pool)
    {
        if (text.Length == 0) return pool[random.Next(pool.Length)].ToString();
        var at = random.Next(text.Length);
        switch (random.Next(6))
        {
            case 0: // delete a character
                return text.Remove(at, 1);
            case 1: // insert a character
                return text.Insert(at, pool[random.Next(pool.Length)].ToString());
            case 2: // duplicate a character
                return text.Insert(at, text[at].ToString());
            case 3: // delete a few characters
                return text.Remove(at, Math.Min(text.Length - at, 1 + random.Next(8)));
            default:
            {
                var lines = text.Split('\n').ToList();
                var line = random.Next(lines.Count);
                if (random.Next(2) == 0) lines.RemoveAt(line); // delete a line
                else lines.Insert(line, lines[line]);          // duplicate a line
                return string.Join('\n', lines);
            }
        }
    }
}
