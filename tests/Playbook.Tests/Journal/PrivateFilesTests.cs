using Playbook.Journal;
using Playbook.LiveRuns;
using Xunit;

namespace Playbook.Tests.Journal;

/// <summary>What a run writes is readable by its owner alone, from the moment it exists.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PrivateFilesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "playbook-private-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void A_new_journal_is_0600_in_a_0700_directory_and_its_lock_is_0600()
    {
        var path = Path.Combine(_root, "runs", "r.journal");
        using (var writer = JournalWriter.Create(path)) writer.Append("run-started");
        using (RunLock.TryAcquire(path)) { }

        Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(Path.Combine(_root, "runs")));
        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(path));
        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(RunLock.PathFor(path)));
    }

    [Fact]
    public void A_report_replaces_a_world_readable_file_with_a_private_one()
    {
        Directory.CreateDirectory(_root);
        var report = Path.Combine(_root, "report.md");
        File.WriteAllText(report, "old");
        File.SetUnixFileMode(report, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        PrivateFiles.WriteAllText(report, "new");

        Assert.Equal("new", File.ReadAllText(report));
        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(report));
        Assert.Single(Directory.GetFiles(_root));
    }

    [Theory]
    [InlineData(UnixFileMode.GroupWrite, "can be written by other users (mode 0620)")]
    [InlineData(UnixFileMode.OtherWrite, "can be written by other users (mode 0602)")]
    public void A_file_others_can_write_is_named_with_the_fix(UnixFileMode extra, string expected)
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, "r.journal");
        File.WriteAllText(path, "");
        File.SetUnixFileMode(path, PrivateFiles.FileMode | extra);

        var problem = PrivateFiles.Problem(_root, path);

        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
        Assert.Contains($"chmod 600 '{path}'", problem);
        File.SetUnixFileMode(path, PrivateFiles.FileMode);
        Assert.Null(PrivateFiles.Problem(_root, path));
    }

    [Fact]
    public void A_file_of_another_user_is_refused()
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, "r.journal");
        File.WriteAllText(path, "");
        File.SetUnixFileMode(path, PrivateFiles.FileMode);
        // Root can give the file away; anyone else has "/" (root's) as a file of another user.
        if (GetEffectiveUserId() == 0) Assert.Equal(0, Chown(path, 4242, 4242));
        else path = "/";

        Assert.Contains($"belongs to user {(path == "/" ? 0 : 4242)}, not to you (user {GetEffectiveUserId()})", PrivateFiles.Problem(path));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static extern int Chown(string path, int owner, int group);
}
