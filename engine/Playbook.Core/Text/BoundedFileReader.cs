namespace Playbook.Text;

/// <summary>What reading a file gave: its bytes, or why not (one of the three problems is set).</summary>
/// <param name="Special">What the path is when it is not a regular file ("a named pipe (FIFO)", …).</param>
/// <param name="TooLarge">The size seen when the file holds more than the limit (at least limit + 1).</param>
/// <param name="Error">Why the file could not be opened or read.</param>
public sealed record FileContents(byte[]? Bytes, string? Special = null, long? TooLarge = null, string? Error = null);

/// <summary>Reads a whole input file, refusing special files before opening them and never reading more
/// than a limit + 1 bytes, whatever the file claims its size is (a symbolic link reports its own length,
/// and a file can grow while it is read).</summary>
public static class BoundedFileReader
{
    public static FileContents Read(string path, int maxBytes)
    {
        if (FileKind.DescribeSpecial(path) is { } special) return new FileContents(null, Special: special);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            // Checked again on what was opened: the name may have been swapped since the check above.
            if (FileKind.DescribeSpecial(stream.SafeFileHandle) is { } opened) return new FileContents(null, Special: opened);
            var length = stream.Length;
            if (length > maxBytes) return new FileContents(null, TooLarge: length);

            var buffer = new byte[Math.Min(maxBytes + 1L, Math.Max(length, 0) + 1)];
            var read = 0;
            while (true)
            {
                if (read == buffer.Length)
                {
                    if (read > maxBytes) return new FileContents(null, TooLarge: Math.Max(read, stream.Length));
                    Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1L, buffer.Length * 2L));
                }
                var n = stream.Read(buffer, read, buffer.Length - read);
                if (n == 0) break;
                read += n;
            }
            if (read > maxBytes) return new FileContents(null, TooLarge: read);
            return new FileContents(read == buffer.Length ? buffer : buffer[..read]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new FileContents(null, Error: e.Message);
        }
    }
}
