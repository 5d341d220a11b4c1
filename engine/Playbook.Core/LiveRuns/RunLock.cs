namespace Playbook.LiveRuns;

/// <summary>Held by the process that is running (or resuming) a run, for as long as it does: an
/// exclusive lock on <c>RUN_ID.journal.lock</c> beside the journal. The operating system releases it
/// when the process dies, however it dies, so a lock that cannot be taken means the run is alive in
/// another process — and must not be resumed, or two processes would write one journal.</summary>
public sealed class RunLock : IDisposable
{
    private readonly FileStream _file;

    private RunLock(FileStream file) => _file = file;

    public static string PathFor(string journalPath) => journalPath + ".lock";

    /// <summary>Takes the lock; null when another process holds it.</summary>
    public static RunLock? TryAcquire(string journalPath)
    {
        try
        {
            Journal.PrivateFiles.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(journalPath))!);
            // FileShare.None is an exclusive flock on Unix, released by the kernel when the holder exits.
            return new RunLock(Journal.PrivateFiles.Open(PathFor(journalPath), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Is some process running this run right now?</summary>
    public static bool IsHeld(string journalPath)
    {
        if (!File.Exists(PathFor(journalPath))) return false;
        using var probe = TryAcquire(journalPath);
        return probe is null;
    }

    public void Dispose() => _file.Dispose();
}
