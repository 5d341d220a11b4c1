using System.Runtime.InteropServices;

namespace Playbook.Journal;

/// <summary>Files a run writes hold what it did (and a report what it showed): only their owner may read
/// them. Directories are created 0700 and files 0600 from the start — a file created wider and narrowed
/// afterwards can be opened by someone else in between. And a journal someone else can write is a journal
/// someone else can steer (which step resume skips, which process group it stops), so continuing a run
/// first checks who owns and who can write its files.</summary>
public static class PrivateFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="directory"/> (and its missing parents) 0700; an existing one is left as it is.</summary>
    public static void CreateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, DirectoryMode);
    }

    /// <summary>Opens a file, creating it 0600 if it does not exist.</summary>
    public static FileStream Open(string path, System.IO.FileMode mode, FileAccess access, FileShare share)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share, BufferSize = 0 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileMode;
        return new FileStream(path, options);
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> as a new 0600 file: written beside it
    /// under a temporary name, then renamed over it, so an existing file (of any mode) is replaced, never
    /// reused with its old permissions.</summary>
    public static void WriteAllText(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = Open(temporary, System.IO.FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var writer = new StreamWriter(stream))
                writer.Write(text);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Why continuing from <paramref name="paths"/> is not safe (owned by another user, or writable by
    /// group or others), or null when every one that exists is ours alone to write.</summary>
    public static string? Problem(params string[] paths)
    {
        if (OperatingSystem.IsWindows()) return null;
        var me = GetEffectiveUserId();
        foreach (var path in paths)
        {
            if (!Path.Exists(path)) continue;
            var kind = Directory.Exists(path) ? "directory" : "file";
            var mode = File.GetUnixFileMode(path);
            if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
                return $"the journal {kind} '{path}' can be written by other users (mode {Octal(mode)}): anyone who can write it can change what resume does; " +
                    $"make it private (chmod {(kind == "directory" ? "700" : "600")} '{path}') if its contents are what you expect";
            if (OwnerOf(path) is { } owner && owner != me)
                return $"the journal {kind} '{path}' belongs to user {owner}, not to you (user {me}): resume a run as the user who started it";
        }
        return null;
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    // statx has one layout on every Linux architecture (stat does not): stx_uid is the u32 at offset 20.
    private static uint? OwnerOf(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = new byte[256];
        try
        {
            if (StatX(AtFdCwd, path, 0, StatxUid, buffer) != 0) return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
        return MemoryMarshal.Read<uint>(buffer.AsSpan(20));
    }

    private const int AtFdCwd = -100;

    private const uint StatxUid = 0x0008;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int StatX(int dirfd, string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();
}
