using System.Text.Json;

namespace Playbook.Journal;

/// <summary>One good record: its seq, type and time, where it is in the file (1-based line, byte offset of
/// the line's start) and the whole JSON object (seq, type and at included).</summary>
public sealed record JournalRecord(long Seq, string Type, DateTimeOffset At, int Line, long Offset, JsonElement Body);

/// <summary>The first bad line of a journal. <paramref name="AtTail"/>: it is the last line, so it is what a
/// crash in the middle of an append leaves, and <see cref="JournalWriter.Continue"/> may cut it off; otherwise
/// good or bad lines follow it, the journal was damaged some other way, and resuming from it is unsafe.</summary>
public sealed record JournalDamage(int Line, long Offset, string Reason, bool AtTail);

/// <summary>What <see cref="JournalReader.Read"/> found: the good records before any damage, the byte length
/// they end at (where <see cref="JournalWriter.Continue"/> cuts the file), and the damage if there is any.</summary>
public sealed record JournalContents(IReadOnlyList<JournalRecord> Records, long ValidLength, JournalDamage? Damage)
{
    public long NextSeq => Records.Count == 0 ? 1 : Records[^1].Seq + 1;
}
