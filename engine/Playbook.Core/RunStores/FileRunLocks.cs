using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Playbook.Journal;

namespace Playbook.RunStores;

/// <summary>The file store's locks: under the journal directory, <c>locks/lock-HASH.lock</c> (0600, in a 0700 directory),
/// held with an exclusive flock by the runner for its run's life — the kernel drops it when the runner dies,
/// however it dies — and beside it <c>lock-HASH.holder</c>, the holder's record (name, run, user, host, pid, since),
/// written after the flock is taken and deleted before it is let go. The file name is a hash of the lock's name, so
/// any name is a safe file name; the record keeps the name itself, compared exactly. Lock files are never deleted:
/// a runner blocked on a file that was deleted and created again would hold a lock nobody else sees.</summary>
public sealed class FileRunLocks(string journalDirectory) : IRunLocks
{
    public string Directory { get; } = Path.Combine(journalDirectory, "locks");

    /// <summary>How often a busy lock is tried again before it is called held: a <see cref="HolderOf"/> probe from
    /// another process (<c>playbook runs</c>) holds a free lock for an instant.</summary>
    private const int Tries = 10;

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(25);

    public HeldLock? TryTake(string name, LockClaim claim, out LockHolder? holder)
    {
        PrivateFiles.CreateDirectory(Directory);
        var (lockPath, holderPath) = PathsOf(name);
        for (var attempt = 1; ; attempt++)
        {
            var file = TryOpen(lockPath);
            if (file is not null)
            {
                var mine = new LockHolder(name, claim.RunId, claim.User, claim.Owner.Host, claim.Owner.Pid, DateTimeOffset.UtcNow);
                try
                {
                    PrivateFiles.WriteAllText(holderPath, Record(mine));
                }
                catch
                {
                    file.Dispose();
                    throw;
                }
                holder = null;
                return new HeldLock(mine, () =>
                {
                    // The record goes first: whoever finds the file free next finds no stale record either.
                    try { File.Delete(holderPath); }
                    catch (IOException) { }
                    catch (UnauthorizedAccessException) { }
                    file.Dispose();
                });
            }
            holder = ReadRecord(holderPath, name);
            if (attempt >= Tries) return null;
            Thread.Sleep(Pause);
        }
    }

    public LockHolder? HolderOf(string name)
    {
        var (lockPath, holderPath) = PathsOf(name);
        if (!File.Exists(lockPath)) return null;
        using var probe = TryOpen(lockPath);
        if (probe is not null) return null;
        return ReadRecord(holderPath, name) ?? new LockHolder(name, "?", "?", "?", 0, DateTimeOffset.UtcNow);
    }

    public IReadOnlyList<LockHolder> Held()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        var held = new List<LockHolder>();
        foreach (var record in System.IO.Directory.EnumerateFiles(Directory, "lock-*.holder").Order(StringComparer.Ordinal))
        {
            var lockPath = Path.ChangeExtension(record, ".lock");
            if (ReadRecord(record, null) is not { } holder || !File.Exists(lockPath)) continue;
            using var probe = TryOpen(lockPath);
            if (probe is null) held.Add(holder);
        }
        return held;
    }

    private (string Lock, string Holder) PathsOf(string name)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..40];
        return (Path.Combine(Directory, $"lock-{hash}.lock"), Path.Combine(Directory, $"lock-{hash}.holder"));
    }

    /// <summary>The lock file opened with an exclusive flock (FileShare.None), or null when another process holds it.</summary>
    private static FileStream? TryOpen(string path)
    {
        try
        {
            return PrivateFiles.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string Record(LockHolder h)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("name", h.Name);
            w.WriteString("run", h.RunId);
            w.WriteString("user", h.User);
            w.WriteString("host", h.Host);
            w.WriteNumber("pid", h.Pid);
            w.WriteString("since", h.Since.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>The record at <paramref name="path"/>, or null when there is none (not written yet, or being replaced)
    /// or it is not one (then the lock is still held: it is only its description that is missing). With
    /// <paramref name="name"/>, a record of another name (a hash collision) is not this lock's.</summary>
    private static LockHolder? ReadRecord(string path, string? name)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > 64 * 1024) return null;
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = json.RootElement;
            var holder = new LockHolder(root.GetProperty("name").GetString()!, root.GetProperty("run").GetString()!, root.GetProperty("user").GetString()!,
                root.GetProperty("host").GetString()!, root.GetProperty("pid").GetInt32(),
                DateTimeOffset.Parse(root.GetProperty("since").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal));
            return name is null || holder.Name == name ? holder : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
