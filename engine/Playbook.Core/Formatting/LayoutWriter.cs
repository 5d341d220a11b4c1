using System.Collections.Immutable;
using Playbook.Syntax;
using Playbook.Text;

namespace Playbook.Formatting;

/// <summary>Lays out the tokens of a parsed playbook in the canonical layout (grammar/README.md, "Layout
/// and `playbook fmt`"). The tree says where statements and blocks are; the tokens give the text, which is
/// copied unchanged: only the whitespace between tokens is decided here.</summary>
internal sealed class LayoutWriter
{
    private const int IndentWidth = 2;

    /// <summary>Spaces between a statement's code and its trailing comment (at least; comments on
    /// consecutive lines line up).</summary>
    private const int CommentGap = 2;

    private readonly SourceFile _source;
    private readonly List<FormatToken> _tokens;
    private readonly Dictionary<int, int> _byStart = new();
    private readonly Dictionary<int, int> _byEnd = new();
    private readonly List<OutputLine> _lines = new();
    private OutputLine? _current;
    private FormatToken? _previous;

    /// <summary>Offsets of statements inside a leaf statement (a simulate's settings): two spaces before them.</summary>
    private readonly HashSet<int> _statementStarts = new();

    /// <summary>Set while a transition of a multi-line block is written, so its arrow is remembered for alignment.</summary>
    private bool _markArrow;

    private LayoutWriter(SourceFile source, List<FormatToken> tokens)
    {
        _source = source;
        _tokens = tokens;
        for (var i = 0; i < tokens.Count; i++)
        {
            _byStart[tokens[i].Start] = i;
            _byEnd[tokens[i].End] = i;
        }
    }

    public static string Write(SourceFile source, PlaybookSyntax tree)
    {
        var writer = new LayoutWriter(source, FormatLexer.Tokenize(source.Text));
        writer.WritePlaybook(tree);
        return writer.Render();
    }

    private sealed class OutputLine
    {
        public int Indent;
        public readonly System.Text.StringBuilder Code = new();
        public string? Comment;
        public int? ArrowAt;
        public bool Blank;

        public bool Multiline => Code.ToString().Contains('\n');
    }

    // ---- structure --------------------------------------------------------------------------------

    private void WritePlaybook(PlaybookSyntax tree)
    {
        var first = StartOf(tree.Span);
        WriteLooseComments(0, first);
        var (open, close) = Block(tree.Name.Span.End, tree.Span);
        WriteTokens(first, open, 0);
        WriteBlock(open, close, tree.Members, 0, forceMultiline: true);
        WriteLooseComments(close + 1, _tokens.Count);
        EndLine();
    }

