using System.Text;

namespace Playbook.Shell;

/// <summary>The one analysis of where each <c>${…}</c> hole of a <c>shell "…"</c> template stands, shared by
/// the checker (which refuses a value that could become code there) and the renderer of real runs (which
/// refers to the value in a way that suits its quoting). It follows bash's quoting ('…', "…", $'…',
/// backslashes, comments), command substitutions <c>$(…)</c>, <c>&lt;(…)</c> and backquotes, arithmetic
/// (<c>$((…))</c>, <c>((…))</c>, <c>$[…]</c>, array subscripts, substring offsets, and through
/// <see cref="ShellCommandWords"/> <c>let</c>, <c>[[ -gt ]]</c> and <c>declare -i</c>), here-documents
/// (quoted or not, <c>&lt;&lt;-</c>) and the words that a nested shell parses again. What it cannot
/// follow (a value piped into <c>bash</c>) it does not claim to.</summary>
public static class ShellContextAnalysis
{
    /// <summary>Stands for a hole in the text being scanned (a private-use character).</summary>
    public const char HoleMark = '\uE000';

    /// <summary>Analyses a template given as its parts: literal text, and null for each hole. Returns one
    /// context per hole, in order.</summary>
    public static IReadOnlyList<ShellHoleContext> Analyze(IEnumerable<string?> parts)
    {
        var text = new StringBuilder();
        var holes = new List<int>();
        foreach (var part in parts)
        {
            if (part is null)
            {
                holes.Add(text.Length);
                text.Append(HoleMark);
            }
            else text.Append(part);
        }
        var isHole = new bool[text.Length];
        foreach (var h in holes) isHole[h] = true;
        return new Scanner(text.ToString(), isHole, holes.Count).Run();
    }

    /// <summary>Deeper than this, text is not followed: every later hole is treated as parsed again.</summary>
    public const int MaxDepth = 64;

    private enum FrameKind
    {
        Top,
        Substitution,
        Backquote,
        Arithmetic,
        HereDoc,
    }

    private sealed record PendingDoc(string Delimiter, bool Quoted, bool StripTabs);

    private sealed class Frame
    {
        public required FrameKind Kind;
        public Frame? Parent;
        /// <summary>The word of the parent command this frame is part of (its danger carries over).</summary>
        public ShellWord? ParentWord;
        public ShellDanger Own;
        public string? OwnReason;

        // command frames
        public ShellQuoting Quoting = ShellQuoting.Unquoted;
        public int Parens;
        public List<ShellWord> Words = new();
        public ShellWord? Current;
        public bool InDoubleBracket;
        /// <summary>Words of the current command that are not prefixes like 'if' or '!'.</summary>
        public int CommandWords;
        public Queue<PendingDoc> Pending = new();
        public char Previous = ' ';

        // arithmetic
        public bool Bracket;
        public int Depth;

        // here-documents
        public PendingDoc? Doc;
        public bool AtLineStart = true;

        public bool IsCommand => Kind is FrameKind.Top or FrameKind.Substitution or FrameKind.Backquote;
    }

    private sealed record HoleRecord(ShellQuoting Quoting, Frame Frame, ShellWord? Word, ShellDanger Own, string? OwnReason, bool Escape);

    private sealed class Scanner
    {
        private readonly string _text;
        private readonly bool[] _isHole;
        private readonly List<HoleRecord> _holes;
        private readonly HashSet<string> _integers = new(StringComparer.Ordinal);
        private Frame _top = new() { Kind = FrameKind.Top };
        private bool _escaped;
        private int _depth;
        private bool _tooDeep;

        public Scanner(string text, bool[] isHole, int holes)
        {
            _text = text;
            _isHole = isHole;
            _holes = new List<HoleRecord>(holes);
        }

        private char At(int i) => i < _text.Length ? (_isHole[i] ? HoleMark : _text[i]) : '\0';

        public IReadOnlyList<ShellHoleContext> Run()
        {
            for (var i = 0; i < _text.Length; i++)
            {
                if (_isHole[i])
                {
                    Hole();
                    continue;
                }
                i = _top.Kind switch
                {
                    FrameKind.HereDoc => HereDocChar(i),
                    FrameKind.Arithmetic => ArithmeticChar(i),
                    _ => CommandChar(i),
                };
            }
            for (var f = _top; f is not null; f = f.Parent)
                if (f.IsCommand) EndCommand(f);
            return _holes.Select(Resolve).ToList();
        }

