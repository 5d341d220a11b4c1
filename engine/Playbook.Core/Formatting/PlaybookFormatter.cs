using System.Text;
using Playbook.Diagnostics;
using Playbook.Parsing;
using Playbook.Text;

namespace Playbook.Formatting;

/// <summary>What formatting one text gave: the formatted text, or why there is none.</summary>
/// <param name="Text">The text in the canonical layout; null when the input has syntax errors or could not
/// be laid out safely.</param>
/// <param name="Diagnostics">The syntax errors (and other parse diagnostics) that stopped it.</param>
/// <param name="InternalError">Set when the formatter failed its own check that the layout changes nothing
/// but whitespace (a bug in the formatter): the input must be left as it is.</param>
public sealed record FormatResult(string? Text, IReadOnlyList<Diagnostic> Diagnostics, string? InternalError = null)
{
    /// <summary>The text that was formatted, as given (BOM and line breaks included).</summary>
    public string Input { get; init; } = "";

    public bool Succeeded => Text is not null;

    /// <summary>True when the formatted text differs from the input: <c>fmt --check</c> lists the file.</summary>
    public bool Changed => Text is not null && !string.Equals(Text, Input, StringComparison.Ordinal);
}

/// <summary><c>playbook fmt</c>'s engine, for the command line and for editors: one canonical layout for a
/// playbook (the rules are in grammar/README.md). It lays out the parsed tree's tokens and changes only the
/// whitespace between them, keeps every comment, and before it returns a result it parses the result again
/// and checks that the tree (without positions) and the comments are exactly the input's.</summary>
public static class PlaybookFormatter
{
    /// <summary>Formats <paramref name="text"/> as read from a file (a BOM and CRLF line breaks are kept as the
    /// input has them); <paramref name="path"/> is the name diagnostics show.</summary>
    public static FormatResult Format(string text, string path = "playbook") => FormatText(text, path) with { Input = text };

    private static FormatResult FormatText(string text, string path)
    {
        var bom = text.StartsWith('\uFEFF');
        if (bom) text = text[1..];
        var crlf = UsesCrlf(text);
        var source = new SourceFile(path, text);
        var parse = PlaybookParser.Parse(source);
        if (parse.HasErrors || parse.Syntax is null) return new FormatResult(null, parse.Diagnostics);

        string laidOut;
        try
        {
            laidOut = LayoutWriter.Write(source, parse.Syntax);
        }
        catch (FormatterBugException e)
        {
            return new FormatResult(null, Array.Empty<Diagnostic>(), e.Message);
        }
        if (Verify(source, parse, laidOut) is { } problem) return new FormatResult(null, Array.Empty<Diagnostic>(), problem);

        if (crlf) laidOut = laidOut.Replace("\n", "\r\n", StringComparison.Ordinal);
        return new FormatResult(bom ? "\uFEFF" + laidOut : laidOut, Array.Empty<Diagnostic>());
    }

    /// <summary>Formats a file as <c>playbook fmt</c> reads it: with the limits and checks of every other
    /// command (size, UTF-8, no NUL, regular files only), whose diagnostics come back when it cannot be read.</summary>
    public static FormatResult FormatFile(string path)
    {
        var contents = BoundedFileReader.Read(path, SourceLoader.MaxBytes);
        if (contents.Bytes is not { } bytes) return Unreadable(path);
        var (_, problem) = SourceLoader.FromBytes(path, bytes);
        if (problem is not null) return new FormatResult(null, new[] { problem });
        var hasBom = bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF });
        var text = Encoding.UTF8.GetString(bytes, hasBom ? 3 : 0, bytes.Length - (hasBom ? 3 : 0));
        return Format(hasBom ? "\uFEFF" + text : text, path);
    }

    /// <summary>The diagnostic every command gives for a file it cannot read (PB0006, PB0007, PB0016).</summary>
    private static FormatResult Unreadable(string path) =>
        new(null, PlaybookDocument.Load(path).LoadProblem is { } problem ? new[] { problem } : Array.Empty<Diagnostic>());

    /// <summary>A file keeps its line breaks: CRLF when its first line break is CRLF (a checkout with
    /// core.autocrlf must not look unformatted), LF otherwise.</summary>
    private static bool UsesCrlf(string text)
    {
        var lf = text.IndexOf('\n');
        return lf > 0 && text[lf - 1] == '\r';
    }

    /// <summary>Null when <paramref name="laidOut"/> parses to the same tree and holds the same comments, in order.</summary>
    private static string? Verify(SourceFile original, ParseResult parse, string laidOut)
    {
        var again = PlaybookParser.Parse(new SourceFile(original.Path, laidOut));
        if (again.HasErrors || again.Syntax is null)
            return $"the formatted text does not parse ({again.Diagnostics.FirstOrDefault()?.Message ?? "no playbook"})";
        if (SyntaxDump.Of(parse.Syntax!) != SyntaxDump.Of(again.Syntax))
            return "the formatted text would not mean the same";
        if (!Comments(original.Text).SequenceEqual(Comments(laidOut), StringComparer.Ordinal))
            return "the formatted text would lose or change a comment";
        return null;
    }

    private static IEnumerable<string> Comments(string text) =>
        FormatLexer.Tokenize(text).Where(t => t.Kind == FormatTokenKind.Comment).Select(t => t.Text);
}
