using Xunit;

namespace Playbook.Tests.Cli;

/// <summary>The multi-core JIT profile a short command keeps in the user's cache directory (Cli/StartupProfile.cs):
/// private, one complete file per command however many commands end together, never in the way of the command.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class StartupProfileTests : IDisposable
{
    private static readonly string Root = Library.PlaybookLibraryTests.RepositoryRoot();
    private readonly string _cache = Path.Combine(Path.GetTempPath(), $"playbook-cache-{Guid.NewGuid():N}");

    public StartupProfileTests() => Directory.CreateDirectory(_cache);

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    private string Profiles => Path.Combine(_cache, "playbook");

    private CliProcess.Result Validate(string playbook = "playbooks/worker-rollback.playbook", Dictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = _cache, ["PLAYBOOK_JIT_PROFILE"] = null };
        foreach (var (name, value) in extra ?? []) environment[name] = value;
        return CliProcess.Run(Root, environment, "validate", playbook);
    }

    [Fact]
    public void A_validate_leaves_one_profile_in_a_private_cache_directory_and_the_next_one_reads_it()
    {
        var first = Validate();
        Assert.Equal(0, first.Exit);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Profiles));
        var profile = Assert.Single(Directory.GetFiles(Profiles));
        Assert.Matches(@"[/\\]validate-[0-9a-f]{16}\.jitprofile$", profile);
        Assert.True(new FileInfo(profile).Length > 1_000, "the profile lists the methods the command compiled");

        var second = Validate();
        Assert.Equal(first.Out, second.Out);
        Assert.Equal(0, second.Exit);
        Assert.Equal(profile, Assert.Single(Directory.GetFiles(Profiles))); // replaced, not added to
    }

    [Fact]
    public async Task Commands_ending_together_leave_one_complete_profile_and_no_copy_of_their_own()
    {
        Assert.Equal(0, Validate().Exit);
        // Eight at once, each reading the profile the first left and each writing its own at the end: the runtime
        // alone would have them all write the shared file in place at the same moment.
        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Validate())));
        Assert.All(runs, run => Assert.Equal(0, run.Exit));

        Assert.Single(Directory.GetFiles(Profiles));
        Assert.Equal(0, Validate().Exit); // and what they left starts the next one
    }

    [Fact]
    public void Turned_off_it_writes_nothing()
    {
        Assert.Equal(0, Validate(extra: new() { ["PLAYBOOK_JIT_PROFILE"] = "0" }).Exit);

        Assert.False(Directory.Exists(Profiles));
    }

    [Fact]
    public void A_cache_directory_others_can_read_is_left_alone_and_the_command_still_runs()
    {
        Directory.CreateDirectory(Profiles);
        File.SetUnixFileMode(Profiles, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        Assert.Equal(0, Validate().Exit);

        Assert.Empty(Directory.GetFiles(Profiles));
    }

    [Fact]
    public void A_copy_left_by_a_killed_command_is_removed_once_it_is_an_hour_old()
    {
        Directory.CreateDirectory(Profiles, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var old = Path.Combine(Profiles, "validate-00000000000000000000000000000000.123.jitprofile-own");
        var young = Path.Combine(Profiles, "validate-00000000000000000000000000000000.124.jitprofile-own");
        File.WriteAllText(old, "x");
        File.WriteAllText(young, "x");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-2));

        Assert.Equal(0, Validate().Exit);

        Assert.False(File.Exists(old));
        Assert.True(File.Exists(young), "a copy younger than an hour may belong to a command still running");
    }

    [Fact]
    public void Only_the_twenty_most_recent_profiles_are_kept()
    {
        Directory.CreateDirectory(Profiles, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        for (var i = 0; i < 25; i++)
        {
            var other = Path.Combine(Profiles, $"validate-{i:x16}.jitprofile");
            File.WriteAllText(other, "x");
            File.SetLastWriteTimeUtc(other, DateTime.UtcNow.AddMinutes(-100 + i));
        }

        Assert.Equal(0, Validate().Exit);

        var kept = Directory.GetFiles(Profiles).Select(Path.GetFileName).ToList();
        Assert.Equal(20, kept.Count);
        Assert.Contains(kept, name => !name!.StartsWith("validate-00000000000000", StringComparison.Ordinal)); // this command's own
        Assert.DoesNotContain("validate-0000000000000005.jitprofile", kept); // the oldest went first
        Assert.Contains("validate-0000000000000018.jitprofile", kept);
    }

    [Fact]
    public void A_profile_recorded_with_roslyn_does_not_load_roslyn_for_another_playbook_without_csharp()
    {
        // A profile names every assembly its command used, and the runtime loads them to play it back: a validate of
        // another playbook must not play back the profile of one with C#.
        Assert.Equal(1, Validate("tests/Playbook.Tests/Cases/data/pb3002-csharp-error.playbook").Exit);
        Assert.Equal(1, Validate("tests/Playbook.Tests/Cases/data/pb3002-csharp-error.playbook").Exit);

        var log = Path.Combine(_cache, "loads.txt");
        Assert.Equal(0, Validate(extra: new()
        {
            ["DOTNET_STARTUP_HOOKS"] = typeof(StartupProfileTests).Assembly.Location,
            ["PLAYBOOK_TEST_ASSEMBLY_LOG"] = log,
        }).Exit);

        var loaded = File.ReadAllLines(log);
        Assert.Contains("Acornima", loaded);
        Assert.DoesNotContain(loaded, a => a.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
    }
}
