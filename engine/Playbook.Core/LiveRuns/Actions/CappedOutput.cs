using System.Text;

namespace Playbook.LiveRuns.Actions;

/// <summary>Output kept up to a size, redacted as it arrives. <see cref="ReadAsync"/> reads a child's pipe to
/// its end, keeping the first <c>max</c> UTF-8 bytes of the redacted text and throwing the rest away (still
/// reading it, so the writer never blocks on a full pipe). The order is the point: text is redacted before
/// the cap cuts it, so a secret split by the cut (or by a read boundary) never leaves its first characters
/// behind. Until more text arrives, a tail one character shorter than the redactor's longest form is held
/// back, since it may be the start of a secret. What was kept can be taken at any time, also while a read
/// is still pending.</summary>
internal sealed class CappedOutput(int max, Redactor? redactor = null)
{
    private readonly Redactor _redactor = redactor ?? Redactor.None;
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder _kept = new();
    private readonly StringBuilder _pending = new();
    private readonly object _gate = new();
    private int _keptBytes;

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
            if (Truncated) return;
            // A multi-byte character split by the read stays in the decoder until its last byte comes.
            var chars = new char[_decoder.GetCharCount(bytes, flush: false)];
            _decoder.GetChars(bytes, chars, flush: false);
            _pending.Append(chars);
            var text = _pending.ToString();
            var safe = text.Length - Math.Max(0, _redactor.LongestForm - 1);
            if (safe > 0 && char.IsHighSurrogate(text[safe - 1])) safe--;
            if (safe <= 0) return;
            var redacted = new StringBuilder();
            _pending.Remove(0, _redactor.RedactStart(text, safe, redacted));
            Truncated = Append(_kept, ref _keptBytes, redacted.ToString());
        }
    }

    /// <summary>The kept text: the redacted text so far and the held-back tail, redacted as if the output
    /// ended here. When cut, a character split by the cut is dropped rather than shown as a replacement.</summary>
    public string Text()
    {
        lock (_gate)
        {
            if (Truncated || _pending.Length == 0) return _kept.ToString();
            var text = new StringBuilder().Append(_kept);
            var bytes = _keptBytes;
            var tail = new StringBuilder();
            _redactor.RedactStart(_pending.ToString(), _pending.Length, tail);
            Truncated = Append(text, ref bytes, tail.ToString());
            return text.ToString();
        }
    }

    /// <summary>Appends what fits in <c>max</c> bytes; true when some of <paramref name="piece"/> did not fit.</summary>
    private bool Append(StringBuilder into, ref int used, string piece)
    {
        var size = Encoding.UTF8.GetByteCount(piece);
        if (used + size <= max)
        {
            into.Append(piece);
            used += size;
            return false;
        }
        foreach (var rune in piece.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > max) break;
            into.Append(rune.ToString());
            used += rune.Utf8SequenceLength;
        }
        return true;
    }
}
