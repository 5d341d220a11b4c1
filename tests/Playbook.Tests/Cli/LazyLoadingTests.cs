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

    [Fact]
    public void Validating_a_playbook_without_csharp_loads_neither_Roslyn_nor_Jints_runtime_nor_Scriban()
    {
        var loaded = LoadedBy("validate", "playbooks/worker-rollback.playbook");

        Assert.Contains("Playbook.Core", loaded);
        Assert.DoesNotContain(loaded, a => a.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
        Assert.DoesNotContain("Jint", loaded);
        Assert.DoesNotContain(loaded, a => a.StartsWith("Scriban", StringComparison.Ordinal));
        Assert.DoesNotContain("StreamJsonRpc", loaded);
    }

    [Fact]
    public void Validating_a_playbook_with_csharp_expressions_loads_Roslyn()
    {
        // The other side: the hook sees Roslyn when a playbook does need it, so the test above can fail.
        var loaded = LoadedBy("validate", "tests/Playbook.Tests/Cases/data/pb3002-csharp-error.playbook");

        Assert.Contains(loaded, a => a.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
    }
}
