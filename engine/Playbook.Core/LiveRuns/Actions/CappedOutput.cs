using System.Text;

namespace Playbook.LiveRuns.Actions;

/// <summary>Output kept up to a size. <see cref="ReadAsync"/> reads a child's pipe to its end, keeping the first <c>max</c> bytes and throwing the rest away (still
/// reading it, so the writer never blocks on a full pipe). What was kept can be taken at any time, also
/// while a read is still pending.</summary>
internal sealed class CappedOutput(int max)
{
    private readonly MemoryStream _kept = new();
    private readonly object _gate = new();

    public bool Truncated { get; private set; }

    public async Task ReadAsync(Stream stream)
    {
        var buffer = new byte[81920];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0) Keep(buffer.AsSpan(0, read));
        }
        // The stream is closed under a pending read when the caller stops waiting for it.
        catch (ObjectDisposedException) { }
        catch (IOException) { }
    }

    public void Keep(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            var room = max - (int)_kept.Length;
            if (bytes.Length > room) Truncated = true;
            _kept.Write(bytes[..Math.Min(room, bytes.Length)]);
        }
    }

    /// <summary>The kept bytes as UTF-8 text. When cut, a character split by the cut is dropped rather than
    /// shown as a replacement character.</summary>
    public string Text()
    {
        lock (_gate)
        {
            var bytes = _kept.GetBuffer().AsSpan(0, (int)_kept.Length);
            if (Truncated) bytes = bytes[..CompleteLength(bytes)];
            return Encoding.UTF8.GetString(bytes);
        }
    }

    // The length without a multi-byte sequence the end cuts short: back up over continuation bytes to the
    // lead byte and keep the sequence only if all of it is there.
    private static int CompleteLength(ReadOnlySpan<byte> bytes)
    {
        var i = bytes.Length - 1;
        var continuations = 0;
        while (i >= 0 && continuations < 3 && (bytes[i] & 0xC0) == 0x80) { i--; continuations++; }
        if (i < 0) return bytes.Length;
        var lead = bytes[i];
        var needed = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
        return needed > continuations ? i : bytes.Length;
    }
}
