using Xunit;
using Playbook.Cli.Output;
using Playbook.Diagnostics;
using Playbook.Text;
using static Playbook.Tests.Cli.DiagnosticFactory;

namespace Playbook.Tests.Cli;

/// <summary>What the text and github formats print for a file with one enormous line and thousands of
/// diagnostics (the fuzzer's 800 KB line of <c>${a}</c> holes printed a gigabyte): a window of each line
/// with the caret still under its column, and at most the per-file cap of diagnostics.</summary>
public class LongOutputTests
{
    private const int Holes = 20_000;

    /// <summary>One line of <see cref="Holes"/> holes <c>${a}</c> inside a string, with a PB1004 on every 'a'.</summary>
    private static (SourceFile Source, List<Diagnostic> Diagnostics) HoleLine()
    {
        var text = "playbook p {\n  let s = \"" + string.Concat(Enumerable.Repeat("${a}", Holes)) + "\"\n}\n";
        var source = new SourceFile("holes.playbook", text);
        var diagnostics = new List<Diagnostic>();
        for (var at = text.IndexOf("${a}", StringComparison.Ordinal); at >= 0; at = text.IndexOf("${a}", at + 4, StringComparison.Ordinal))
            diagnostics.Add(DiagnosticCatalog.UnknownName.Create(source, new TextSpan(at + 2, 1), "a"));
        return (source, diagnostics);
    }

    private static string Render(IReportFormatter formatter, IReadOnlyList<Diagnostic> diagnostics, string path = "holes.playbook")
    {
        var output = new StringWriter();
        formatter.Write(new ValidationReport([new CheckedFile(path, diagnostics)]), output);
        return output.ToString();
    }

    [Fact]
    public void A_long_line_is_shown_as_a_window_with_the_caret_under_its_column()
    {
        var (_, diagnostics) = HoleLine();
        var middle = diagnostics[Holes / 2];
        var lines = new TextFormatter(false).Format(middle).Split('\n');
        var shown = lines[1][(lines[1].IndexOf('|') + 2)..];
        var carets = lines[2][(lines[2].IndexOf('|') + 2)..];

        Assert.InRange(shown.Length, 100, SourceSnippet.MaxColumns + 2);
        Assert.StartsWith("…", shown);
        Assert.EndsWith("…", shown);
        Assert.Equal("^", carets.Trim());
        Assert.Equal('a', shown[carets.IndexOf('^')]);
        Assert.Equal("${a}", shown.Substring(carets.IndexOf('^') - 2, 4));
    }

    [Fact]
    public void The_window_keeps_the_start_of_a_line_when_the_span_is_near_it_and_cuts_a_long_span_at_the_window()
    {
        var text = "  x = " + new string('z', 5_000) + "\n";
        var d = At(text, "zzz", length: 5_000);
        var lines = new TextFormatter(false).Format(d).Split('\n');
        var shown = lines[1][(lines[1].IndexOf('|') + 2)..];
        var carets = lines[2][(lines[2].IndexOf('|') + 2)..];

        Assert.StartsWith("  x = zz", shown);
        Assert.EndsWith("z…", shown);
        Assert.Equal(6, carets.IndexOf('^'));
        Assert.Equal(SourceSnippet.MaxColumns - 6, carets.Trim().Length);
    }

    [Fact]
    public void A_window_never_splits_a_surrogate_pair_and_counts_it_as_one_column()
    {
        // 𝄞 is two UTF-16 chars: the window must neither start nor end inside one.
        var text = string.Concat(Enumerable.Repeat("𝄞", 300)) + "-verfy" + string.Concat(Enumerable.Repeat("𝄞", 300)) + "\n";
        var lines = new TextFormatter(false).Format(At(text, "verfy")).Split('\n');
        var shown = lines[1][(lines[1].IndexOf('|') + 2)..];
        var carets = lines[2][(lines[2].IndexOf('|') + 2)..];

        Assert.DoesNotContain('\uFFFD', shown);
        Assert.False(char.IsLowSurrogate(shown[1]), "the window starts inside a surrogate pair");
        Assert.False(char.IsHighSurrogate(shown[^2]), "the window ends inside a surrogate pair");
        // Padding counts columns: one space for '…' and one per 𝄞 before "verfy".
        var before = shown[..shown.IndexOf("verfy", StringComparison.Ordinal)];
        Assert.Equal(System.Globalization.StringInfo.ParseCombiningCharacters(before).Length, carets.IndexOf('^'));
        Assert.Equal("^^^^^", carets.Trim());
    }

