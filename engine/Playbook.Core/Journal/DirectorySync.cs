using System.Runtime.InteropServices;

namespace Playbook.Journal;

/// <summary>Flushes a directory's entries to disk. A new file's data can be on disk (fsync) while the
/// directory entry that names it is not, and a power loss would then lose the whole journal; .NET has
/// no call for it, so libc's open/fsync/close. A no-op where directories cannot be opened (not Unix).</summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);

    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var fd = Open(directory, ReadOnly);
        if (fd < 0) return;
        try
        {
            Fsync(fd);
        }
        finally
        {
            Close(fd);
        }
    }
}
