using Playbook.Diagnostics;
using Xunit;

namespace Playbook.Tests.Library;

/// <summary>The shipped playbooks are the procedures of the seed documents; they must validate with no
/// errors and no warnings.</summary>
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

    /// <summary>The README's main job is <c>validate playbooks/</c>: a newcomer must see no warning there, so
    /// every shipped playbook meets its own RTO on every path to a success end (a deliberately failing
    /// example belongs in the tests' cases, not in the library).</summary>
    [Theory]
    [MemberData(nameof(Files))]
    public void Validates_with_no_errors_and_no_warnings(string file)
    {
        var result = PlaybookValidator.Validate(new[] { Path.Combine(PlaybooksFolder, file) });
        Assert.Empty(result.Files.Single().Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void The_main_job_validates_the_library_with_0_warnings()
    {
        // Exactly the README's command, from the repository root.
        var result = CliProcess.Run(RepositoryRoot(), "validate", "playbooks/");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Matches(@"^checked \d+ files: 0 errors, 0 warnings\n$", result.Out);
    }

    [Fact]
    public void Playbooks_hand_over_with_call()
    {
        var calls = Directory.GetFiles(PlaybooksFolder, "*.playbook").Count(f => File.ReadAllText(f).Contains("call ", StringComparison.Ordinal));
        Assert.True(calls >= 3, $"only {calls} playbooks use call");
    }
}
