using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Playbook.Graphs;
using Xunit;
using static Playbook.Tests.Simulate.SimulateTestSupport;

namespace Playbook.Tests.Graph;

/// <summary>The real consumer of <c>--format dot</c>: Graphviz's <c>dot -Tsvg</c> renders every shipped playbook, drawn
/// whole and collapsed, with no error and no warning, at most 2 000 px (1 500 pt) wide, measured at 100 % (the width dot
/// writes divided by the scale it drew at), none of them scaled down to fit. Needs <c>dot</c> (Debian package
/// graphviz, installed by .ci/run); like the Redis and Neovim tests it fails, never skips, without it.</summary>
public class GraphvizRenderTests
{
    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var file in Directory.GetFiles(Path.Combine(Library.PlaybookLibraryTests.RepositoryRoot(), "playbooks"), "*.playbook").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file), false);
            data.Add(Path.GetFileName(file), true);
        }
        data.Add("../tests/Playbook.Tests/Graph/data/collisions.playbook", false);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Dot_renders_every_shipped_playbook_cleanly_within_2000_px(string file, bool collapse)
    {
        var path = Path.GetFullPath(Path.Combine(Library.PlaybookLibraryTests.RepositoryRoot(), "playbooks", file));
        var text = GraphExport.ToDot(GraphSvgTests.Compile(path), new GraphOptions(collapse));
        var (exit, svg, stderr) = RenderDot(text);
        Assert.True(exit == 0 && stderr.Length == 0, $"dot -Tsvg on {file}: exit {exit}\n{stderr}");
        var points = double.Parse(Regex.Match(svg, "<svg width=\"([0-9.]+)pt\"").Groups[1].Value, CultureInfo.InvariantCulture);
        var pixels = points * 96 / 72;
        Assert.True(pixels <= 2000, $"{file} (collapse {collapse}) renders {pixels:0} px wide");
        // The width at 100 %: the graph's size attribute makes dot scale a wider drawing down (scale(s s) on the
        // drawing, the width already scaled), which keeps the page width but shrinks the text.
        var scale = double.Parse(Regex.Match(svg, "transform=\"scale\\(([0-9.]+) ").Groups[1].Value, CultureInfo.InvariantCulture);
        var fullSize = pixels / scale;
        // Drawn at 100 %: a drawing dot had to scale down would keep the page width but shrink the text.
        Assert.True(scale == 1 && fullSize <= 2000, $"{file} (collapse {collapse}) is {fullSize:0} px wide at 100 % (drawn at {scale:P0})");
        // One font family everywhere, Times (Graphviz's default) nowhere.
        var fonts = Regex.Matches(svg, "font-family=\"([^\"]*)\"").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal(["Helvetica,sans-Serif"], fonts);
    }

    [Fact]
    public void A_drawing_dot_warns_about_fails_the_check()
    {
        // The check must be able to fail: an unknown attribute value makes dot warn on stderr.
        var (_, _, stderr) = RenderDot("digraph g { a [shape=nosuchshape]; }");
        Assert.NotEqual("", stderr);
    }

    private static (int Exit, string Stdout, string Stderr) RenderDot(string text)
    {
        var dot = FindOnPath("dot") ?? throw new InvalidOperationException(
            "graphviz's dot is not installed, and the render tests need it: install the Debian package (apt-get install -y graphviz), as .ci/run does.");
        var start = new ProcessStartInfo(dot, "-Tsvg") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(text);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("dot did not finish in 120 s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
