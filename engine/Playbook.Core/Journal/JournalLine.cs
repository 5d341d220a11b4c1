namespace Playbook.Journal;

/// <summary>The framing of one journal line: <c>&lt;crc32 as 8 lowercase hex&gt; &lt;json&gt;\n</c>. Shared by
/// the writer and the reader so the two cannot drift apart.</summary>
internal static class JournalLine
{
    /// <summary>8 hex digits and the space after them.</summary>
    public const int PrefixLength = 9;

    public const byte NewLine = (byte)'\n';

    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    /// <summary>Writes <paramref name="crc"/> as 8 lowercase hex digits and a space into the first
    /// <see cref="PrefixLength"/> bytes of <paramref name="line"/>.</summary>
    public static void WritePrefix(uint crc, Span<byte> line)
    {
        for (var i = 7; i >= 0; i--, crc >>= 4) line[i] = HexDigits[(int)(crc & 0xF)];
        line[8] = (byte)' ';
    }

    /// <summary>Reads the checksum in front of a line; false unless it is exactly 8 lowercase hex digits
    /// and a space (uppercase is refused: the writer never produces it, so it means the line was edited).</summary>
    public static bool TryReadPrefix(ReadOnlySpan<byte> line, out uint crc)
    {
        crc = 0;
        if (line.Length < PrefixLength || line[8] != (byte)' ') return false;
        for (var i = 0; i < 8; i++)
        {
            var digit = HexDigits.IndexOf(line[i]);
            if (digit < 0) return false;
            crc = (crc << 4) | (uint)digit;
        }
        return true;
    }
}
