using System.Text.RegularExpressions;
using Markdig;
using Playbook.Reporting;
using Xunit;

namespace Playbook.Tests.Reporting;

/// <summary>A report treats every value of the journal as text: rendered by a real Markdown engine (Markdig with
/// every extension, autolinks, tables and emphasis extras included) or opened as HTML, a hostile value makes
/// no element, no attribute, no link and no broken table. The check: a report of hostile values has exactly
/// the elements and attributes of the same report with plain values.</summary>
public sealed partial class ReportSafetyTests : IDisposable
{
    private static readonly string[] Hostile =
    [
        "<img src=x onerror=alert(1)>",
        "a`b``c```d",
        "x | y || z",
        "*em* _u_ **b** __s__",
        "line1\nline2\n- item\n# head\n> quote",
        "[link](javascript:alert(1)) ![i](x.png)",
        "http://evil.example/x www.evil.example mailto:a@b.c",
        "==mark== ~~del~~ ~sub~ ^sup^ ++ins++",
        "&amp; &#60; &lt;b&gt;",
        "$x$ {.class #id}",
        "<!-- c --> <script>alert(1)</script>",
        "```\n~~~\n<b>bold</b>",
        "\\` trailing backslash \\",
        "1. numbered",
        "-- dash",
        "---",
        "+ plus",
        "===",
        "\" onmouseover=\"alert(1)\" x=\"",
        "' autofocus onfocus='alert(1)",
        ":::: container",
        "<https://autolink.example>",
        "`",
        "|",
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("pb-report-safety-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string HostileValue(int n) => Hostile[n % Hostile.Length] + " " + Hostile[(n + 7) % Hostile.Length];

    // The same shape (the same length, the same lines) with nothing special in it.
    private static string PlainValue(int n) => new(HostileValue(n).Select(c => c == '\n' ? '\n' : 'p').ToArray());

    private (string Hostile, string Plain) Render(string format, string status = "failure")
    {
        var hostile = RunReport.Render(CraftedJournal.Write(Sub("h"), HostileValue, status), format, null, out var p1);
        var plain = RunReport.Render(CraftedJournal.Write(Sub("p"), PlainValue, status), format, null, out var p2);
        Assert.Null(p1);
        Assert.Null(p2);
        return (hostile, plain);
    }

    private string Sub(string name) => Directory.CreateDirectory(Path.Combine(_directory, name + Guid.NewGuid().ToString("N"))).FullName;

    private static readonly MarkdownPipeline Everything = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    [Fact]
    public void Hostile_values_make_no_element_in_the_markdown_report()
    {
        var (hostile, plain) = Render("md");

        var html = Markdown.ToHtml(hostile, Everything);
        Assert.Equal(Elements(Markdown.ToHtml(plain, Everything)), Elements(html));
        // And the elements a value would have made are nowhere (the plain report has none of them either).
        Assert.DoesNotMatch("<(img|script|a|em|mark|del|sub|sup|ins|b|blockquote|ol|h[4-6])[ >]", html);
        // The text is there, shown as text.
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html);
    }

    [Fact]
    public void Every_table_row_of_the_markdown_report_keeps_its_cells_whatever_the_values_hold()
    {
        var html = Markdown.ToHtml(Render("md").Hostile, Everything);

        foreach (Match table in TableRegex().Matches(html))
        {
            var rows = RowRegex().Matches(table.Value).Select(r => CellRegex().Matches(r.Value).Count).ToList();
            Assert.True(rows.Distinct().Count() == 1, $"a table's rows have {string.Join(", ", rows)} cells:\n{table.Value}");
        }
    }

    [Fact]
    public void A_backtick_in_a_value_cannot_close_its_code_span_or_block()
    {
        Assert.Equal("``a`b``", MarkdownText.Code("a`b"));
        Assert.Equal("`` `a ``", MarkdownText.Code("`a"));
        Assert.Equal("```` ``` ````", MarkdownText.Code("```"));
        Assert.Equal("` `", MarkdownText.Code(""));
        var html = Markdown.ToHtml(MarkdownText.Block("```\nstill code\n````"), Everything);
        Assert.Equal("<pre><code>```\nstill code\n````\n</code></pre>\n", html);
    }

    [Theory]
    [InlineData("md")]
    [InlineData("postmortem")]
    public void Hostile_values_make_no_element_in_any_markdown_format(string format)
    {
        var (hostile, plain) = Render(format);

        Assert.Equal(Elements(Markdown.ToHtml(plain, Everything)), Elements(Markdown.ToHtml(hostile, Everything)));
    }

    [Fact]
    public void Hostile_values_make_no_element_or_attribute_in_the_html_report_a_crafted_status_included()
    {
        var (hostile, plain) = Render("html", status: "<img src=x onerror=alert(1)>\" class=\"x");
        var (_, plainStatus) = Render("html", status: "plain-status");

        Assert.Equal(Elements(plain), Elements(hostile));
        Assert.Equal(Elements(plainStatus), Elements(hostile));
        Assert.DoesNotContain("<img", hostile);
        Assert.DoesNotContain("onerror=alert(1)>", hostile);
    }

    [Fact]
    public void The_html_report_makes_no_request_and_runs_no_script()
    {
        var (hostile, plain) = Render("html");

        // The page itself names no address but the SVG namespace (an identifier, never fetched)…
        Assert.DoesNotMatch("<script|https?://(?!www\\.w3\\.org/2000/svg)|src=|href=|@import|url\\((?!#)", plain);
        Assert.Contains("<svg", plain);
        // …and a value naming one stays text: no element or attribute could fetch it.
        Assert.DoesNotMatch("<script|<[^>]*\\s(src|href)=", hostile);
    }

    /// <summary>Each element's name and attribute names, in order: what a value would change if it became markup.</summary>
    private static List<string> Elements(string html) =>
        TagRegex().Matches(html).Select(m => m.Groups[1].Value + string.Concat(AttributeRegex().Matches(m.Groups[2].Value).Select(a => " " + a.Groups[1].Value))).ToList();

    [GeneratedRegex(@"<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s=>]+(?:=""[^""]*""|='[^']*'|=[^\s>]+)?)*)\s*/?>")]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"([^\s=]+)(?:=(?:""[^""]*""|'[^']*'|[^\s>]+))?")]
    private static partial Regex AttributeRegex();

    [GeneratedRegex("<table>.*?</table>", RegexOptions.Singleline)]
    private static partial Regex TableRegex();

    [GeneratedRegex("<tr>.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex RowRegex();

    [GeneratedRegex("<t[dh][ >]")]
    private static partial Regex CellRegex();
}
