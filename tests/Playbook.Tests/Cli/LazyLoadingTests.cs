using Xunit;

namespace Playbook.Tests.Cli;

/// <summary>A cold <c>validate</c> is what CI waits for on every push: it loads Roslyn (tens of MB), Jint's
/// runtime, Scriban and the language server's RPC stack only when the playbook needs them.</summary>
public class LazyLoadingTests
{
    private static readonly string Root = Library.PlaybookLibraryTests.RepositoryRoot();

    private static IReadOnlyList<string> LoadedBy(params string[] args)
    {
        var log = Path.Combine(Path.GetTempPath(), $"playbook-loads-{Guid.NewGuid():N}.txt");
        try
        {
            var environment = new Dictionary<string, string?>
            {
                ["DOTNET_STARTUP_HOOKS"] = typeof(LazyLoadingTests).Assembly.Location,
                ["PLAYBOOK_TEST_ASSEMBLY_LOG"] = log,
            };
            var result = CliProcess.Run(Root, environment, args);
            Assert.True(result.Exit is 0 or 1, result.ToString());
            Assert.True(File.Exists(log), "the startup hook did not run in the CLI process");
            return File.ReadAllLines(log);
        }
        finally
        {
            File.Delete(log);
        }
    }

    /// <summary>What a cold validate of a playbook without C# has no use for: the C# compiler, the JavaScript runtime
    /// (its parser, Acornima, is used), report templates, scenario YAML, the state machine library (validate
    /// compiles nothing), the language server and its RPC stack, and the terminal UI library.</summary>
    private static readonly string[] NotNeededByValidate =
    [
        "Microsoft.CodeAnalysis", "Microsoft.CodeAnalysis.CSharp", "Jint", "Scriban.Signed", "YamlDotNet", "Stateless",
        "Playbook.LanguageServer", "StreamJsonRpc", "Nerdbank.Streams", "MessagePack", "Newtonsoft.Json",
        "Microsoft.VisualStudio.Threading", "Spectre.Console",
    ];

    [Fact]
    public void Validating_a_playbook_without_csharp_loads_neither_Roslyn_nor_Jints_runtime_nor_Scriban()
    {
        var loaded = LoadedBy("validate", "playbooks/worker-rollback.playbook");

        Assert.Contains("Playbook.Core", loaded);
        Assert.Contains("Acornima", loaded); // the expressions are checked, by the parser alone
        Assert.DoesNotContain(loaded, a => a.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
        Assert.DoesNotContain(loaded, a => a.StartsWith("Scriban", StringComparison.Ordinal));
        Assert.Empty(loaded.Intersect(NotNeededByValidate));
    }

    [Fact]
    public void Validating_a_playbook_with_csharp_expressions_loads_Roslyn()
    {
        // The other side: the hook sees Roslyn when a playbook does need it, so the test above can fail.
        var loaded = LoadedBy("validate", "tests/Playbook.Tests/Cases/data/pb3002-csharp-error.playbook");

        Assert.Contains(loaded, a => a.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
    }
}
