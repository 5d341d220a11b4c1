using Xunit;
using Playbook.Cli;
using Playbook.Cli.Commands;
using Playbook.Cli.Output;
using Playbook.Diagnostics;
using Playbook.Text;

namespace Playbook.Tests.Cli;

/// <summary>The validate command in-process, with a stand-in checker: path handling, exit codes,
/// usage errors. (End-to-end runs of the real executable are in CliEndToEndTests.)</summary>
public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("playbook-cli-").FullName;
    private readonly List<string> _checked = new();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string relative, string text = "playbook p {}\n")
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Reports PB1001 on every occurrence of "verfy" and PB2001 on "lonely".</summary>
    private IReadOnlyList<CheckedFile> FakeCheck(IReadOnlyList<string> files)
    {
        _checked.AddRange(files);
        return files.Select(path =>
        {
            var source = new SourceFile(path, File.ReadAllText(path));
            var diagnostics = new List<Diagnostic>();
            foreach (var (word, descriptor) in new[] { ("verfy", DiagnosticCatalog.UnknownTarget), ("lonely", DiagnosticCatalog.UnreachableState) })
            {
                for (var i = source.Text.IndexOf(word, StringComparison.Ordinal); i >= 0; i = source.Text.IndexOf(word, i + 1, StringComparison.Ordinal))
                    diagnostics.Add(descriptor.CreateWithHint(source, new TextSpan(i, word.Length), hint: null, word, word, "start"));
            }
            return new CheckedFile(path, diagnostics);
        }).ToList();
    }

    private (int Exit, string Out, string Err) Run(ValidateOptions options)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = new ValidateCommand(FakeCheck, _root).Run(options, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private (int Exit, string Out, string Err) RunArgs(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CommandLineApp.Run(args, stdout, stderr, FakeCheck, color: false);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Clean_file_exits_0_with_summary()
    {
        var (exit, stdout, stderr) = Run(new([Write("a.playbook")]));
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal("checked 1 file: 0 errors, 0 warnings\n", stdout);
        Assert.Equal("", stderr);
    }

    [Fact]
    public void Errors_exit_1()
    {
        var (exit, stdout, _) = Run(new([Write("a.playbook", "-> verfy\n")]));
        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains("error PB1001", stdout);
    }

    [Fact]
    public void Warnings_exit_0_unless_they_are_errors()
    {
        var file = Write("a.playbook", "step lonely {}\n");
        Assert.Equal(ExitCodes.Success, Run(new([file])).Exit);
        Assert.Equal(ExitCodes.Failed, Run(new([file], WarningsAsErrors: true)).Exit);
    }

    [Fact]
    public void Directories_are_searched_recursively_in_ordinal_order()
    {
        Write("b.playbook");
        Write("B/z.playbook");
        Write("a/deep/er/x.playbook");
        Write("a/notes.txt");
        Write("a/x.playbook.bak");
        Write(".git/hidden.playbook");
        Assert.Equal(ExitCodes.Success, Run(new([_root])).Exit);
        Assert.Equal(
            new[] { "B/z.playbook", "a/deep/er/x.playbook", "b.playbook" }.Select(p => Path.Combine(_root, p)),
            _checked);
    }

    [Fact]
    public void Each_file_is_checked_once_in_command_line_order()
    {
        var b = Write("b.playbook");
        var a = Write("a.playbook");
        Run(new([b, _root, a]));
        Assert.Equal([b, a], _checked);
    }

    [Fact]
    public void A_file_given_by_name_need_not_end_in_playbook()
    {
        var file = Write("restore.pb");
        Assert.Equal(ExitCodes.Success, Run(new([file])).Exit);
        Assert.Equal([file], _checked);
    }

    [Fact]
    public void Missing_path_exits_2_and_checks_nothing()
    {
        var missing = Path.Combine(_root, "nope.playbook");
        var (exit, stdout, stderr) = Run(new([Write("a.playbook"), missing]));
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("", stdout);
        Assert.Equal($"playbook: cannot read '{missing}': no such file or directory{Environment.NewLine}", stderr);
        Assert.Empty(_checked);
    }

    [Fact]
    public void Every_bad_path_is_reported()
    {
        Directory.CreateDirectory(Path.Combine(_root, "empty"));
        var (exit, _, stderr) = Run(new(["nope1", Path.Combine(_root, "empty"), "nope2"]));
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("cannot read 'nope1'", stderr);
        Assert.Contains($"playbook: no *.playbook files in '{Path.Combine(_root, "empty")}'", stderr);
        Assert.Contains("cannot read 'nope2'", stderr);
    }

    [Theory]
    [InlineData("json", "\"version\": 1")]
    [InlineData("sarif", "\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\"")]
    [InlineData("github", "a.playbook,line=1,col=4,endLine=1,endColumn=9,title=PB1001::")]
    [InlineData("text", "a.playbook:1:4: error PB1001")]
    public void Format_option_selects_the_formatter(string format, string expected)
    {
        Write("a.playbook", "-> verfy\n");
        var (exit, stdout, _) = RunArgs("validate", "--format", format, Path.Combine(_root, "a.playbook"));
        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains(expected, stdout);
    }

    [Fact]
    public void Command_line_runs_validate()
    {
        var file = Write("a.playbook", "step lonely {}\n");
        Assert.Equal(ExitCodes.Success, RunArgs("validate", file).Exit);
        Assert.Equal(ExitCodes.Failed, RunArgs("validate", "--warnings-as-errors", file).Exit);
    }

    [Theory]
    [InlineData(new string[0], "Required command was not provided", "playbook --help")]
    [InlineData(new[] { "validate" }, "Required argument missing", "playbook validate --help")]
    [InlineData(new[] { "validate", "--format", "xml", "x" }, "'xml' is not an output format: use --format text, json, sarif or github", "playbook validate --help")]
    [InlineData(new[] { "validate", "--bogus", "x" }, "unknown option '--bogus'", "playbook validate --help")]
    [InlineData(new[] { "frobnicate" }, "frobnicate", "playbook --help")]
    public void Usage_errors_exit_2_with_a_message_on_stderr(string[] args, string message, string help)
    {
        var (exit, stdout, stderr) = RunArgs(args);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("playbook: ", stderr);
        Assert.Contains(message, stderr);
        Assert.Contains($"Run '{help}' for usage.", stderr);
        Assert.Empty(_checked);
    }

    [Fact]
    public void Help_exits_0_on_stdout()
    {
        var (exit, stdout, stderr) = RunArgs("validate", "--help");
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("--warnings-as-errors", stdout);
        Assert.Contains("text|json|sarif|github", stdout);
        Assert.Equal("", stderr);
    }

    [Fact]
    public void A_crash_is_one_line_and_exit_70()
    {
        var stderr = new StringWriter();
        var exit = CommandLineApp.Guard(() => throw new InvalidOperationException("boom\nsecond line"), stderr);
        Assert.Equal(ExitCodes.InternalError, exit);
        Assert.Equal($"playbook: internal error: boom second line (this is a bug; please report it){Environment.NewLine}", stderr.ToString());
    }

    [Fact]
    public void A_store_that_fails_under_a_command_is_one_line_and_exit_2_not_a_bug()
    {
        // What the crash test saw: a resume whose database connection was terminated mid-statement.
        var stderr = new StringWriter();
        var exit = CommandLineApp.Guard(() => throw new Playbook.RunStores.RunStoreException("postgres://u@db:5432/runs: 57P01: terminating connection\nby administrator"), stderr);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("playbook: cannot use the store postgres://u@db:5432/runs: 57P01: terminating connection by administrator; nothing more was written: " +
                     $"try again once the store is back (a stopped run continues with playbook resume){Environment.NewLine}", stderr.ToString());
    }

    [Fact]
    public void A_lost_lease_even_behind_a_failed_append_is_one_line_and_exit_2_not_a_bug()
    {
        // What the crash test saw under load: the lease ran out before the first append, and a later append said so.
        var lost = new Playbook.RunStores.LeaseLostException("run r1: lease lost: it ran out at 2026-12-06 21:09:40Z without being renewed; this runner appends nothing more and stops");
        var stderr = new StringWriter();
        var exit = CommandLineApp.Guard(() => throw new IOException("r1.journal: an earlier append failed (…)", lost), stderr);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal($"playbook: {lost.Message}{Environment.NewLine}", stderr.ToString());
    }

    [Fact]
    public void A_crash_inside_the_command_reaches_the_guard()
    {
        var stderr = new StringWriter();
        var exit = CommandLineApp.Guard(
            () => CommandLineApp.Run(["validate", Write("a.playbook")], new StringWriter(), stderr, _ => throw new InvalidOperationException("checker broke"), color: false),
            stderr);
        Assert.Equal(ExitCodes.InternalError, exit);
        Assert.Equal($"playbook: internal error: checker broke (this is a bug; please report it){Environment.NewLine}", stderr.ToString());
    }
}
