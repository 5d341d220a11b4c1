using Playbook.Benchmarks;
using Playbook.Diagnostics;
using Xunit;

namespace Playbook.Tests.Benchmarks;

/// <summary>The benchmark's generated playbook must be valid, or the benchmark measures error paths.</summary>
public class GeneratorTests
{
    private static readonly string[] Allowed = { "PB4001", "PB4002" };

    [Theory]
    [InlineData(10_000)]
    [InlineData(2_000)]
    [InlineData(300)]
    public void GeneratedPlaybookChecksClean(int lines)
    {
        var text = PlaybookGenerator.Generate(lines);
        var path = Path.Combine(Path.GetTempPath(), PlaybookGenerator.FileName);

        var diagnostics = PlaybookDocument.FromText(path, text).Check();

        Assert.Empty(diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.ToString()));
        Assert.Empty(diagnostics.Where(d => d.Severity == Severity.Warning && !Allowed.Contains(d.Id)).Select(d => d.ToString()));
    }

    [Theory]
    [InlineData(10_000)]
    [InlineData(50_000)]
    public void GeneratedPlaybookHasAboutTheAskedLines(int lines)
    {
        var count = PlaybookGenerator.CountLines(PlaybookGenerator.Generate(lines));
        Assert.InRange(count, lines * 0.95, lines * 1.05);
    }

    [Fact]
    public void GenerationIsDeterministicAndUsesEveryConstruct()
    {
        var text = PlaybookGenerator.Generate();
        Assert.Equal(text, PlaybookGenerator.Generate());
        foreach (var construct in new[] { "input ", "secret ", "let ", "step ", "shell \"", "http GET", "http POST", "timeout ", "retry ", "capture ",
                     "expect `", "decide ", "wait ", "until `", "probe ", "for ", "manual ", "parallel ", "branch ", "join ", "phase ", "within ", "end ", "notify " })
            Assert.Contains(construct, text);
    }
}