    /// <summary>Comments outside the playbook (before it or after its closing brace).</summary>
    private void WriteLooseComments(int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var token = _tokens[i];
            if (token.Kind != FormatTokenKind.Comment) throw Bug($"unexpected '{token.Text}' outside the playbook");
            WriteComment(token, 0, allowBlank: _lines.Count > 0 || _current is not null);
        }
    }

    private void WriteComment(FormatToken token, int indent, bool allowBlank)
    {
        if (token.NewlinesBefore == 0 && _current is not null)
        {
            _current.Comment = token.Text;
            EndLine();
            return;
        }
        EndLine();
        if (allowBlank && token.NewlinesBefore >= 2) Blank();
        StartLine(indent);
        _current!.Code.Append(token.Text);
        EndLine();
    }

    private void WriteClause(ClauseSyntax clause, int indent)
    {
        // The settings inside a one-line simulate { } are set apart like the statements of a one-line block.
        if (clause is SimulateSyntax simulate)
        {
            foreach (var item in simulate.Items) _statementStarts.Add(item.Span.Start);
        }
        var first = StartOf(clause.Span);
        if (BlockOf(clause) is { } block)
        {
            WriteTokens(first, block.Open, indent);
            WriteBlock(block.Open, block.Close, BodyOf(clause), indent, forceMultiline: false);
            return;
        }
        WriteTokens(first, EndOf(clause.Span) + 1, indent);
    }

    private void WriteBlock(int open, int close, ImmutableArray<ClauseSyntax> body, int indent, bool forceMultiline)
    {
        if (body.IsDefault) body = ImmutableArray<ClauseSyntax>.Empty;
        var clauses = new Dictionary<int, ClauseSyntax>();
        foreach (var clause in body) clauses[StartOf(clause.Span)] = clause;

        if (_current is null) StartLine(indent);
        Append(_tokens[open]);
        if (!forceMultiline && IsInline(open, close))
        {
            WriteInlineBody(open, close, clauses, indent);
            return;
        }

        ClauseSyntax? previous = null;
        var firstItem = true;
        for (var i = open + 1; i < close;)
        {
            var token = _tokens[i];
            if (token.Is(";")) { i++; continue; }
            if (token.Kind == FormatTokenKind.Comment)
            {
                if (token.NewlinesBefore == 0 && _current is not null)
                {
                    WriteComment(token, indent + 1, allowBlank: false);
                    i++;
                    continue;
                }
                // Own-line comments right above a statement (no blank line between) belong to it: a blank line
                // the statement needs goes above them.
                var owner = AttachedClause(i, close, clauses);
                var blank = !firstItem && (token.NewlinesBefore >= 2 || owner is not null && NeedsBlankBetween(previous, owner));
                EndLine();
                if (blank) Blank();
                StartLine(indent + 1);
                _current!.Code.Append(token.Text);
                EndLine();
                firstItem = false;
                i++;
                if (owner is not null)
                {
                    while (_tokens[i].Kind == FormatTokenKind.Comment)
                    {
                        WriteComment(_tokens[i], indent + 1, allowBlank: false);
                        i++;
                    }
                    WriteItem(owner, indent + 1, blank: false);
                    previous = owner;
                    i = EndOfClause(owner) + 1;
                }
                continue;
            }
            if (!clauses.TryGetValue(i, out var clause)) throw Bug($"'{token.Text}' at offset {token.Start} is not part of a statement");
            WriteItem(clause, indent + 1, blank: !firstItem && (token.NewlinesBefore >= 2 || NeedsBlankBetween(previous, clause)));
            firstItem = false;
            previous = clause;
            i = EndOfClause(clause) + 1;
        }
        EndLine();
        StartLine(indent);
        Append(_tokens[close], space: false);
    }

    private void WriteItem(ClauseSyntax clause, int indent, bool blank)
    {
        EndLine();
        if (blank) Blank();
        // Only a transition on one line takes part in arrow alignment.
        _markArrow = clause is TransitionSyntax or WhenSyntax or ElseSyntax
            && _source.GetPosition(clause.Span.Start).Line == _source.GetPosition(clause.Span.End).Line;
        WriteClause(clause, indent);
        _markArrow = false;
    }

    /// <summary>The statement that the own-line comments starting at token <paramref name="i"/> sit right above, if any.</summary>
    private ClauseSyntax? AttachedClause(int i, int close, Dictionary<int, ClauseSyntax> clauses)
    {
        var j = i + 1;
        while (j < close && _tokens[j].Kind == FormatTokenKind.Comment)
        {
            if (_tokens[j].NewlinesBefore != 1) return null;
            j++;
        }
        return j < close && _tokens[j].NewlinesBefore == 1 && clauses.TryGetValue(j, out var clause) ? clause : null;
    }

    /// <summary>A block written on one line (and holding no comment) stays on one line: <c>{ a  b }</c>.</summary>
    private void WriteInlineBody(int open, int close, Dictionary<int, ClauseSyntax> clauses, int indent)
    {
        var first = true;
        for (var i = open + 1; i < close;)
        {
            var token = _tokens[i];
            if (token.Is(";")) { i++; continue; }
            if (!clauses.TryGetValue(i, out var clause)) throw Bug($"'{token.Text}' at offset {token.Start} is not part of a statement");
            if (!first) _current!.Code.Append("  ");
            _previous = first ? _previous : null;
            WriteClause(clause, indent);
            first = false;
            i = EndOfClause(clause) + 1;
        }
        Append(_tokens[close], space: true);
    }

    private bool IsInline(int open, int close)
    {
        if (_source.GetPosition(_tokens[open].Start).Line != _source.GetPosition(_tokens[close].Start).Line) return false;
        for (var i = open + 1; i < close; i++)
        {
            if (_tokens[i].Kind == FormatTokenKind.Comment) return false;
        }
        return true;
    }

    /// <summary>A state written over several lines is set off by a blank line from what comes before and after it.</summary>
    private bool NeedsBlankBetween(ClauseSyntax? previous, ClauseSyntax next) =>
        previous is not null && (IsMultilineBlock(previous) || IsMultilineBlock(next));

    private bool IsMultilineBlock(ClauseSyntax clause) => BlockOf(clause) is { } block && !IsInline(block.Open, block.Close);

    private (int Open, int Close)? BlockOf(ClauseSyntax clause) => clause switch
    {
        EndSyntax => null,
        PhaseSyntax phase => Block(Math.Max(HeaderEnd(phase), phase.Within?.Span.End ?? 0), phase.Span),
        StateSyntax state => Block(HeaderEnd(state), state.Span),
        CleanupSyntax cleanup => Block(Math.Max(cleanup.Keyword.Span.End, cleanup.Title?.Span.End ?? 0), cleanup.Span),
        _ => null,
    };

    private static int HeaderEnd(StateSyntax state) => Math.Max(state.Name.Span.End, state.Title?.Span.End ?? 0);

    private static ImmutableArray<ClauseSyntax> BodyOf(ClauseSyntax clause) => clause switch
    {
        StateSyntax state => state.Body,
        CleanupSyntax cleanup => cleanup.Body,
        _ => ImmutableArray<ClauseSyntax>.Empty,
    };

    /// <summary>The braces of a block: the first '{' after the header, and the '}' the node's span ends with.</summary>
    private (int Open, int Close) Block(int headerEnd, TextSpan span)
    {
        var open = -1;
        for (var i = StartOf(span); i < _tokens.Count && _tokens[i].Start < span.End; i++)
        {
            if (_tokens[i].Start >= headerEnd && _tokens[i].Is("{")) { open = i; break; }
        }
        var close = EndOf(span);
        if (open < 0 || !_tokens[close].Is("}")) throw Bug($"no braces found for the block at offset {span.Start}");
        return (open, close);
    }

    private int EndOfClause(ClauseSyntax clause) => EndOf(clause.Span);

    private int StartOf(TextSpan span) =>
        _byStart.TryGetValue(span.Start, out var i) ? i : throw Bug($"no token starts at offset {span.Start}");

    private int EndOf(TextSpan span) =>
        _byEnd.TryGetValue(span.End, out var i) ? i : throw Bug($"no token ends at offset {span.End}");

    // ---- tokens -----------------------------------------------------------------------------------

    /// <summary>Writes tokens [<paramref name="from"/>, <paramref name="to"/>) of one statement or block header.
    /// Line breaks the source has inside the statement are kept; a continuation line is indented one step
    /// more than the statement, plus one step per bracket still open.</summary>
    private void WriteTokens(int from, int to, int indent)
    {
        var depth = 0;
        for (var i = from; i < to; i++)
        {
            var token = _tokens[i];
            var closer = token.Is("}") || token.Is("]") || token.Is(")");
            var continuation = indent + (depth > 0 ? depth - (closer ? 1 : 0) : 1);
            if (token.Kind == FormatTokenKind.Comment)
            {
                WriteComment(token, continuation, allowBlank: true);
            }
            else if (_current is null)
            {
                StartLine(i == from ? indent : continuation);
                Append(token, space: false);
            }
            else if (i > from && token.NewlinesBefore > 0)
            {
                EndLine();
                if (token.NewlinesBefore >= 2) Blank();
                StartLine(continuation);
                Append(token, space: false);
            }
            else
            {
                Append(token);
            }
            if (token.Is("{") || token.Is("[") || token.Is("(")) depth++;
            else if (closer && depth > 0) depth--;
        }
    }

    private void Append(FormatToken token, bool? space = null)
    {
        var line = _current!;
        var gap = space switch
        {
            true => " ",
            false => "",
            null => line.Code.Length == 0 || _previous is null ? "" : Gap(_previous.Value, token),
        };
        if (_markArrow && token.Is("->")) line.ArrowAt = line.Code.Length;
        line.Code.Append(gap).Append(token.Text);
        _previous = token;
    }

    /// <summary>The space between two tokens on one line.</summary>
    private string Gap(FormatToken a, FormatToken b)
    {
        if (_statementStarts.Contains(b.Start) && !a.Is("{")) return "  ";
        if (b.Is(",") || b.Is(";") || b.Is("]") || b.Is(")") || a.Is("[") || a.Is("(")) return "";
        if (a.Is("..") || b.Is("..")) return "";
        if (a.Is(",") || a.Is(";")) return " ";
        if (a.Is("->") || b.Is("->") || a.Is("=") || b.Is("=") || a.Is(":") || b.Is(":")) return " ";
        if (a.Is("{") || b.Is("{") || b.Is("}") || b.Is("[")) return " ";
        // A js/cs prefix is glued to its fence; anything else keeps whether the source had a space.
        return b.SpaceBefore ? " " : "";
    }

    // ---- lines ------------------------------------------------------------------------------------

    private void StartLine(int indent)
    {
        EndLine();
        _current = new OutputLine { Indent = indent };
        _previous = null;
    }

    private void EndLine()
    {
        if (_current is null) return;
        _lines.Add(_current);
        _current = null;
    }

    /// <summary>One blank line, never two, never at the start.</summary>
    private void Blank()
    {
        EndLine();
        if (_lines.Count > 0 && !_lines[^1].Blank) _lines.Add(new OutputLine { Blank = true });
    }

    private string Render()
    {
        EndLine();
        AlignArrows();
        AlignComments();
        var sb = new System.Text.StringBuilder();
        foreach (var line in _lines)
        {
            if (!line.Blank)
            {
                var code = line.Code.ToString();
                if (code.Length > 0) sb.Append(' ', line.Indent * IndentWidth).Append(code);
                if (line.Comment is { } comment)
                {
                    if (code.Length > 0) sb.Append(' ', CommentGap);
                    else sb.Append(' ', line.Indent * IndentWidth);
                    sb.Append(comment);
                }
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The arrows of consecutive one-line transitions (and a decide's when/else) at one indentation line up.</summary>
    private void AlignArrows()
    {
        for (var start = 0; start < _lines.Count;)
        {
            var end = start;
            while (end < _lines.Count && IsArrowLine(_lines[end]) && _lines[end].Indent == _lines[start].Indent) end++;
            if (end == start) { start++; continue; }
            var column = _lines.Skip(start).Take(end - start).Max(l => l.ArrowAt!.Value);
            for (var i = start; i < end; i++)
            {
                var line = _lines[i];
                line.Code.Insert(line.ArrowAt!.Value, " ", column - line.ArrowAt.Value);
            }
            start = end;
        }
    }

    private static bool IsArrowLine(OutputLine line) => !line.Blank && line.ArrowAt is not null && !line.Multiline;

    /// <summary>Trailing comments of consecutive lines start in one column (each at least <see cref="CommentGap"/>
    /// spaces after its code).</summary>
    private void AlignComments()
    {
        for (var start = 0; start < _lines.Count;)
        {
            var end = start;
            while (end < _lines.Count && IsTrailingCommentLine(_lines[end])) end++;
            if (end == start) { start++; continue; }
            var column = _lines.Skip(start).Take(end - start).Max(Width);
            for (var i = start; i < end; i++) _lines[i].Code.Append(' ', column - Width(_lines[i]));
            start = end;
        }

        static int Width(OutputLine line) => line.Indent * IndentWidth + line.Code.Length;
    }

    private static bool IsTrailingCommentLine(OutputLine line) => !line.Blank && line.Comment is not null && line.Code.Length > 0 && !line.Multiline;

    private static FormatterBugException Bug(string message) => new(message);
}

/// <summary>The formatter met a tree or token layout it does not expect: the file is left as it is.</summary>
internal sealed class FormatterBugException(string message) : Exception(message);
