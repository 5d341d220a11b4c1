using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace Playbook.Journal;

/// <summary>
/// Appends records to a crash-safe journal file, one durable line per record.
/// <para>
/// Format (UTF-8, one record per line, nothing else in the file):
/// <c>&lt;CRC-32 of the JSON bytes, 8 lowercase hex digits&gt; &lt;compact JSON object&gt;\n</c>, e.g.
/// <c>83bdce77 {"seq":1,"type":"run.started","at":"2026-11-23T03:12:45.123Z","playbook":"db-failover"}\n</c>.
/// The checksum is System.IO.Hashing's CRC-32 (IEEE) over exactly the bytes between the space and the newline.
/// Every object starts with <c>seq</c> (1, 2, 3, … with no gaps), <c>type</c> (non-empty string) and
/// <c>at</c> (UTC, ISO 8601 with milliseconds, from the writer's <see cref="TimeProvider"/>); the caller's
/// fields follow. The JSON is compact, so it never contains a newline: a line is a record.
/// </para>
/// <para>
/// Crash safety: each line is built in one buffer, written with one positional write and flushed to disk
/// (fsync) before <see cref="Append"/> returns. A process killed at any moment therefore leaves whole records
/// followed by at most one cut-short last line; <see cref="JournalReader"/> reports that as damage at the tail,
/// and <see cref="Continue"/> cuts it off before appending again. Damage anywhere else is not something a crash
/// can cause, and the reader reports it as such.
/// </para>
/// </summary>
public sealed class JournalWriter : IDisposable
{
    private static readonly JsonEncodedText SeqName = JsonEncodedText.Encode("seq");
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText AtName = JsonEncodedText.Encode("at");

    // Relaxed escaping keeps messages readable in the file (é, <, > stay as they are); the journal is never
    // embedded in HTML. Validation stays on so a fields callback cannot produce a broken object.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly SafeFileHandle? _handle;
    // Set instead of _handle when the lines go to a run store (RunStores): it makes them durable its own way.
    private readonly IJournalTarget? _target;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    // Checked before each write: throws when the writer's process no longer holds the run (a run store's lease).
    private Action? _fence;

    // One line buffer and one JSON writer, reused for every record under the lock: no allocation per append
    // once the buffer has grown to the largest record.
    private readonly ArrayBufferWriter<byte> _line = new(512);
    private readonly Utf8JsonWriter _json;

    private long _length;
    private long _nextSeq;
    private bool _building;
    private bool _disposed;
    private Exception? _failed;

    private JournalWriter(string path, SafeFileHandle? handle, long length, long nextSeq, TimeProvider time, IJournalTarget? target = null)
    {
        Path = path;
        _handle = handle;
        _target = target;
        _length = length;
        _nextSeq = nextSeq;
        _time = time;
        _json = new Utf8JsonWriter(_line, JsonOptions);
    }

