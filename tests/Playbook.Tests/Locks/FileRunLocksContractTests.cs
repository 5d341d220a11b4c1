using Playbook.RunStores;
using Xunit;

namespace Playbook.Tests.Locks;

/// <summary>The lock contract on the journal directory: lock files under <c>locks/</c>, private.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileRunLocksContractTests : RunLockContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "playbook-filelocks-" + Guid.NewGuid().ToString("N"));
    private readonly FileRunStore _store;
    private readonly FileRunLocks _locks;

    public FileRunLocksContractTests()
    {
        _store = new FileRunStore(_directory);
        _locks = new FileRunLocks(_directory);
    }

    protected override IRunStore Store => _store;

    protected override IRunLocks Locks => _locks;

    // SIGKILL: the kernel drops the flock, and the holder's record stays behind as it was.
    protected override void LetHolderDie(HeldLock held, RunLease lease)
    {
        var records = Directory.GetFiles(_locks.Directory, "*.holder").ToDictionary(f => f, File.ReadAllBytes);
        held.Dispose();
        foreach (var (path, bytes) in records) File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void Lock_files_are_private()
    {
        using var held = _locks.TryTake("failover-eu", LockClaim.Current(JournaledRunIdForLocks()), out _);
        Assert.NotNull(held);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_locks.Directory));
        var files = Directory.GetFiles(_locks.Directory);
        Assert.Equal(2, files.Length);
        Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
    }

    private static string JournaledRunIdForLocks() => Playbook.Tests.RunStores.JournaledRunId.Next();

    public override void Dispose()
    {
        base.Dispose();
        _store.Dispose();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
