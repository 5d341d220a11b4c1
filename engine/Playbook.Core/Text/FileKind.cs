using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Playbook.Text;

/// <summary>Tells a regular file from a special one (FIFO, device, socket) with stat(2), following
/// symbolic links, without reading it. Opening a FIFO for reading blocks until a writer comes, and a
/// device such as /dev/zero never ends, so a reader must ask this first. .NET has no public API for
/// the file type, so this asks the runtime's own native shim (System.Native, which FileSystem uses).</summary>
public static class FileKind
{
    // The shim's portable file status (pal_io.h): Flags, then Mode with the S_IFMT bits; the rest is
    // not read. Size leaves room for every field the shim writes.
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct FileStatus
    {
        public int Flags;
        public int Mode;
    }

    private const int TypeMask = 0xF000;
    private const int Fifo = 0x1000;
    private const int CharacterDevice = 0x2000;
    private const int Directory = 0x4000;
    private const int BlockDevice = 0x6000;
    private const int Regular = 0x8000;
    private const int Socket = 0xC000;

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus status);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_FStat", SetLastError = true)]
    private static extern int FStat(SafeFileHandle fd, out FileStatus status);

    /// <summary>What the path is when it is neither a regular file nor a directory ("a named pipe (FIFO)",
    /// "a character device", …); null for a regular file, a directory, or a path stat cannot see
    /// (the caller's open then reports why).</summary>
    public static string? DescribeSpecial(string path)
    {
        if (OperatingSystem.IsWindows()) return null;
        try
        {
            return Stat(path, out var status) == 0 ? Describe(status.Mode) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>As <see cref="DescribeSpecial(string)"/>, for a file already open: what was opened may
    /// not be what was checked by name a moment before.</summary>
    public static string? DescribeSpecial(SafeFileHandle handle)
    {
        if (OperatingSystem.IsWindows()) return null;
        try
        {
            return FStat(handle, out var status) == 0 ? Describe(status.Mode) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static string? Describe(int mode) => (mode & TypeMask) switch
    {
        Regular or Directory => null,
        Fifo => "a named pipe (FIFO)",
        CharacterDevice => "a character device",
        BlockDevice => "a block device",
        Socket => "a socket",
        _ => "a special file",
    };
}
