using System.Globalization;
using System.Xml.Linq;
using Playbook.Compiling;
using Playbook.Graphs;
using Xunit;

namespace Playbook.Tests.Graph;

/// <summary><c>playbook graph --format svg</c> / <see cref="GraphSvg.Render(CompiledPlaybook, GraphOptions?)"/>: one
/// self-contained SVG (no script, no link, no style sheet), every text from the playbook escaped, one font
/// family, the node kinds of the DOT output, at most 2 000 px wide for every shipped playbook.</summary>
public class GraphSvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    internal static CompiledPlaybook Compile(string file)
    {
        var document = PlaybookDocument.Load(file);
        Assert.False(document.HasErrors);
        return PlaybookCompiler.Compile(document.Model!);
    }

    public static TheoryData<string> Shipped()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Library.PlaybookLibraryTests.RepositoryRoot(), "playbooks"), "*.playbook").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void Titles_with_markup_quotes_and_ampersands_stay_text()
    {
        var text = GraphSvg.Render(SyntheticNodeTests.Collisions());
        var svg = XDocument.Parse(text);
        // A text's lines are tspans: read them with a space between, as they read on screen.
        var allText = svg.Descendants(Svg + "title").Select(e => e.Value)
            .Concat(svg.Descendants(Svg + "text").Select(e => e.Elements(Svg + "tspan").Any() ? string.Join(" ", e.Elements(Svg + "tspan").Select(t => t.Value)) : e.Value))
            .ToList();
        Assert.Contains("collisions: Q&A > \"quoted\" <img src=x onerror=alert(1)>", allText);
        Assert.Contains(allText, t => t.Contains("Move <script>f()</script>", StringComparison.Ordinal));
        Assert.Contains(allText, t => t.Contains("Done & dusted > 'ok'", StringComparison.Ordinal));
        Assert.Contains(allText, t => t.Contains("Branch <i>&amp;</i>", StringComparison.Ordinal));
        // Only SVG's own elements: nothing from a title became markup.
        var allowed = new[] { "svg", "title", "defs", "marker", "path", "rect", "text", "tspan", "g", "polygon", "circle" };
        Assert.All(svg.Descendants(), e => Assert.Contains(e.Name.LocalName, allowed));
        Assert.All(svg.Descendants(), e => Assert.Equal(Svg, e.Name.Namespace));
        Assert.DoesNotContain("<img", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_picture_makes_no_request_and_uses_one_font_family()
    {
        var svg = XDocument.Parse(GraphSvg.Render(Compile(Path.Combine(Library.PlaybookLibraryTests.RepositoryRoot(), "playbooks", "partial-failure.playbook"))));
        var attributes = svg.Descendants().SelectMany(e => e.Attributes()).ToList();
        Assert.DoesNotContain(attributes, a => a.Name.LocalName is "href" or "src" or "style" || a.Name.LocalName.StartsWith("on", StringComparison.Ordinal));
        Assert.DoesNotContain(attributes, a => a.Value.Contains("url(", StringComparison.Ordinal) && a.Value != "url(#pb-arrow)");
        Assert.DoesNotContain(svg.Descendants(), e => e.Name.LocalName is "style" or "script" or "foreignObject" or "image" or "a");
        var fonts = attributes.Where(a => a.Name.LocalName == "font-family").Select(a => a.Value).Distinct().ToList();
        Assert.Equal([GraphSvg.FontFamily], fonts);
    }

    [Fact]
    public void Every_node_kind_has_its_shape()
    {
        var svg = XDocument.Parse(GraphSvg.Render(SyntheticNodeTests.Collisions()));
        string? Shape(string name) => svg.Descendants(Svg + "g")
            .Where(g => ((string?)g.Attribute("class"))?.StartsWith("node ", StringComparison.Ordinal) == true)
            .Single(g => g.Descendants(Svg + "tspan").First().Value == name)
            .Attribute("class")!.Value;
        Assert.Equal("node parallel", Shape("start"));
        Assert.Equal("node step", Shape("s_start"));
        Assert.Equal("node decide", Shape("choose"));
        Assert.Equal("node successend", Shape("done"));
        Assert.Equal("node failureend", Shape("failed"));
        var collapsed = XDocument.Parse(GraphSvg.Render(SyntheticNodeTests.Collisions(), new GraphOptions(Collapse: true)));
        Assert.Equal(3, collapsed.Descendants(Svg + "g").Count(g => (string?)g.Attribute("class") == "node collapsed"));
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Every_shipped_playbook_is_at_most_2000_px_wide(string file)
    {
        var compiled = Compile(Path.Combine(Library.PlaybookLibraryTests.RepositoryRoot(), "playbooks", file));
        foreach (var collapse in new[] { false, true })
        {
            var svg = XDocument.Parse(GraphSvg.Render(compiled, new GraphOptions(collapse))).Root!;
            var width = double.Parse(svg.Attribute("width")!.Value, CultureInfo.InvariantCulture);
            Assert.True(width <= 2000, $"{file} (collapse {collapse}) is {width} px wide");
            Assert.True(width > 100, $"{file}: {width} px is not a drawing");
            // Drawn at (nearly) full size: a wide layout scaled down to fit would shrink its text.
            var drawn = double.Parse(svg.Attribute("viewBox")!.Value.Split(' ')[2], CultureInfo.InvariantCulture);
            Assert.True(width / drawn >= 0.9, $"{file} (collapse {collapse}) is laid out {drawn} px wide, shown at {width / drawn:P0}");
            // Every box lies inside the picture.
            foreach (var rect in svg.Descendants(Svg + "rect").Where(r => r.Attribute("x") is not null))
                Assert.True(double.Parse(rect.Attribute("x")!.Value, CultureInfo.InvariantCulture) + double.Parse(rect.Attribute("width")!.Value, CultureInfo.InvariantCulture) <= drawn + 0.5,
                    $"{file}: a box sticks out of the {drawn} px picture");
        }
    }

    [Fact]
    public void Golden_svg_of_the_collisions_playbook()
    {
        var svg = GraphSvg.Render(SyntheticNodeTests.Collisions());
        // The same picture every time, also in one process after other layouts.
        Assert.Equal(svg, GraphSvg.Render(SyntheticNodeTests.Collisions()));
        GraphGolden.AssertMatches(svg, "collisions.svg");
    }

    [Fact]
    public void A_machine_over_the_limit_is_refused_quickly_not_laid_out()
    {
        // 151 chained steps and an end: over GraphSvg.MaxNodes by two.
        var body = string.Join("\n", Enumerable.Range(0, GraphSvg.MaxNodes + 1).Select(i =>
            $"step s{i} {{ shell \"true\"  timeout 10s  on ok -> {(i == GraphSvg.MaxNodes ? "done" : "s" + (i + 1))} }}")) + "\nend done success";
        var dir = Directory.CreateTempSubdirectory("playbook-graph-");
        try
        {
            var file = Path.Combine(dir.FullName, "big.playbook");
            File.WriteAllText(file, "playbook big {\n" + body + "\n}\n");
            var graph = PlaybookGraph.From(Compile(file));
            Assert.False(GraphSvg.CanRender(graph));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var svg = XDocument.Parse(GraphSvg.Render(graph));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
            Assert.Contains("152 states, more than the 150", svg.Root!.Value);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var exit = new Playbook.Cli.Commands.GraphCommand().Run(new Playbook.Cli.Commands.GraphCommandOptions(file, "svg"), stdout, stderr);
            Assert.Equal(Playbook.Cli.ExitCodes.Usage, exit);
            Assert.Equal("", stdout.ToString());
            Assert.Contains(file + ": error: 152 states are more than --format svg lays out (150)", stderr.ToString());
            // One box fewer than the limit is drawn.
            File.WriteAllText(file, "playbook big {\n" + string.Join("\n", body.Split('\n').Skip(2)) + "\n}\n");
            Assert.True(GraphSvg.CanRender(PlaybookGraph.From(Compile(file))));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
