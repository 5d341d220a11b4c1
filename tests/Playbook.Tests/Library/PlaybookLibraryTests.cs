using Playbook.Diagnostics;
using Xunit;

namespace Playbook.Tests.Library;

/// <summary>The shipped playbooks are the procedures of the seed documents; they must validate with no
/// errors, and every warning left in one must be explained in a comment of that playbook.</summary>
public class PlaybookLibraryTests
{
    public static readonly string[] Procedures =
    {
        "partial-failure", "d1-recovery", "worker-rollback", "data-corruption", "kv-restore", "disaster-recovery",
        "high-error-rate", "queue-backup", "database-slow", "worker-timeout", "sandbox-stuck",
        "worker-failure", "task-recovery", "worker-unresponsive", "workstream-recovery", "queue-message-handling",
    };

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Playbook.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Playbook.sln not found above " + AppContext.BaseDirectory);
    }

    private static string PlaybooksFolder => Path.Combine(RepositoryRoot(), "playbooks");

    public static IEnumerable<object[]> Files() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot(), "playbooks"), "*.playbook").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [Fact]
    public void Every_seed_procedure_is_a_playbook()
    {
        var present = Directory.GetFiles(PlaybooksFolder, "*.playbook").Select(Path.GetFileNameWithoutExtension).ToHashSet();
        Assert.All(Procedures, p => Assert.Contains(p, present));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Validates_with_no_errors_and_explains_its_warnings(string file)
    {
        var path = Path.Combine(PlaybooksFolder, file);
        var result = PlaybookValidator.Validate(new[] { path });
        var diagnostics = result.Files.Single().Diagnostics;
        Assert.Empty(diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.ToString()));

        var comments = string.Join("\n", File.ReadLines(path).Select(l => l.TrimStart()).Where(l => l.StartsWith('#')));
        var unexplained = diagnostics.Where(d => d.Severity == Severity.Warning && !comments.Contains(d.Id, StringComparison.Ordinal));
        Assert.Empty(unexplained.Select(d => d.ToString()));
    }

    [Fact]
    public void Playbooks_hand_over_with_call()
    {
        var calls = Directory.GetFiles(PlaybooksFolder, "*.playbook").Count(f => File.ReadAllText(f).Contains("call ", StringComparison.Ordinal));
        Assert.True(calls >= 3, $"only {calls} playbooks use call");
    }
}
