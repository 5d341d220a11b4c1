using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.RealRuns;

/// <summary>A run's files are private, and resume trusts no journal another user could have written.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class RunPrivacyTests
{
    [Fact]
    public void Journal_lock_and_report_are_created_private()
    {
        using var work = new RunWorkspace("aborts");
        var result = work.Run("aborts", "--report", "report.md");
        Assert.True(result.Exit == 3, result.ToString());
        var journal = work.JournalPath(RunIdOf(result));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(work.JournalDirectory));
        foreach (var file in new[] { journal, journal + ".lock", work.PathOf("report.md") })
            Assert.True(File.GetUnixFileMode(file) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), $"{file}: {File.GetUnixFileMode(file)}");
    }

    [Theory]
    [InlineData(false, UnixFileMode.OtherWrite)]
    [InlineData(false, UnixFileMode.GroupWrite)]
    [InlineData(true, UnixFileMode.OtherWrite)]
    public void Resume_refuses_a_journal_others_can_write(bool directory, UnixFileMode extra)
    {
        using var work = new RunWorkspace("aborts");
        var id = RunIdOf(work.Run("aborts"));
        var target = directory ? work.JournalDirectory : work.JournalPath(id);
        File.SetUnixFileMode(target, File.GetUnixFileMode(target) | extra);

        var resumed = work.Resume(id);

        Assert.True(resumed.Exit == 2, resumed.ToString());
        var shown = directory ? work.JournalDirectory : Path.Combine(JournalDir, id + ".journal");
        Assert.Contains($"playbook: run {id} cannot be resumed: the journal {(directory ? "directory" : "file")} '{shown}' can be written by other users", resumed.Err);
        Assert.Contains("chmod", resumed.Err);
    }
}