    /// <summary>Creates a new journal file, 0600 (<see cref="IOException"/> if it already exists), creating its
    /// parent directory (0700) if needed: see <see cref="PrivateFiles"/>.</summary>
    public static JournalWriter Create(string path, TimeProvider? time = null)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) PrivateFiles.CreateDirectory(directory);
        // Created (0600, and only if new) first, then opened for positional writes. FileShare.Read: status
        // commands may read the journal while a run writes it.
        PrivateFiles.Open(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read).Dispose();
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        // The file's name must survive a power loss too, not only its records.
        if (!string.IsNullOrEmpty(directory)) DirectorySync.Flush(directory);
        return new JournalWriter(path, handle, 0, 1, time ?? TimeProvider.System);
    }

    /// <summary>Opens an existing journal to continue it: cuts the file to <paramref name="validLength"/>
    /// (<see cref="JournalContents.ValidLength"/>: the end of the last good record, so a torn tail goes), flushes
    /// that to disk, and appends from there with seq <paramref name="nextSeq"/>.</summary>
    public static JournalWriter Continue(string path, long validLength, long nextSeq, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(validLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(nextSeq, 1);
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        try
        {
            var length = RandomAccess.GetLength(handle);
            // Longer than the file means the caller read some other file (or one replaced since): cutting
            // "up" would pad with zeros, so refuse rather than guess.
            if (validLength > length)
                throw new IOException($"{path}: cannot continue the journal at byte {validLength}: the file has only {length} bytes (was it changed since it was read?)");
            if (validLength < length) RandomAccess.SetLength(handle, validLength);
            RandomAccess.FlushToDisk(handle);
            return new JournalWriter(path, handle, validLength, nextSeq, time ?? TimeProvider.System);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>A journal whose lines (built exactly as in a file, checksum included) go to <paramref name="target"/>
    /// instead of a file: a run store's run, continued at <paramref name="nextSeq"/>. <paramref name="path"/> only
    /// names it (and places the run's local step files).</summary>
    public static JournalWriter ToTarget(string path, IJournalTarget target, long nextSeq, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nextSeq, 1);
        return new JournalWriter(path, null, 0, nextSeq, time ?? TimeProvider.System, target);
    }

    public string Path { get; }

    /// <summary>Checked before every append, under the writer's lock: it throws (nothing is written, the seq is not
    /// used) when this process no longer holds the run, so a runner that lost its lease writes nothing more.</summary>
    public JournalWriter Fenced(Action fence)
    {
        lock (_gate) _fence = fence;
        return this;
    }

    /// <summary>Bytes written so far.</summary>
    public long Length
    {
        get { lock (_gate) return _length; }
    }

    /// <summary>The seq the next <see cref="Append"/> will write.</summary>
    public long NextSeq
    {
        get { lock (_gate) return _nextSeq; }
    }

    /// <summary>Appends <c>{"seq":N,"type":type,"at":"…",…fields}</c> as one line with one write, and flushes
    /// it to disk before returning its seq. Thread-safe: concurrent appends are serialised, and seqs follow
    /// the order the lines have in the file. <paramref name="fields"/> writes properties into the open object
    /// (not <c>seq</c>, <c>type</c> or <c>at</c>: the reader takes the first of each) and must not append to
    /// this journal itself. If it throws, nothing is written and the seq is not used. If the write or the flush
    /// fails, the writer refuses further appends: the file's end is then unknown, and only
    /// <see cref="JournalReader"/> + <see cref="Continue"/> can tell where the good records end.
    /// With <paramref name="flush"/> false the record is written (one write: a killed process cannot tear
    /// it, the kernel has it) but not yet flushed to disk: the next flushed record's fsync carries it. A
    /// caller uses that for records nothing outside the process depends on until the next flushed one.</summary>
    public long Append(string type, Action<Utf8JsonWriter>? fields = null, bool flush = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Lock is re-entrant, so a callback appending would otherwise overwrite the half-built line.
            if (_building) throw new InvalidOperationException("A journal fields callback cannot append to the same journal.");
            if (_failed is not null)
                throw new IOException($"{Path}: an earlier append failed ({_failed.Message}); read the journal again and continue it to append more.", _failed);

            _fence?.Invoke();
            var seq = _nextSeq;
            var line = Build(seq, type, fields);
            try
            {
                if (_target is not null) _target.Write(seq, line, flush);
                else
                {
                    RandomAccess.Write(_handle!, line, _length);
                    if (flush) RandomAccess.FlushToDisk(_handle!);
                }
            }
            catch (Exception e)
            {
                _failed = e;
                throw;
            }
            _length += line.Length;
            _nextSeq = seq + 1;
            return seq;
        }
    }

    /// <summary>The whole line in <see cref="_line"/>: room for the checksum, the JSON, the newline; then the
    /// checksum written into the room left for it.</summary>
    private ReadOnlySpan<byte> Build(long seq, string type, Action<Utf8JsonWriter>? fields)
    {
        _line.ResetWrittenCount();
        _line.GetSpan(JournalLine.PrefixLength);
        _line.Advance(JournalLine.PrefixLength);
        _json.Reset(); // drops anything a callback that threw last time left pending

        _json.WriteStartObject();
        _json.WriteNumber(SeqName, seq);
        _json.WriteString(TypeName, type);
        Span<byte> at = stackalloc byte[32];
        _time.GetUtcNow().UtcDateTime.TryFormat(at, out var atLength, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        _json.WriteString(AtName, at[..atLength]);
        if (fields is not null)
        {
            _building = true;
            try { fields(_json); }
            finally { _building = false; }
        }
        _json.WriteEndObject();
        _json.Flush();

        _line.GetSpan(1)[0] = JournalLine.NewLine;
        _line.Advance(1);

        // ArrayBufferWriter only hands out its written bytes read-only; the checksum goes into bytes it owns
        // and that nothing else reads until the write below, so writing through them is safe.
        var bytes = MemoryMarshal.AsMemory(_line.WrittenMemory).Span;
        JournalLine.WritePrefix(Crc32.HashToUInt32(bytes[JournalLine.PrefixLength..^1]), bytes);
        return bytes;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _json.Dispose();
            _handle?.Dispose();
            _target?.Dispose();
        }
    }
}