        private ShellHoleContext Resolve(HoleRecord hole)
        {
            var danger = ShellDanger.None;
            var reasons = new DangerReasons();
            void Add(ShellDanger d, string? reason)
            {
                if (d == ShellDanger.None) return;
                danger |= d;
                if (reason is not null) reasons.TryAdd(d, reason);
            }
            void AddWord(ShellWord? word)
            {
                if (word is null) return;
                foreach (var (d, r) in word.Reasons.All) Add(d, r);
            }
            Add(hole.Own, hole.OwnReason);
            AddWord(hole.Word);
            for (var f = hole.Frame; f is not null; f = f.Parent)
            {
                Add(f.Own, f.OwnReason);
                AddWord(f.ParentWord);
            }
            var context = new ShellHoleContext(hole.Quoting, danger, null, hole.Escape,
                hole.Word is { IsCommandWord: true, Holes.Count: 1 } w && w.Value == HoleMark.ToString());
            return context with { Reason = reasons.Get(context.Worst) };
        }

        // ---- holes -------------------------------------------------------------------------------

        private void Hole()
        {
            var f = _top;
            var escape = _escaped;
            _escaped = false;
            var own = ShellDanger.None;
            string? reason = null;
            ShellWord? word = null;
            ShellQuoting quoting;
            switch (f.Kind)
            {
                case FrameKind.HereDoc:
                    quoting = f.Doc!.Quoted ? ShellQuoting.QuotedHereDoc : ShellQuoting.HereDoc;
                    f.AtLineStart = false;
                    break;
                case FrameKind.Arithmetic:
                    quoting = ShellQuoting.Unquoted;
                    break;
                default:
                    quoting = f.Quoting;
                    if (quoting == ShellQuoting.Comment) break;
                    word = EnsureWord(f);
                    if (word.InSubscript) (own, reason) = (ShellDanger.Arithmetic, "an array subscript");
                    else if (word.InOffset) (own, reason) = (ShellDanger.Arithmetic, "a substring offset '${name:offset}'");
                    word.Append(HoleMark);
                    word.Holes.Add(_holes.Count);
                    word.Literal = false;
                    f.Previous = HoleMark;
                    break;
            }
            if (_tooDeep) (own, reason) = (ShellDanger.NestedShell, $"text nested more than {MaxDepth} levels deep, which is not analysed");
            _holes.Add(new HoleRecord(quoting, f, word, own, reason, escape));
        }

        // ---- commands ------------------------------------------------------------------------------

        private static ShellWord EnsureWord(Frame f) => f.Current ??= new ShellWord();

        private static void Append(Frame f, char c) => EnsureWord(f).Append(c);

        private void EndWord(Frame f)
        {
            if (f.Current is not { } word) return;
            f.Current = null;
            f.Words.Add(word);
            var prefix = word.Literal && word.Length <= 5 && word.Value is "!" or "{" or "if" or "then" or "elif" or "else" or "while" or "until" or "do" or "time";
            if (!prefix) f.CommandWords++;
            if (!word.Literal || word.Length != 2) return;
            if (word.Value == "[[" && f.CommandWords == 1) f.InDoubleBracket = true;
            else if (word.Value == "]]") f.InDoubleBracket = false;
        }

        private void EndCommand(Frame f)
        {
            EndWord(f);
            if (f.Words.Count > 0) ShellCommandWords.Classify(f.Words, _integers);
            f.Words = new List<ShellWord>();
            f.CommandWords = 0;
            f.InDoubleBracket = false;
        }

