using Xunit;
using Playbook.Cli.Output;
using Playbook.Diagnostics;
using static Playbook.Tests.Cli.DiagnosticFactory;

namespace Playbook.Tests.Cli;

public class TextFormatterTests
{
    private static string Format(Diagnostic d, bool color = false) => new TextFormatter(color).Format(d);

    private static string Render(ValidationReport report, bool color = false)
    {
        var output = new StringWriter();
        new TextFormatter(color).Write(report, output);
        return output.ToString();
    }

    [Fact]
    public void Renders_location_snippet_carets_and_help()
    {
        Assert.Equal(
            "playbooks/x.playbook:12:14: error PB1001: 'verfy' is not a state or phase of this playbook\n" +
            "   12 |     on ok -> verfy\n" +
            "      |              ^^^^^\n" +
            "      = help: did you mean 'verify'?\n",
            Format(Sample()));
    }

    [Fact]
    public void Whole_report_ends_with_the_summary()
    {
        Assert.Equal(
            Format(Sample()) + "\nchecked 1 file: 1 error, 0 warnings\n",
            Render(Report(Sample())));
    }

    [Fact]
    public void No_help_line_without_a_hint()
    {
        var text = Format(At("a -> verfy\n", "verfy"));
        Assert.DoesNotContain("help", text);
        Assert.Equal(3, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Tabs_before_the_span_are_kept_in_the_caret_padding()
    {
        var text = Format(At("playbook p {\n\t\ton ok -> verfy\n}\n", "verfy"));
        Assert.Contains("    2 | \t\ton ok -> verfy\n", text);
        Assert.Contains("      | \t\t         ^^^^^\n", text);
    }

    [Fact]
    public void Empty_span_at_end_of_line_gets_one_caret_after_the_last_character()
    {
        var source = "on ok ->\nnext\n";
        var text = Format(AtOffset(source, source.IndexOf('\n'), 0));
        Assert.Contains("1:9:", text);
        Assert.Contains("    1 | on ok ->\n", text);
        Assert.Contains("      |         ^\n", text);
    }

    [Fact]
    public void Span_running_past_the_line_end_is_cut_at_the_line_end()
    {
        var source = "step a {\n  shell \"x\"\n}\n";
        var text = Format(AtOffset(source, source.IndexOf('{'), source.Length - source.IndexOf('{')));
        Assert.Contains("    1 | step a {\n", text);
        Assert.Contains("      |        ^\n", text);
    }

    [Fact]
    public void Span_including_a_CRLF_line_break_does_not_print_the_CR()
    {
        var source = "on ok -> verfy\r\nnext\r\n";
        var text = Format(AtOffset(source, source.IndexOf('v'), "verfy\r\n".Length));
        Assert.DoesNotContain("\r", text);
        Assert.Contains("      |          ^^^^^\n", text);
    }

    [Fact]
    public void Span_at_end_of_file_without_final_newline_points_after_the_text()
    {
        var source = "playbook p {";
        var text = Format(AtOffset(source, source.Length, 0, DiagnosticCatalog.UnclosedBlock));
        Assert.Contains("x.playbook:1:13:", text);
        Assert.Contains("      |             ^\n", text);
    }

    [Fact]
    public void Diagnostic_on_an_empty_last_line_shows_an_empty_line_and_one_caret()
    {
        var source = "playbook p {\n";
        var text = Format(AtOffset(source, source.Length, 0, DiagnosticCatalog.UnclosedBlock));
        Assert.Contains("x.playbook:2:1:", text);
        Assert.Contains("    2 |\n      | ^\n", text);
    }

    [Fact]
    public void Empty_file_has_no_snippet()
    {
        var text = Format(AtOffset("", 0, 0, DiagnosticCatalog.EmptyFile));
        Assert.Equal("x.playbook:1:1: error PB0005: the file holds no playbook: start it with 'playbook NAME { … }'\n", text);
    }

    [Fact]
    public void Surrogate_pairs_count_as_one_column_of_padding_and_one_caret()
    {
        var source = "notify \"🔥\" verfy\n";
        var text = Format(At(source, "verfy"));
        Assert.Contains("      |            ^^^^^\n", text);
        var emoji = Format(At(source, "🔥"));
        Assert.Contains("      |         ^\n", emoji);
    }

    [Fact]
    public void Control_characters_never_reach_the_terminal()
    {
        var text = Format(At("notify \"\u001b[2J\" -> verfy\n", "verfy", hint: "bell\u0007"));
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\u0007', text);
        // Replaced one for one, so the carets still line up.
        Assert.Contains("      |                  ^^^^^\n", text);
    }

    [Fact]
    public void Line_numbers_wider_than_the_gutter_widen_it()
    {
        var source = string.Concat(Enumerable.Repeat("\n", 123455)) + "-> verfy\n";
        var text = Format(At(source, "verfy"));
        Assert.Contains(" 123456 | -> verfy\n", text);
        Assert.Contains("        |    ^^^^^\n", text);
    }

    [Fact]
    public void Diagnostics_are_in_file_order_then_position_order()
    {
        var first = "playbook a {\n  -> one\n  -> two\n}\n";
        var second = "playbook b {\n  -> three\n}\n";
        var two = At(first, "two", path: "a.playbook");
        var one = At(first, "one", path: "a.playbook");
        var three = At(second, "three", path: "b.playbook");
        var report = new ValidationReport([new CheckedFile("a.playbook", [two, one]), new CheckedFile("b.playbook", [three])]);

        var text = Render(report);
        var positions = new[] { "a.playbook:2:6", "a.playbook:3:6", "b.playbook:2:6" }.Select(s => text.IndexOf(s, StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p >= 0));
        Assert.Equal(positions.Order().ToList(), positions);
    }

    [Fact]
    public void Warnings_and_infos_are_labelled()
    {
        var warning = At("playbook p {\n  step lonely {}\n}\n", "lonely", DiagnosticCatalog.UnreachableState, args: ["step", "lonely", "a"]);
        Assert.StartsWith("x.playbook:2:8: warning PB2001: step 'lonely' can never be reached from the start 'a'\n", Format(warning));
        Assert.Contains(": info PB2001:", Format(warning.WithSeverity(Severity.Info)));
    }

    [Theory]
    [InlineData(0, 0, 0, "checked 0 files: 0 errors, 0 warnings")]
    [InlineData(1, 1, 1, "checked 1 file: 1 error, 1 warning")]
    [InlineData(2, 3, 4, "checked 2 files: 3 errors, 4 warnings")]
    public void Summary_counts_with_singular_and_plural(int files, int errors, int warnings, string expected)
    {
        var source = new Playbook.Text.SourceFile("x.playbook", "abc\n");
        var diagnostics = Enumerable.Repeat(DiagnosticCatalog.UnknownTarget.CreateWithHint(source, new(0, 1), hint: null, "a"), errors)
            .Concat(Enumerable.Repeat(DiagnosticCatalog.UnreachableState.CreateWithHint(source, new(0, 1), hint: null, "step", "a", "b"), warnings))
            .ToList();
        var checkedFiles = Enumerable.Range(0, files).Select(i => new CheckedFile($"f{i}.playbook", i == 0 ? diagnostics : [])).ToList();
        Assert.Equal(expected, new ValidationReport(checkedFiles).Summary);
    }

    [Fact]
    public void Summary_says_when_warnings_count_as_errors()
    {
        var warning = At("-> lonely\n", "lonely", DiagnosticCatalog.UnreachableState, args: ["step", "lonely", "a"]);
        var report = new ValidationReport([new CheckedFile("x.playbook", [warning])], warningsAsErrors: true);
        Assert.True(report.Failed);
        Assert.Equal("checked 1 file: 0 errors, 1 warning (warnings are errors)", report.Summary);
        Assert.False(new ValidationReport([new CheckedFile("x.playbook", [warning])]).Failed);
    }

    [Fact]
    public void No_escape_codes_without_color()
    {
        Assert.DoesNotContain('\u001b', Render(Report(Sample())));
    }

    [Fact]
    public void Color_paints_severity_and_location()
    {
        var text = Format(Sample(), color: true);
        Assert.Contains("\u001b[1;31merror PB1001:\u001b[0m", text);
        Assert.Contains("\u001b[1mplaybooks/x.playbook:12:14:\u001b[0m", text);
        var warning = At("-> lonely\n", "lonely", DiagnosticCatalog.UnreachableState, args: ["step", "lonely", "a"]);
        Assert.Contains("\u001b[1;33mwarning PB2001:", Format(warning, color: true));
        Assert.Contains("\u001b[1;36minfo PB2001:", Format(warning.WithSeverity(Severity.Info), color: true));
    }
}
