using System.Text;
using Playbook.Diagnostics;
using Playbook.Text;

namespace Playbook.Cli.Output;

/// <summary>The default, human-readable format, laid out like compiler output:
/// <code>
/// playbooks/x.playbook:12:14: error PB1001: 'verfy' is not a state or phase of this playbook
///    12 |     on ok -> verfy
///       |              ^^^^^
///       = help: did you mean 'verify'?
/// </code>
/// then a blank line after each diagnostic and a summary line at the end.</summary>
internal sealed class TextFormatter(bool color, int maxPerFile = LineReportFormatter.DefaultMaxPerFile) : LineReportFormatter(maxPerFile)
{
    private const string Reset = "\e[0m";
    private const string Bold = "\e[1m";
    private const string Red = "\e[1;31m";
    private const string Yellow = "\e[1;33m";
    private const string Cyan = "\e[1;36m";
    private const string Blue = "\e[1;34m";

    /// <summary>One diagnostic: header line, source snippet with carets, optional help line.
    /// Every line ends with '\n'.</summary>
    public override string Format(Diagnostic diagnostic)
    {
        var sb = new StringBuilder();
        var start = diagnostic.Start;
        var severity = diagnostic.Severity.ToLowerString();

        sb.Append(Paint(Bold, $"{DisplayPath.Escape(diagnostic.Source.Path)}:{start.Line}:{start.Column}:"));
        sb.Append(' ');
        sb.Append(Paint(SeverityColor(diagnostic.Severity), $"{severity} {diagnostic.Id}:"));
        sb.Append(' ');
        sb.Append(Paint(Bold, Sanitize(diagnostic.Message)));
        sb.Append('\n');

        var number = start.Line.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var gutterWidth = Math.Max(5, number.Length + 1);
        var blankGutter = new string(' ', gutterWidth + 1);

        // An empty file (or one that is not text) has no line worth showing.
        if (diagnostic.Source.Text.Length > 0)
        {
            var snippet = SourceSnippet.For(diagnostic);
            sb.Append(Paint(Blue, number.PadLeft(gutterWidth) + " |"));
            if (snippet.Text.Length > 0) sb.Append(' ').Append(Sanitize(snippet.Text));
            sb.Append('\n');
            sb.Append(Paint(Blue, blankGutter + "|"));
            sb.Append(' ');
            var (padding, carets) = CaretLine(snippet);
            sb.Append(padding).Append(Paint(SeverityColor(diagnostic.Severity), carets));
            sb.Append('\n');
        }

        if (diagnostic.Hint is { } hint)
        {
            sb.Append(Paint(Blue, blankGutter + "="));
            sb.Append(' ');
            sb.Append(Paint(Bold, "help:"));
            sb.Append(' ');
            sb.Append(Sanitize(hint));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    protected override string FormatHidden(string path, string text) => Paint(Bold, text) + "\n";

    /// <summary>Padding up to the start column (tabs kept, so the carets line up however wide the
    /// terminal shows a tab) followed by one '^' per character of the span on the shown line, at
    /// least one.</summary>
    internal static (string Padding, string Carets) CaretLine(SourceSnippet snippet)
    {
        var line = snippet.Text;
        var startIndex = snippet.StartIndex;
        var endIndex = snippet.EndIndex;

        var padding = new StringBuilder(startIndex);
        for (var i = 0; i < startIndex; i++)
        {
            if (char.IsLowSurrogate(line[i])) continue; // a surrogate pair is one character on screen
            padding.Append(line[i] == '\t' ? '\t' : ' ');
        }

        var count = 0;
        for (var i = startIndex; i < endIndex; i++)
        {
            if (!char.IsLowSurrogate(line[i])) count++;
        }
        return (padding.ToString(), new string('^', Math.Max(1, count)));
    }

    /// <summary>Replaces control characters (other than tab) one for one, so a file or message
    /// can never send escape sequences to the terminal and columns still line up.</summary>
    internal static string Sanitize(string text)
    {
        if (!text.Any(IsUnsafe)) return text;
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (IsUnsafe(chars[i])) chars[i] = '\uFFFD';
        }
        return new string(chars);

        static bool IsUnsafe(char c) => c != '\t' && char.IsControl(c);
    }

    private static string SeverityColor(Severity severity) => severity switch
    {
        Severity.Error => Red,
        Severity.Warning => Yellow,
        _ => Cyan,
    };

    private string Paint(string code, string text) => color ? code + text + Reset : text;
}