        private int CommandChar(int i)
        {
            var f = _top;
            var c = _text[i];
            var next = At(i + 1);
            var previous = f.Previous;
            f.Previous = c;
            if (_escaped)
            {
                _escaped = false;
                // A backslash-newline joins lines; any other escaped character is plain word text.
                if (c != '\n') Append(f, c);
                f.Previous = 'x';
                return i;
            }
            // The first backquote not escaped ends a `…`, whatever quotes are open inside it.
            if (f.Kind == FrameKind.Backquote && c == '`' && f.Quoting != ShellQuoting.Comment)
            {
                EndCommand(f);
                Pop();
                return i;
            }
            switch (f.Quoting)
            {
                case ShellQuoting.Comment:
                    if (c == '\n')
                    {
                        f.Quoting = ShellQuoting.Unquoted;
                        Newline(f);
                    }
                    return i;
                case ShellQuoting.SingleQuoted:
                    if (c == '\'') f.Quoting = ShellQuoting.Unquoted;
                    else Append(f, c);
                    return i;
                case ShellQuoting.AnsiCQuoted:
                    if (c == '\\') _escaped = true;
                    else if (c == '\'') f.Quoting = ShellQuoting.Unquoted;
                    else Append(f, c);
                    return i;
                case ShellQuoting.DoubleQuoted:
                    if (c == '\\') _escaped = true;
                    else if (c == '"') f.Quoting = ShellQuoting.Unquoted;
                    else if (c == '$' && next == '(') return OpenDollarParen(f, i);
                    else if (c == '$' && next == '[') return OpenArithmetic(f, i + 1, bracket: true, "'$[ ]'");
                    else if (c == '`') OpenBackquote(f);
                    else Append(f, c);
                    return i;
            }
            switch (c)
            {
                case '\\':
                    _escaped = true;
                    return i;
                case '\'':
                    var word = EnsureWord(f);
                    // $'…': the '$' stays in the word's text, which only classification reads.
                    if (previous == '$' && word.Length > 0) f.Quoting = ShellQuoting.AnsiCQuoted;
                    else f.Quoting = ShellQuoting.SingleQuoted;
                    return i;
                case '"':
                    EnsureWord(f);
                    f.Quoting = ShellQuoting.DoubleQuoted;
                    return i;
                case '#' when f.Current is null:
                    f.Quoting = ShellQuoting.Comment;
                    return i;
                case '$' when next == '(':
                    return OpenDollarParen(f, i);
                case '$' when next == '[':
                    return OpenArithmetic(f, i + 1, bracket: true, "'$[ ]'");
                case '`':
                    OpenBackquote(f);
                    return i;
                case '<' or '>' when next == '(':
                    EndWord(f);
                    Open(new Frame { Kind = FrameKind.Substitution, ParentWord = EnsureWord(f) });
                    f.Current!.Literal = false;
                    return i + 1;
                case '<' when next == '<' && At(i + 2) != '<':
                    EndWord(f);
                    return HereDocOperator(f, i);
                case '<' when next == '<':
                    EndWord(f);
                    return i + 2;
                case ' ' or '\t':
                    EndWord(f);
                    return i;
                case '\n':
                    EndWord(f);
                    Newline(f);
                    return i;
                case ';' or '&' or '|':
                    EndWord(f);
                    if (!f.InDoubleBracket) EndCommand(f);
                    return i;
                case '(' when f.Current is null && next == '(' && !f.InDoubleBracket:
                    EndCommand(f);
                    return OpenArithmetic(f, i + 1, bracket: false, "'(( ))'", inWord: false);
                case '(':
                    EndWord(f);
                    f.Parens++;
                    if (!f.InDoubleBracket) EndCommand(f);
                    return i;
                case ')':
                    EndWord(f);
                    if (f.Parens > 0)
                    {
                        f.Parens--;
                        if (!f.InDoubleBracket) EndCommand(f);
                    }
                    else if (f.Kind == FrameKind.Substitution)
                    {
                        EndCommand(f);
                        Pop();
                    }
                    return i;
                case '<' or '>':
                    EndWord(f);
                    return i;
                default:
                    Append(f, c);
                    return i;
            }
        }

        private void Newline(Frame f)
        {
            EndCommand(f);
            if (f.Pending.TryDequeue(out var doc)) Open(new Frame { Kind = FrameKind.HereDoc, Doc = doc, Own = ShellDanger.HereDoc, OwnReason = $"the here-document <<{doc.Delimiter}" });
        }

        /// <summary>At <c>&lt;&lt;</c>: reads the delimiter word (any quoting in it makes the body literal)
        /// and queues the body, which starts after the end of this line.</summary>
        private int HereDocOperator(Frame f, int i)
        {
            var j = i + 2;
            var strip = At(j) == '-';
            if (strip) j++;
            while (At(j) is ' ' or '\t') j++;
            var delimiter = new StringBuilder();
            var quoted = false;
            while (j < _text.Length)
            {
                if (_isHole[j])
                {
                    // A value in the delimiter could end the document anywhere.
                    _holes.Add(new HoleRecord(ShellQuoting.Unquoted, f, null, ShellDanger.HereDoc, "a here-document delimiter", false));
                    delimiter.Append(HoleMark);
                    j++;
                    continue;
                }
                var ch = _text[j];
                if (ch is ' ' or '\t' or '\n' or ';' or '&' or '|' or '<' or '>' or '(' or ')') break;
                if (ch is '\'' or '"')
                {
                    quoted = true;
                    var close = _text.IndexOf(ch, j + 1);
                    if (close < 0) close = _text.Length;
                    for (var k = j + 1; k < close; k++)
                    {
                        if (_isHole[k]) _holes.Add(new HoleRecord(ShellQuoting.Unquoted, f, null, ShellDanger.HereDoc, "a here-document delimiter", false));
                        delimiter.Append(At(k));
                    }
                    j = close + 1;
                    continue;
                }
                if (ch == '\\')
                {
                    quoted = true;
                    j++;
                    if (j < _text.Length) delimiter.Append(At(j));
                    j++;
                    continue;
                }
                delimiter.Append(ch);
                j++;
            }
            if (delimiter.Length > 0) f.Pending.Enqueue(new PendingDoc(delimiter.ToString(), quoted, strip));
            return j - 1;
        }

