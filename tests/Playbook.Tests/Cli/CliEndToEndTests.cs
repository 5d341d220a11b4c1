using System.Text.Json;
using Xunit;

namespace Playbook.Tests.Cli;

/// <summary>Runs the real, built <c>playbook</c> executable (<c>dotnet playbook.dll</c>) as a child
/// process on the files in Cli/data, checking exit codes and that nothing internal leaks out.</summary>
public class CliEndToEndTests
{
    private static readonly string DataDirectory = Path.Combine(AppContext.BaseDirectory, "Cli", "data");

    private static CliProcess.Result Run(params string[] args) => CliProcess.Run(DataDirectory, args);

    [Fact]
    public void Clean_playbook_exits_0()
    {
        var result = Run("validate", "clean");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.DoesNotContain("error PB", result.Out);
        Assert.EndsWith("checked 1 file: 0 errors, 0 warnings\n", result.Out.ReplaceLineEndings("\n"));
        Assert.Equal("", result.Err);
    }

    [Fact]
    public void Playbook_with_an_error_exits_1_with_a_located_diagnostic()
    {
        var result = Run("validate", Path.Combine("errors", "broken-restore.playbook"));
        Assert.True(result.Exit == 1, result.ToString());
        var broken = Path.Combine("errors", "broken-restore.playbook");
        Assert.Contains($"{broken}:16:", result.Out);
        Assert.Contains("error PB1001: 'restord' is not a state or phase of this playbook", result.Out);
        Assert.Contains("    on ok -> restord\n", result.Out.ReplaceLineEndings("\n"));
        Assert.Contains("^^^^^^^", result.Out);
        Assert.Equal("", result.Err);
    }

    [Fact]
    public void A_binary_file_is_a_diagnostic_not_a_crash()
    {
        var result = Run("validate", Path.Combine("errors", "not-text.playbook"));
        Assert.True(result.Exit == 1, result.ToString());
        Assert.Contains("PB0006", result.Out);
    }

    [Fact]
    public void Json_output_is_one_parseable_document()
    {
        var result = Run("validate", "--format", "json", "clean", "errors");
        Assert.True(result.Exit == 1, result.ToString());
        var root = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal(3, root.GetProperty("files").GetInt32());
        var files = root.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("file").GetString()).ToList();
        Assert.Contains(Path.Combine("errors", "broken-restore.playbook"), files);
        Assert.Contains(Path.Combine("errors", "not-text.playbook"), files);
        // Files in ordinal order, as found in the directories.
        Assert.Equal(files.Order(StringComparer.Ordinal), files);
    }

    [Fact]
    public void Sarif_output_is_parseable_with_relative_uris()
    {
        var result = Run("validate", "--format", "sarif", "errors");
        Assert.True(result.Exit == 1, result.ToString());
        var run = JsonDocument.Parse(result.Out).RootElement.GetProperty("runs")[0];
        var uris = run.GetProperty("results").EnumerateArray()
            .Select(r => r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString())
            .ToList();
        Assert.Contains("errors/broken-restore.playbook", uris);
    }

    [Fact]
    public void Github_output_has_annotations_and_the_summary()
    {
        var result = Run("validate", "--format", "github", Path.Combine("errors", "broken-restore.playbook"));
        Assert.True(result.Exit == 1, result.ToString());
        Assert.Contains("::error file=errors/broken-restore.playbook,line=16,", result.Out);
        Assert.Contains(",title=PB1001::'restord' is not a state or phase of this playbook", result.Out);
        Assert.EndsWith("checked 1 file: 1 error, 1 warning\n", result.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Warnings_fail_only_with_warnings_as_errors()
    {
        var lenient = Run("validate", "warnings");
        Assert.True(lenient.Exit == 0, lenient.ToString());
        Assert.Contains("warning PB1010", lenient.Out);

        var strict = Run("validate", "--warnings-as-errors", "warnings");
        Assert.True(strict.Exit == 1, strict.ToString());
    }

    [Fact]
    public void Missing_path_exits_2()
    {
        var result = Run("validate", "no-such.playbook");
        Assert.True(result.Exit == 2, result.ToString());
        Assert.Equal("", result.Out);
        Assert.Equal("playbook: cannot read 'no-such.playbook': no such file or directory", result.Err.TrimEnd());
    }

    [Fact]
    public void Directory_without_playbooks_exits_2()
    {
        var empty = Directory.CreateTempSubdirectory("playbook-empty-");
        try
        {
            var result = Run("validate", empty.FullName);
            Assert.True(result.Exit == 2, result.ToString());
            Assert.Contains("no *.playbook files in", result.Err);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("validate", "--bogus", "clean")]
    [InlineData("validate", "--format", "xml", "clean")]
    [InlineData("validate")]
    [InlineData("frobnicate")]
    [InlineData]
    public void Usage_errors_exit_2(params string[] args)
    {
        var result = Run(args);
        Assert.True(result.Exit == 2, result.ToString());
        Assert.Equal("", result.Out);
        Assert.StartsWith("playbook: ", result.Err);
        Assert.Contains("--help' for usage.", result.Err);
    }

    [Fact]
    public void Help_exits_0()
    {
        var result = Run("validate", "--help");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains("--format", result.Out);
    }
}
