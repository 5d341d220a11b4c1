using System.Diagnostics;
using System.Text;
using Playbook.Diagnostics;
using Playbook.Expressions;
using Xunit;

namespace Playbook.Tests.Parsing;

/// <summary>The reproductions of issue 10 section 4: deep expressions, long chains, many lets, many
/// unknown names, CR-only files, special files and files that lie about their size.</summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("playbook-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Template = "playbook hostile {\n  input max_errors : int = 1\n  LETS\n  step s \"S\" {\n    shell \"true\"\n    timeout 1m\n    on ok when GUARD -> done\n    on ok -> done\n    on fail -> done\n  }\n  end done success \"Done\"\n}\n";

    private static string Playbook(string guard, string lets = "") => Template.Replace("GUARD", guard).Replace("LETS", lets);

    private string Write(string text, string name = "hostile.playbook")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static IReadOnlyList<Diagnostic> Check(string path) => PlaybookDocument.Load(path).Check();

    [Theory]
    [InlineData("`max_errors > " + "OPEN" + "`", '[', ']')]
    [InlineData("`max_errors > " + "OPEN" + "`", '(', ')')]
    [InlineData("cs`max_errors > " + "OPEN" + "`", '(', ')')]
    [InlineData("cs`max_errors > " + "OPEN" + "`", '[', ']')]
    public void Ten_thousand_nested_brackets_in_an_expression_are_PB0008_at_the_101st(string shape, char open, char close)
    {
        var deep = new string(open, 10_000) + "1" + new string(close, 10_000);
        var text = Playbook(shape.Replace("OPEN", deep));
        var d = Assert.Single(Check(Write(text)), d => d.Severity == Severity.Error);
        Assert.Equal("PB0008", d.Id);
        Assert.Equal(text.IndexOf(open) + ExpressionDepth.Max, d.Span.Start);
        Assert.Contains("brackets and operators in this expression are nested more than 100 levels deep", d.Message);
    }

    [Theory]
    [InlineData("`max_errors > CHAIN`")]
    [InlineData("cs`max_errors > CHAIN`")]
    public void A_chain_of_ten_thousand_terms_is_PB0008_not_a_stack_overflow(string shape)
    {
        var text = Playbook(shape.Replace("CHAIN", string.Join("+", Enumerable.Repeat("1", 10_000))));
        var watch = Stopwatch.StartNew();
        var d = Assert.Single(Check(Write(text)), d => d.Severity == Severity.Error);
        Assert.Equal("PB0008", d.Id);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public void A_deep_prefix_chain_is_PB0008()
    {
        var text = Playbook("`max_errors > " + new string('!', 100_000) + "1`");
        Assert.Equal("PB0008", Assert.Single(Check(Write(text)), d => d.Severity == Severity.Error).Id);
        var csharp = Playbook("cs`max_errors > " + new string('-', 100_000) + "1`");
        Assert.Equal("PB0008", Assert.Single(Check(Write(csharp)), d => d.Severity == Severity.Error).Id);
    }

    [Fact]
    public void Expressions_within_the_limit_still_check()
    {
        var text = Playbook("`max_errors > " + new string('(', 40) + "1" + new string(')', 40) + " + " + string.Join("+", Enumerable.Repeat("1", 60)) + "`");
        Assert.DoesNotContain(Check(Write(text)), d => d.Severity == Severity.Error);
    }

    [Fact]
    public void Bracket_scan_skips_strings_comments_and_counts_template_holes()
    {
        Assert.Null(ExpressionDepth.FindTooDeepBracket("'" + new string('(', 500) + "' + \"[[[[\" /* (((( */", csharp: false));
        var holes = string.Concat(Enumerable.Repeat("`${", 101)) + "1" + string.Concat(Enumerable.Repeat("}`", 101));
        Assert.NotNull(ExpressionDepth.FindTooDeepBracket(holes, csharp: false));
        var interpolated = string.Concat(Enumerable.Repeat("$\"{", 101)) + "1" + string.Concat(Enumerable.Repeat("}\"", 101));
        Assert.NotNull(ExpressionDepth.FindTooDeepBracket(interpolated, csharp: true));
        Assert.Null(ExpressionDepth.FindTooDeepBracket("$\"" + new string('{', 300) + "\"", csharp: true)); // '{{' is a literal brace
    }

    [Fact]
    public void Forty_thousand_lets_check_in_linear_time()
    {
        string Lets(int n) => string.Concat(Enumerable.Range(0, n).Select(i => $"let v{i} = 1\n  "));
        var small = Write(Playbook("`max_errors > 0`", Lets(5_000)), "small.playbook");
        var large = Write(Playbook("`max_errors > 0`", Lets(40_000)), "large.playbook");
        Check(small);
        var watch = Stopwatch.StartNew();
        Assert.DoesNotContain(Check(large), d => d.Severity == Severity.Error);
        // 18.5 s before (a set of earlier lets copied for every let); linear, it is well under a second.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"40 000 lets took {watch.Elapsed}");
    }

    [Fact]
    public void Twenty_thousand_unknown_names_among_twenty_thousand_lets_check_quickly()
    {
        var lets = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"let v{i} = `w{i}`\n  "));
        var watch = Stopwatch.StartNew();
        var diagnostics = Check(Write(Playbook("`max_errors > 0`", lets)));
        Assert.Equal(20_000, diagnostics.Count(d => d.Id == "PB1004"));
        // 240 s before: every unknown name was compared with every let for "did you mean".
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Contains(diagnostics, d => d.Id == "PB1004" && d.Hint is not null);
    }

    [Fact]
    public void CR_LF_and_CRLF_files_give_the_same_diagnostics()
    {
        var text = "# a comment\nplaybook eol {\n  # another\n  step s \"S\" {\n    shell \"true\"\n    on ok -> nowhere\n    on fail -> done\n  }\n  end done success \"Done\"\n}\n";
        string Diagnostics(string eol) => string.Join("\n", Check(Write(text.Replace("\n", eol), "eol.playbook")).Select(d => $"{d.Start} {d.Id} {d.Message}"));
        var lf = Diagnostics("\n");
        Assert.Contains("6:14 PB1001", lf);
        Assert.Equal(lf, Diagnostics("\r"));
        Assert.Equal(lf, Diagnostics("\r\n"));
    }

    [Fact]
    public async Task A_fifo_is_refused_with_PB0016_without_blocking()
    {
        if (OperatingSystem.IsWindows()) return;
        var fifo = Path.Combine(_dir, "x.playbook");
        Assert.Equal(0, Process.Start("mkfifo", fifo)!.WaitForExitAndGetCode());
        var check = Task.Run(() => Check(fifo));
        Assert.True(await Task.WhenAny(check, Task.Delay(TimeSpan.FromSeconds(20))) == check, "reading a FIFO blocked");
        var d = Assert.Single(await check);
        Assert.Equal("PB0016", d.Id);
        Assert.Contains("a named pipe (FIFO)", d.Message);
    }

    [Fact]
    public void A_symlink_to_dev_zero_is_refused_with_PB0016()
    {
        if (!File.Exists("/dev/zero")) return;
        var link = Path.Combine(_dir, "zero.playbook");
        File.CreateSymbolicLink(link, "/dev/zero");
        var d = Assert.Single(Check(link));
        Assert.Equal("PB0016", d.Id);
        Assert.Contains("a character device", d.Message);
    }

    [Fact]
    public void A_symlink_to_a_large_file_is_PB0007_though_the_link_itself_is_small()
    {
        var big = Path.Combine(_dir, "big.bin");
        File.WriteAllBytes(big, new byte[5 * 1024 * 1024]);
        var link = Path.Combine(_dir, "big.playbook");
        File.CreateSymbolicLink(link, big);
        Assert.Equal("PB0007", Assert.Single(Check(link)).Id);
    }

    [Fact]
    public void Validate_of_a_folder_with_a_fifo_answers_with_PB0016()
    {
        if (OperatingSystem.IsWindows()) return;
        Assert.Equal(0, Process.Start("mkfifo", Path.Combine(_dir, "x.playbook"))!.WaitForExitAndGetCode());
        var result = CliProcess.Run(_dir, "validate", ".");
        Assert.Equal(1, result.Exit);
        Assert.Contains("x.playbook:1:1: error PB0016: this path is a named pipe (FIFO), not a regular file", result.Out);
    }
}

internal static class ProcessExtensions
{
    public static int WaitForExitAndGetCode(this Process process)
    {
        process.WaitForExit();
        return process.ExitCode;
    }
}
