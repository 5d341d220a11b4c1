using System.IO.Hashing;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace Playbook.Journal;

/// <summary>Reads a journal written by <see cref="JournalWriter"/> (format there) and says where it stops
/// being trustworthy: every good record up to the first bad line, the byte length they end at, and what is
/// wrong with that line — at the tail (what a crash leaves) or in the middle (something else damaged it).</summary>
public static class JournalReader
{
    /// <summary>Never throws for bad content (that is <see cref="JournalContents.Damage"/>); only
    /// <see cref="IOException"/> and the like when the file cannot be read.</summary>
    public static JournalContents Read(string path)
    {
        // ReadWrite | Delete sharing: a writer may hold the file open (a live run); a line it is writing at
        // this moment then reads as a torn tail, which is the truth at this instant.
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return Parse(ReadAll(handle, path));
    }

    private static byte[] ReadAll(SafeFileHandle handle, string path)
    {
        var length = RandomAccess.GetLength(handle);
        if (length > Array.MaxLength) throw new IOException($"{path}: the journal is too large to read ({length} bytes)");
        var bytes = new byte[length];
        var read = 0;
        while (read < bytes.Length)
        {
            var n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
            if (n == 0) break; // cut while we read: parse what is there
            read += n;
        }
        return read == bytes.Length ? bytes : bytes[..read];
    }

    internal static JournalContents Parse(ReadOnlySpan<byte> bytes)
    {
        var records = new List<JournalRecord>();
        long offset = 0;
        var lineNumber = 0;
        while (offset < bytes.Length)
        {
            lineNumber++;
            var rest = bytes[(int)offset..];
            var newline = rest.IndexOf(JournalLine.NewLine);
            var line = newline < 0 ? rest : rest[..newline];
            var atTail = newline < 0 || newline == rest.Length - 1;
            var expected = records.Count == 0 ? 1 : records[^1].Seq + 1;

            JournalRecord? record = null;
            var problem = newline < 0
                ? "the record is cut short (torn write at the end of the journal)"
                : Check(line, expected, lineNumber, offset, out record);
            if (problem is not null)
            {
                if (!atTail) problem += "; good or bad lines follow it, so this is not a torn write from a crash";
                return new JournalContents(records, offset, new JournalDamage(lineNumber, offset, $"line {lineNumber}: {problem}", atTail));
            }
            records.Add(record!);
            offset += newline + 1;
        }
        return new JournalContents(records, offset, null);
    }

    /// <summary>Null and the record if <paramref name="line"/> (without its newline) is a good record with seq
    /// <paramref name="expected"/>; otherwise what is wrong with it, in words.</summary>
    private static string? Check(ReadOnlySpan<byte> line, long expected, int lineNumber, long offset, out JournalRecord? record)
    {
        record = null;
        if (line.IsEmpty) return "the line is empty (every line must be a record)";
        if (!JournalLine.TryReadPrefix(line, out var stored))
            return "no checksum at the start of the line (expected 8 lowercase hex digits and a space)";
        var json = line[JournalLine.PrefixLength..];
        var actual = Crc32.HashToUInt32(json);
        if (actual != stored)
            return $"checksum mismatch (the line says {stored:x8}, its bytes give {actual:x8}): the record was changed or damaged after it was written";

        JsonElement body;
        try
        {
            body = JsonElement.Parse(json);
        }
        catch (JsonException e)
        {
            return $"not JSON (at byte {e.BytePositionInLine} of the record), although its checksum matches: it was written that way";
        }
        if (body.ValueKind != JsonValueKind.Object) return $"not a JSON object but {body.ValueKind.ToString().ToLowerInvariant()}";

        // The first of each: the writer puts seq, type and at first, so a caller's field of the same name
        // further on cannot change what the record is.
        JsonElement? seqValue = null, typeValue = null, atValue = null;
        foreach (var property in body.EnumerateObject())
        {
            if (property.NameEquals("seq")) seqValue ??= property.Value;
            else if (property.NameEquals("type")) typeValue ??= property.Value;
            else if (property.NameEquals("at")) atValue ??= property.Value;
        }
        if (seqValue is not { ValueKind: JsonValueKind.Number } s || !s.TryGetInt64(out var seq)) return "missing seq (a whole number)";
        if (typeValue is not { ValueKind: JsonValueKind.String } t || t.GetString() is not { Length: > 0 } type) return "missing type (a non-empty string)";
        if (atValue is not { ValueKind: JsonValueKind.String } a || !a.TryGetDateTimeOffset(out var at)) return "missing at (an ISO 8601 time)";
        if (seq != expected)
            return expected == 1
                ? $"seq {seq} at the start of the journal (the first record must be seq 1)"
                : $"seq {seq} follows seq {expected - 1} (expected {expected}: a record is missing, repeated or out of order)";

        record = new JournalRecord(seq, type, at, lineNumber, offset, body);
        return null;
    }
}