    [Fact]
    public void A_short_line_is_shown_whole()
    {
        var text = "  on ok -> " + new string('x', SourceSnippet.MaxColumns - 17) + " verfy\n";
        var shown = new TextFormatter(false).Format(At(text, "verfy")).Split('\n')[1];
        Assert.EndsWith(text.TrimEnd('\n'), shown);
        Assert.DoesNotContain("…", shown);
    }

    [Fact]
    public void Text_prints_at_most_the_cap_per_file_then_how_many_more_and_the_exact_summary()
    {
        var (_, diagnostics) = HoleLine();
        var text = Render(new TextFormatter(false), diagnostics);

        Assert.Equal(LineReportFormatter.DefaultMaxPerFile, text.Split('\n').Count(l => l.Contains(": error PB1004:", StringComparison.Ordinal)));
        Assert.Contains($"… and {Holes - LineReportFormatter.DefaultMaxPerFile} more errors in holes.playbook (--max-diagnostics 0 shows them all)\n", text);
        Assert.EndsWith($"checked 1 file: {Holes} errors, 0 warnings\n", text);
        Assert.True(text.Length < 60_000, $"{text.Length} characters printed");
    }

    [Fact]
    public void Errors_and_warnings_are_capped_apart_so_warnings_never_hide_an_error()
    {
        var source = new SourceFile("w.playbook", string.Concat(Enumerable.Range(0, 300).Select(i => $"line {i}\n")));
        var diagnostics = Enumerable.Range(0, 250)
            .Select(i => DiagnosticCatalog.UnknownName.Create(source, new TextSpan(i * 9, 4), "x") with { Severity = Severity.Warning })
            .Append(DiagnosticCatalog.UnknownName.Create(source, new TextSpan(280 * 9, 4), "last"))
            .ToList();
        var text = Render(new TextFormatter(false), diagnostics, "w.playbook");

        Assert.Contains("error PB1004: 'last'", text);
        Assert.Equal(LineReportFormatter.DefaultMaxPerFile, text.Split('\n').Count(l => l.Contains(": warning PB1004:", StringComparison.Ordinal)));
        Assert.Contains("… and 150 more warnings and notes in w.playbook", text);
        Assert.EndsWith("checked 1 file: 1 error, 250 warnings\n", text);
    }

    [Fact]
    public void Zero_prints_every_diagnostic_and_each_file_has_its_own_cap()
    {
        var (_, diagnostics) = HoleLine();
        var all = Render(new TextFormatter(false, maxPerFile: 0), diagnostics);
        Assert.Equal(Holes, all.Split('\n').Count(l => l.Contains(": error PB1004:", StringComparison.Ordinal)));
        Assert.DoesNotContain("more errors", all);

        var other = DiagnosticCatalog.UnknownName.Create(new SourceFile("other.playbook", "x\n"), new TextSpan(0, 1), "x");
        var output = new StringWriter();
        new TextFormatter(false, maxPerFile: 3).Write(new ValidationReport([new CheckedFile("holes.playbook", diagnostics), new CheckedFile("other.playbook", [other])]), output);
        var text = output.ToString();
        Assert.Contains($"… and {Holes - 3} more errors in holes.playbook", text);
        Assert.Contains("other.playbook:1:1: error PB1004", text);
        Assert.Equal(4, text.Split('\n').Count(l => l.Contains(": error PB1004:", StringComparison.Ordinal)));
    }

    [Fact]
    public void GitHub_annotations_are_capped_too_with_a_notice_for_the_rest()
    {
        var (_, diagnostics) = HoleLine();
        var text = Render(new GitHubFormatter(Environment.CurrentDirectory), diagnostics);
        Assert.Equal(LineReportFormatter.DefaultMaxPerFile, text.Split('\n').Count(l => l.StartsWith("::error ", StringComparison.Ordinal)));
        Assert.Contains($"::notice file=holes.playbook::… and {Holes - LineReportFormatter.DefaultMaxPerFile} more errors in holes.playbook", text);
        Assert.EndsWith($"checked 1 file: {Holes} errors, 0 warnings\n", text);
    }
}
