using System.Text;
using Playbook.Diagnostics;
using Playbook.Text;

namespace Playbook.Parsing;

/// <summary>Turns a file's bytes into text, or into a diagnostic saying why they are not a playbook.</summary>
public static class SourceLoader
{
    /// <summary>Large enough for any real playbook (the 10 000-line benchmark is ~350 KB); a 10 MB file is refused with a message, not parsed.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static (SourceFile Source, Diagnostic? Problem) FromBytes(string path, byte[] bytes)
    {
        if (bytes.Length > MaxBytes)
        {
            var source = new SourceFile(path, "");
            return (source, TooLarge(source, bytes.Length));
        }

        var offset = bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }) ? 3 : 0;
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes, offset, bytes.Length - offset);
        }
        catch (DecoderFallbackException e)
        {
            // Point at the first bad byte: decode what comes before it leniently to find its line and column.
            var bad = Math.Clamp(e.Index >= 0 ? e.Index + offset : FirstInvalidUtf8(bytes, offset), offset, bytes.Length);
            var prefix = SourceFile.NormalizeLineBreaks(Encoding.UTF8.GetString(bytes, offset, bad - offset));
            var source = new SourceFile(path, prefix + "\uFFFD");
            return (source, DiagnosticCatalog.NotText.Create(source, new TextSpan(prefix.Length, 1), $"invalid UTF-8 (byte 0x{bytes[bad]:X2} at offset {bad})"));
        }

        // Positions below are in the text as SourceFile holds it, with line breaks normalized.
        text = SourceFile.NormalizeLineBreaks(text);
        var nul = text.IndexOf('\0');
        if (nul >= 0)
        {
            var source = new SourceFile(path, text[..nul] + " ");
            return (source, DiagnosticCatalog.NotText.Create(source, new TextSpan(nul, 1), "the file contains NUL bytes, so it looks binary"));
        }
        return (new SourceFile(path, text), null);
    }

    private static int FirstInvalidUtf8(byte[] bytes, int offset)
    {
        var decoder = StrictUtf8.GetDecoder();
        for (var i = offset; i < bytes.Length; i++)
        {
            try { decoder.GetCharCount(bytes, offset, i - offset + 1, flush: true); }
            catch (DecoderFallbackException) { return i; }
        }
        return offset;
    }

    public static Diagnostic TooLarge(SourceFile source, long size) =>
        DiagnosticCatalog.FileTooLarge.Create(source, new TextSpan(0, 0), FormatSize(size), FormatSize(MaxBytes));

    private static string FormatSize(long bytes) =>
        bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024.0):0.#} MiB" : $"{bytes / 1024.0:0.#} KiB";
}
