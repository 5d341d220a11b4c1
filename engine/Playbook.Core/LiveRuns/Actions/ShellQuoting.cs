using System.Text;

namespace Playbook.LiveRuns.Actions;

/// <summary>Where a point in a bash script sits, as far as quoting goes.</summary>
internal enum ShellContext
{
    Unquoted,
    DoubleQuoted,
    SingleQuoted,
    /// <summary>Inside <c>$'…'</c>: like single quotes, except a backslash escapes.</summary>
    AnsiCQuoted,
    /// <summary>After a <c>#</c> that starts a word, up to the end of the line.</summary>
    Comment,
}

/// <summary>Follows bash's quoting through the literal text of a template, one part after another, so that
/// each <c>${…}</c> hole can be replaced by a variable reference that is correct where it lands.
/// It knows backslash escapes, '…', "…", $'…', comments and $( … ) (which starts a fresh quoting context,
/// even inside "…"); it does not follow here-documents or backquotes.</summary>
internal sealed class ShellQuoting
{
    // One frame per open $( … ): the context inside it, and how many '(' it has opened since.
    private sealed class Frame
    {
        public ShellContext Context;
        public int Parens;
        public bool IsSubstitution;
    }

    private readonly Stack<Frame> _frames = new();
    private bool _escaped;
    private char _previous = '\n';

    public ShellQuoting() => _frames.Push(new Frame { Context = ShellContext.Unquoted });

    public ShellContext Context => _frames.Peek().Context;

    /// <summary>Whether the text so far ends with a backslash that would escape whatever comes next.</summary>
    public bool EscapePending => _escaped;

    public void Feed(string literal)
    {
        for (var i = 0; i < literal.Length; i++)
        {
            var c = literal[i];
            var next = i + 1 < literal.Length ? literal[i + 1] : '\0';
            // An escaped character is plain word text: it neither starts a comment nor makes a $'.
            _previous = Step(c, next) ? 'x' : c;
        }
    }

    /// <summary>Called after a hole's reference has been written: it is a word character as far as the
    /// next literal's '#' is concerned, and it consumed no pending escape (the caller removed it).</summary>
    public void AfterHole()
    {
        _escaped = false;
        _previous = 'x';
    }

    /// <summary>Moves past one character; true when a backslash before it made it plain text.</summary>
    private bool Step(char c, char next)
    {
        var frame = _frames.Peek();
        if (_escaped)
        {
            _escaped = false;
            return true;
        }
        switch (frame.Context)
        {
            case ShellContext.Comment:
                if (c == '\n') frame.Context = ShellContext.Unquoted;
                return false;
            case ShellContext.SingleQuoted:
                if (c == '\'') frame.Context = ShellContext.Unquoted;
                return false;
            case ShellContext.AnsiCQuoted:
                if (c == '\\') _escaped = true;
                else if (c == '\'') frame.Context = ShellContext.Unquoted;
                return false;
            case ShellContext.DoubleQuoted:
                if (c == '\\') _escaped = true;
                else if (c == '"') frame.Context = ShellContext.Unquoted;
                else if (c == '$' && next == '(') OpenSubstitution();
                return false;
            default:
                Unquoted(frame, c, next);
                return false;
        }
    }

    private void Unquoted(Frame frame, char c, char next)
    {
        switch (c)
        {
            case '\\':
                _escaped = true;
                break;
            case '\'':
                frame.Context = _previous == '$' ? ShellContext.AnsiCQuoted : ShellContext.SingleQuoted;
                break;
            case '"':
                frame.Context = ShellContext.DoubleQuoted;
                break;
            case '#' when StartsWord(_previous):
                frame.Context = ShellContext.Comment;
                break;
            case '$' when next == '(':
                OpenSubstitution();
                break;
            case '(':
                frame.Parens++;
                break;
            case ')':
                if (frame.Parens > 0) frame.Parens--;
                else if (frame.IsSubstitution) _frames.Pop();
                break;
        }
    }

    // The '(' after '$' is consumed by the new frame: Step sees it next and counts it, so start one below.
    private void OpenSubstitution() => _frames.Push(new Frame { Context = ShellContext.Unquoted, Parens = -1, IsSubstitution = true });

    private static bool StartsWord(char previous) => char.IsWhiteSpace(previous) || previous is ';' or '&' or '|' or '(' or ')' or '<' or '>';
}