        private int OpenDollarParen(Frame f, int i)
        {
            if (At(i + 2) == '(') return OpenArithmetic(f, i + 2, bracket: false, "'$(( ))'");
            var word = EnsureWord(f);
            word.Literal = false;
            word.Append("$(");
            Open(new Frame { Kind = FrameKind.Substitution, ParentWord = word });
            return i + 1;
        }

        /// <summary>Opens an arithmetic frame; <paramref name="last"/> is the index of its opening '(' or '['.</summary>
        private int OpenArithmetic(Frame f, int last, bool bracket, string reason, bool inWord = true)
        {
            ShellWord? word = null;
            if (inWord && f.IsCommand)
            {
                word = EnsureWord(f);
                word.Literal = false;
                word.Append("$((");
            }
            Open(new Frame { Kind = FrameKind.Arithmetic, ParentWord = word, Bracket = bracket, Own = ShellDanger.Arithmetic, OwnReason = reason });
            return last;
        }

        private void OpenBackquote(Frame f)
        {
            ShellWord? word = null;
            if (f.IsCommand)
            {
                word = EnsureWord(f);
                word.Literal = false;
                word.Append('`');
            }
            Open(new Frame { Kind = FrameKind.Backquote, ParentWord = word, Own = ShellDanger.Backquote, OwnReason = "backquotes `…`" });
        }

        private void Open(Frame frame)
        {
            if (_depth >= MaxDepth)
            {
                _tooDeep = true;
                return;
            }
            _depth++;
            frame.Parent = _top;
            _top = frame;
        }

        private void Pop()
        {
            if (_top.Parent is null) return;
            _depth--;
            var closed = _top;
            _top = _top.Parent;
            // A here-document ends: the next one queued on the same line starts right after it.
            if (closed.Kind == FrameKind.HereDoc && _top.IsCommand && _top.Pending.TryDequeue(out var doc))
                Open(new Frame { Kind = FrameKind.HereDoc, Doc = doc, Own = ShellDanger.HereDoc, OwnReason = $"the here-document <<{doc.Delimiter}" });
        }

        // ---- arithmetic ----------------------------------------------------------------------------

        private int ArithmeticChar(int i)
        {
            var f = _top;
            var c = _text[i];
            var next = At(i + 1);
            if (_escaped)
            {
                _escaped = false;
                return i;
            }
            switch (c)
            {
                case '\\':
                    _escaped = true;
                    return i;
                case '$' when next == '(':
                    if (At(i + 2) == '(') return OpenArithmetic(f, i + 2, bracket: false, "'$(( ))'");
                    Open(new Frame { Kind = FrameKind.Substitution });
                    return i + 1;
                case '$' when next == '[':
                    return OpenArithmetic(f, i + 1, bracket: true, "'$[ ]'");
                case '`':
                    OpenBackquote(f);
                    return i;
                case '(':
                    f.Depth++;
                    return i;
                case ')' when f.Depth > 0:
                    f.Depth--;
                    return i;
                case ')' when !f.Bracket:
                    Pop();
                    return next == ')' ? i + 1 : i;
                case '[' when f.Bracket:
                    f.Depth++;
                    return i;
                case ']' when f.Bracket:
                    if (f.Depth > 0) f.Depth--;
                    else Pop();
                    return i;
                default:
                    return i;
            }
        }

        // ---- here-documents --------------------------------------------------------------------------

        private int HereDocChar(int i)
        {
            var f = _top;
            var doc = f.Doc!;
            if (f.AtLineStart)
            {
                f.AtLineStart = false;
                var start = i;
                if (doc.StripTabs)
                    while (start < _text.Length && _text[start] == '\t' && !_isHole[start]) start++;
                var end = _text.IndexOf('\n', start);
                if (end < 0) end = _text.Length;
                if (end - start == doc.Delimiter.Length && string.CompareOrdinal(_text, start, doc.Delimiter, 0, doc.Delimiter.Length) == 0
                    && Array.IndexOf(_isHole, true, start, end - start) < 0)
                {
                    _escaped = false;
                    Pop();
                    return end;
                }
            }
            var c = _text[i];
            if (c == '\n')
            {
                f.AtLineStart = true;
                _escaped = false;
                return i;
            }
            if (doc.Quoted) return i;
            if (_escaped)
            {
                _escaped = false;
                return i;
            }
            switch (c)
            {
                case '\\':
                    _escaped = true;
                    return i;
                case '$' when At(i + 1) == '(':
                    if (At(i + 2) == '(') return OpenArithmetic(f, i + 2, bracket: false, "'$(( ))'");
                    Open(new Frame { Kind = FrameKind.Substitution });
                    return i + 1;
                case '$' when At(i + 1) == '[':
                    return OpenArithmetic(f, i + 1, bracket: true, "'$[ ]'");
                case '`':
                    OpenBackquote(f);
                    return i;
                default:
                    return i;
            }
        }
    }
}
