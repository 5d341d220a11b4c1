namespace Playbook.Journal;

/// <summary>Where a <see cref="JournalWriter"/> sends its lines when they do not go to a file of its own: a run
/// store (<see cref="RunStores.IRunStore"/>) that keeps them its own way. The writer builds each line exactly as for
/// a file (checksum, seq, type, at), so a store's run reads back through the same <see cref="JournalReader"/> checks.</summary>
public interface IJournalTarget : IDisposable
{
    /// <summary>Stores <paramref name="line"/> (the whole line, newline included) as record <paramref name="seq"/>.
    /// With <paramref name="durable"/>, returns only once the record survives a crash of this machine; without,
    /// once it survives this process (the next durable record carries it, as for a file). Throws when it cannot
    /// be stored: then the writer refuses further appends.</summary>
    void Write(long seq, ReadOnlySpan<byte> line, bool durable);
}
