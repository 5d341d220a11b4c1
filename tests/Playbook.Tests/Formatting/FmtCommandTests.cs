using Playbook.Cli;
using Playbook.Cli.Commands;
using Xunit;

namespace Playbook.Tests.Formatting;

/// <summary><c>playbook fmt</c> in-process: rewriting, --check, --diff, refused files, exit codes.</summary>
public sealed class FmtCommandTests : IDisposable
{
    private const string Unformatted = "playbook p {\n    step a { shell \"x\"\n  on ok -> b\n   on fail -> c }\n  end b success\n  end c failure\n}\n";
    private const string Formatted = "playbook p {\n  step a {\n    shell \"x\"\n    on ok   -> b\n    on fail -> c\n  }\n\n  end b success\n  end c failure\n}\n";

    private readonly string _root = Directory.CreateTempSubdirectory("playbook-fmt-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CommandLineApp.Guard(() => CommandLineApp.Run(args, stdout, stderr, EngineChecker.Check, color: false), stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Fmt_rewrites_the_file_keeps_its_mode_and_names_it()
    {
        var path = Write("p.playbook", Unformatted);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
        var (exit, stdout, stderr) = Run("fmt", _root);
        Assert.Equal((0, "", path + "\n"), (exit, stderr, stdout));
        Assert.Equal(Formatted, File.ReadAllText(path));
        if (!OperatingSystem.IsWindows()) Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(path));
        Assert.Empty(Directory.GetFiles(_root, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(_root, ".*")));

        // A second run has nothing to do.
        Assert.Equal((0, "", ""), Run("fmt", path));
    }

    [Fact]
    public void Check_lists_the_files_that_differ_exits_1_and_writes_nothing()
    {
        var bad = Write("bad.playbook", Unformatted);
        var good = Write("good.playbook", Formatted);
        var (exit, stdout, _) = Run("fmt", "--check", _root);
        Assert.Equal(1, exit);
        Assert.Equal(bad + "\n", stdout);
        Assert.Equal(Unformatted, File.ReadAllText(bad));
        Assert.Equal((0, "", ""), Run("fmt", "--check", good));
    }

    [Fact]
    public void Diff_prints_a_unified_diff_and_writes_nothing()
    {
        var path = Write("p.playbook", Unformatted);
        var (exit, stdout, stderr) = Run("fmt", "--diff", path);
        Assert.Equal((0, ""), (exit, stderr));
        // The test's current directory is not above the temp folder: the absolute path without its root.
        var name = Path.GetFullPath(path)[Path.GetPathRoot(Path.GetFullPath(path))!.Length..].Replace('\\', '/');
        Assert.DoesNotContain("a//", stdout);
        Assert.Equal($$"""
            --- a/{{name}}
            +++ b/{{name}}
            @@ -1,7 +1,10 @@
             playbook p {
            -    step a { shell "x"
            -  on ok -> b
            -   on fail -> c }
            +  step a {
            +    shell "x"
            +    on ok   -> b
            +    on fail -> c
            +  }
            +
               end b success
               end c failure
             }

            """, stdout);
        Assert.Equal(Unformatted, File.ReadAllText(path));

        // With --check too: the diff, and exit 1.
        Assert.Equal(1, Run("fmt", "--check", "--diff", path).Exit);
    }

    [Theory]
    [InlineData("/work/repo", "/work/repo/playbooks/p.playbook", "playbooks/p.playbook")]
    [InlineData("/work/repo", "playbooks/p.playbook", "playbooks/p.playbook")]
    [InlineData("/work/repo/playbooks", "../playbooks/./p.playbook", "p.playbook")]
    [InlineData("/work/repo", "/tmp/p.playbook", "tmp/p.playbook")]
    [InlineData("/work/repo", "../other/p.playbook", "work/other/p.playbook")]
    [InlineData("/work/repo", "/work/repo/line\nbreak.playbook", "line\\nbreak.playbook")]
    public void Diff_headers_name_the_file_as_git_diff_does(string currentDirectory, string file, string shown)
    {
        if (OperatingSystem.IsWindows()) return; // the cases are POSIX paths
        Assert.Equal(shown, FmtCommand.DiffPath(file, currentDirectory));
    }

    [Fact]
    public void Diff_of_a_file_under_the_current_directory_applies_with_patch_p1_there()
    {
        // A real process: the current directory is the process's, not something a parallel test may change.
        Directory.CreateDirectory(Path.Combine(_root, "playbooks"));
        var path = Write(Path.Combine("playbooks", "p.playbook"), Unformatted);
        var result = CliProcess.Run(_root, new Dictionary<string, string?>(), "fmt", "--diff", "playbooks/p.playbook");
        Assert.Equal(0, result.Exit);
        Assert.StartsWith("--- a/playbooks/p.playbook\n+++ b/playbooks/p.playbook\n@@ -1,7 +1,10 @@\n", result.Out);

        if (OperatingSystem.IsWindows()) return;
        var patch = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("patch", "-p1 --quiet")
        {
            WorkingDirectory = _root,
            RedirectStandardInput = true,
        })!;
        patch.StandardInput.Write(result.Out);
        patch.StandardInput.Close();
        Assert.True(patch.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, patch.ExitCode);
        Assert.Equal(Formatted, File.ReadAllText(path));
    }

    [Fact]
    public void A_file_with_syntax_errors_is_left_alone_with_its_diagnostics_and_the_others_are_formatted()
    {
        var broken = Write("a-broken.playbook", "playbook p {\n  step a {\n    shell \"echo\n  }\n}\n");
        var fine = Write("b-fine.playbook", Unformatted);
        var (exit, stdout, stderr) = Run("fmt", _root);
        Assert.Equal(1, exit);
        Assert.Contains($"{broken}:3:11: error PB0002: string is not closed", stderr);
        Assert.Contains("    3 |     shell \"echo", stderr);
        Assert.Contains($"playbook: '{broken}' cannot be parsed: it was left as it is", stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.Equal("playbook p {\n  step a {\n    shell \"echo\n  }\n}\n", File.ReadAllText(broken));
        Assert.Equal(fine + "\n", stdout);
        Assert.Equal(Formatted, File.ReadAllText(fine));
    }

    [Fact]
    public void A_missing_path_is_a_usage_error()
    {
        var (exit, _, stderr) = Run("fmt", Path.Combine(_root, "nope.playbook"));
        Assert.Equal(2, exit);
        Assert.Contains("no such file or directory", stderr);
    }

    [Fact]
    public void A_crlf_file_that_is_formatted_is_not_reported_by_check()
    {
        var path = Write("p.playbook", Formatted.Replace("\n", "\r\n"));
        Assert.Equal((0, "", ""), Run("fmt", "--check", path));
        Write("q.playbook", Unformatted.Replace("\n", "\r\n"));
        Assert.Equal(0, Run("fmt", _root).Exit);
        Assert.Equal(Formatted.Replace("\n", "\r\n"), File.ReadAllText(Path.Combine(_root, "q.playbook")));
    }
}
