using System.Collections.Immutable;
using Playbook.Diagnostics;
using Playbook.Syntax;
using Playbook.Text;
using Sprache;

namespace Playbook.Parsing;

internal enum Blocks
{
    Playbook,
    Step,
    Decide,
    Wait,
    Manual,
    Parallel,
    Branch,
    Phase,
    Simulate,
    Foreach,
    Cleanup,
    ForeachSimulate,
}

internal sealed partial class PlaybookParser
{
    /// <summary>Words that begin a new declaration or state. Met inside a block that does not take
    /// them but whose enclosing block does, they mean the inner block lacks its closing brace.</summary>
    private static readonly HashSet<string> DeclarationWords = new(StringComparer.Ordinal)
    {
        "playbook", "title", "version", "owner", "tags", "rto", "rpo", "expressions", "lock", "input", "secret", "let", "start",
        "step", "decide", "wait", "manual", "parallel", "branch", "phase", "end", "join", "foreach", "cleanup",
    };

    private static string BlockName(Blocks kind) => kind switch
    {
        Blocks.Playbook => "at the top of a playbook",
        Blocks.Step => "in a step",
        Blocks.Decide => "in a decide",
        Blocks.Wait => "in a wait",
        Blocks.Manual => "in a manual step",
        Blocks.Parallel => "in a parallel",
        Blocks.Branch => "in a branch",
        Blocks.Phase => "in a phase",
        Blocks.Simulate => "in simulate { }",
        Blocks.Foreach => "in a foreach",
        Blocks.Cleanup => "in cleanup",
        Blocks.ForeachSimulate => "in a foreach's simulate { }",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a block with no name"),
    };

    // Indexed by Blocks, and the open blocks kept in an array: a Dictionary or List over an enum is framework code
    // that no ReadyToRun image holds, compiled at every start of the tool (tools/Playbook.Benchmarks/README.md).
    // ForeachSimulate is the last of Blocks (a new kind after it fails every parse at BuildTables, so no test passes).
    private readonly Dictionary<string, Parser<ClauseSyntax>>[] _tables = new Dictionary<string, Parser<ClauseSyntax>>[(int)Blocks.ForeachSimulate + 1];
    private Blocks[] _open = new Blocks[MaxNesting + 1];
    private int _openCount;

    private void BuildTables()
    {
        var step = State("step", Blocks.Step, (k, n, t, b, s) => new StepSyntax(k, n, t, b, s));
        var decide = State("decide", Blocks.Decide, (k, n, t, b, s) => new DecideSyntax(k, n, t, b, s));
        var wait = State("wait", Blocks.Wait, (k, n, t, b, s) => new WaitSyntax(k, n, t, b, s));
        var manual = State("manual", Blocks.Manual, (k, n, t, b, s) => new ManualSyntax(k, n, t, b, s));
        var parallel = State("parallel", Blocks.Parallel, (k, n, t, b, s) => new ParallelSyntax(k, n, t, b, s));
        var branch = State("branch", Blocks.Branch, (k, n, t, b, s) => new BranchSyntax(k, n, t, b, s));
        var foreachState = State("foreach", Blocks.Foreach, (k, n, t, b, s) => new ForeachSyntax(k, n, t, b, s));

        _tables[(int)Blocks.Playbook] = new()
        {
            ["title"] = MetadataString("title"), ["version"] = MetadataString("version"), ["owner"] = MetadataString("owner"),
            ["description"] = MetadataString("description"), ["tags"] = Tags,
            ["rto"] = Objective("rto"), ["rpo"] = Objective("rpo"), ["expressions"] = ExpressionsSetting,
            ["lock"] = LockSetting,
            ["input"] = Input, ["secret"] = Secret, ["let"] = Let, ["start"] = Start,
            ["step"] = step, ["decide"] = decide, ["wait"] = wait, ["manual"] = manual, ["parallel"] = parallel,
            ["phase"] = Phase, ["end"] = End, ["foreach"] = foreachState, ["cleanup"] = Cleanup,
        };
        _tables[(int)Blocks.Step] = new()
        {
            ["shell"] = Shell, ["exec"] = Exec, ["http"] = Http, ["script"] = Script, ["call"] = Call, ["notify"] = Notify,
            ["timeout"] = Timeout, ["retry"] = Retry, ["expect"] = Expect, ["capture"] = Capture, ["idempotent"] = Idempotent,
            ["readonly"] = Readonly,
            ["on"] = On, ["->"] = Arrow, ["simulate"] = Simulate, ["description"] = Description,
            ["env"] = Env, ["workdir"] = Workdir,
        };
        _tables[(int)Blocks.Decide] = new() { ["when"] = When, ["else"] = Else, ["description"] = Description };
        _tables[(int)Blocks.Wait] = new()
        {
            ["for"] = For, ["until"] = Until, ["probe"] = Probe, ["capture"] = Capture, ["timeout"] = Timeout,
            ["on"] = On, ["->"] = Arrow, ["simulate"] = Simulate, ["description"] = Description,
        };
        _tables[(int)Blocks.Manual] = new()
        {
            ["prompt"] = Prompt, ["choices"] = Choices, ["timeout"] = Timeout, ["on"] = On, ["->"] = Arrow, ["description"] = Description,
            ["approvers"] = Approvers, ["quorum"] = Quorum,
        };
        _tables[(int)Blocks.Parallel] = new()
        {
            ["branch"] = branch, ["join"] = Join, ["timeout"] = Timeout, ["on"] = On, ["->"] = Arrow, ["description"] = Description,
        };
        _tables[(int)Blocks.Branch] = new()
        {
            ["step"] = step, ["decide"] = decide, ["wait"] = wait, ["manual"] = manual, ["description"] = Description,
        };
        // A cleanup holds what a branch holds: its transitions stay inside it, and it has no end states.
        _tables[(int)Blocks.Cleanup] = new()
        {
            ["step"] = step, ["decide"] = decide, ["wait"] = wait, ["manual"] = manual, ["description"] = Description,
        };
        _tables[(int)Blocks.Phase] = new()
        {
            ["step"] = step, ["decide"] = decide, ["wait"] = wait, ["manual"] = manual, ["parallel"] = parallel,
            ["on"] = On, ["->"] = Arrow, ["description"] = Description, ["foreach"] = foreachState,
        };
        // A foreach's body holds what a branch holds, after its own settings.
        _tables[(int)Blocks.Foreach] = new()
        {
            ["each"] = Each, ["parallel"] = ForeachSetting("parallel", "how many items run at once"),
            ["max"] = ForeachSetting("max", "the most items the list may hold"), ["simulate"] = ForeachSimulate,
            ["step"] = step, ["decide"] = decide, ["wait"] = wait, ["manual"] = manual,
            ["on"] = On, ["->"] = Arrow, ["description"] = Description,
        };
        _tables[(int)Blocks.Simulate] = new() { ["duration"] = SimDuration, ["fail"] = SimFail, ["outputs"] = SimOutputs };
        _tables[(int)Blocks.ForeachSimulate] = new() { ["items"] = SimItemCount };
    }

    /// <summary>The statement keywords each block takes, read from the parser's own tables (built once for
    /// an empty text), so editors complete exactly what the parser accepts.</summary>
    internal static IReadOnlyDictionary<Blocks, IReadOnlyList<string>> StatementKeywords => s_statementKeywords.Value;

    private static readonly Lazy<IReadOnlyDictionary<Blocks, IReadOnlyList<string>>> s_statementKeywords = new(() =>
        new PlaybookParser(new SourceFile("", ""))._tables.Select((table, kind) => (Kind: (Blocks)kind, Table: table)).ToDictionary(
            t => t.Kind, t => (IReadOnlyList<string>)t.Table.Keys.Where(k => k != "->").ToArray()));

    // A class, not a struct: Sprache's Result<T> over a value type is compiled at every start (see ParsePlaybook).
    internal sealed record BlockContent(ImmutableArray<ClauseSyntax> Items, int End);

    /// <summary>Parses <c>{ statements }</c>. Never fails once the opening brace is there: a bad
    /// statement is reported and skipped up to the next statement, so one file reports every error.</summary>
    private IResult<BlockContent> ParseBracedBlock(IInput input, Blocks kind, string ownerKeyword, NameSyntax? ownerName, TextSpan ownerSpan)
    {
        // Only an error message needs the owner's description ("step 'tail'"): build it lazily.
        var owner = new BlockOwner(ownerKeyword, ownerName);
        var open = Symbol("{")(input);
        if (!open.WasSuccessful) return Result.Failure<BlockContent>(open.Remainder, open.Message, open.Expectations);
        if (_openCount == _open.Length) Array.Resize(ref _open, _open.Length * 2);
        _open[_openCount++] = kind;
        try
        {
            return ParseStatements((SourceInput)open.Remainder, kind, owner, ownerSpan, closeWithBrace: true);
        }
        finally
        {
            _openCount--;
        }
    }

    private readonly record struct BlockOwner(string Keyword, NameSyntax? Name)
    {
        public override string ToString() => Name is null ? Keyword : $"{Keyword} '{Name.Text}'";
    }

    // One builder per nesting depth, reused by every block at that depth: a block's items are copied
    // out once (ToImmutable) instead of a new builder growing 8 → 16 → … per block.
    private readonly List<ImmutableArray<ClauseSyntax>.Builder> _itemBuilders = new();
    private int _depth;

    private IResult<BlockContent> ParseStatements(SourceInput at, Blocks kind, BlockOwner owner, TextSpan ownerSpan, bool closeWithBrace)
    {
        if (_itemBuilders.Count <= _depth) _itemBuilders.Add(ImmutableArray.CreateBuilder<ClauseSyntax>(16));
        var items = _itemBuilders[_depth];
        items.Clear();
        _depth++;
        try
        {
            return ParseStatements(at, kind, owner, ownerSpan, closeWithBrace, items);
        }
        finally
        {
            _depth--;
        }
    }

    private IResult<BlockContent> ParseStatements(SourceInput at, Blocks kind, BlockOwner owner, TextSpan ownerSpan, bool closeWithBrace, ImmutableArray<ClauseSyntax>.Builder items)
    {
        var table = _tables[(int)kind];
        while (true)
        {
            if (at.AtEnd)
            {
                if (closeWithBrace)
                    _bag.Report(DiagnosticCatalog.UnclosedBlock, ownerSpan, owner.ToString(), "the end of the file");
                return Result.Success(new BlockContent(items.ToImmutable(), at.Position), at);
            }
            var c = at.Current;
            if (c == '}' && closeWithBrace)
            {
                var end = at.Position + 1;
                return Success(new BlockContent(items.ToImmutable(), end), at, end);
            }
            if (c == ';') { at = After(at, at.Position + 1); continue; }

            var key = StatementKey(at, table);
            if (key is not null && table.TryGetValue(key, out var parser))
            {
                var result = parser(at);
                if (result.WasSuccessful)
                {
                    items.Add(result.Value);
                    at = (SourceInput)result.Remainder;
                    continue;
                }
                ReportFailure(result.Remainder, result.Message, result.Expectations);
                at = Recover(Math.Max(result.Remainder.Position, at.Position), at.Position, table);
                continue;
            }

            if (key is not null && closeWithBrace && DeclarationWords.Contains(key) && EnclosingBlockTakes(key))
            {
                // e.g. a 'step' inside a step: the previous block's '}' is missing. Close it here so the
                // rest of the file still parses.
                _bag.Report(DiagnosticCatalog.UnclosedBlock, ownerSpan, owner,
                    $"the '{key}' at line {_source.GetPosition(at.Position).Line}");
                return Result.Success(new BlockContent(items.ToImmutable(), at.TokenEnd), at);
            }

            ReportUnknownStatement(at, key, kind, table);
            at = Recover(at.Position, at.Position, table);
        }
    }

    private bool EnclosingBlockTakes(string key)
    {
        for (var i = _openCount - 2; i >= 0; i--)
        {
            if (_tables[(int)_open[i]].ContainsKey(key)) return true;
        }
        return false;
    }

    /// <summary>The word a statement starts with: the keyword string itself when the block knows it
    /// (looked up by span, so the common case allocates nothing), else a new string.</summary>
    private string? StatementKey(SourceInput at, Dictionary<string, Parser<ClauseSyntax>> table)
    {
        var text = Text;
        var p = at.Position;
        if (p + 1 < text.Length && text[p] == '-' && text[p + 1] == '>') return "->";
        var end = Lexical.ScanWord(text, p);
        if (end == p) return null;
        var lookup = table.GetAlternateLookup<ReadOnlySpan<char>>();
        return lookup.TryGetValue(text.AsSpan(p, end - p), out var known, out _) ? known : text[p..end];
    }

    private void ReportUnknownStatement(SourceInput at, string? key, Blocks kind, Dictionary<string, Parser<ClauseSyntax>> table)
    {
        var allowed = string.Join(", ", table.Keys.Where(k => k != "->"));
        if (key is null)
        {
            var span = new TextSpan(at.Position, 1);
            _bag.Report(DiagnosticCatalog.UnexpectedInput, span, $"a statement ({allowed})", Lexical.Describe(Text, at.Position));
            return;
        }
        var keySpan = new TextSpan(at.Position, key.Length);
        var where = BlockName(kind);
        var suggestion = Spelling.Suggest(key, table.Keys.Where(k => k != "->"));
        string? otherwise = null;
        // 'choices approve "A" reject "B"': the second choice lost its comma and reads as a statement.
        if (kind == Blocks.Manual && key is "approve" or "reject")
        {
            suggestion = null;
            otherwise = $"choices are separated by ',': choices approve \"…\", reject \"…\" (add ',' before '{key}')";
        }
        if (suggestion is null && otherwise is null)
        {
            var home = _tables.Select((table, other) => (Blocks)other != kind && table.ContainsKey(key) ? BlockName((Blocks)other) : null)
                .FirstOrDefault(name => name is not null);
            otherwise = home is not null ? $"'{key}' belongs {home}" : $"allowed here: {allowed}";
        }
        _bag.ReportWithSuggestion(DiagnosticCatalog.UnknownStatement, keySpan, suggestion, otherwise, key, where);
    }

    /// <summary>Turns a Sprache failure into a diagnostic at the exact place it happened.</summary>
    private void ReportFailure(IInput at, string message, IEnumerable<string> expectations)
    {
        if (message == Reported) return;
        var position = at.Position;
        var bar = message.IndexOf('|');
        if (message.StartsWith("PB", StringComparison.Ordinal) && bar == 6)
        {
            var parts = message.Split('|', 3);
            var descriptor = DiagnosticCatalog.All.First(d => d.Id == parts[0]);
            var length = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            var args = parts[2].Split('\u0002');
            _bag.Report(descriptor, new TextSpan(position, Math.Max(1, length)), args);
            return;
        }
        var expected = expectations.Distinct().ToList();
        var what = expected.Count switch
        {
            0 => message.StartsWith("expected ", StringComparison.Ordinal) ? message["expected ".Length..] : message,
            1 => expected[0],
            _ => string.Join(", ", expected.Take(expected.Count - 1)) + " or " + expected[^1],
        };
        _bag.Report(DiagnosticCatalog.UnexpectedInput, TokenSpan(position), what, Lexical.Describe(Text, position));
    }

    private TextSpan TokenSpan(int position)
    {
        if (position >= Text.Length) return new TextSpan(Text.Length, 0);
        var end = Lexical.ScanWord(Text, position);
        if (end > position) return TextSpan.FromBounds(position, end);
        return new TextSpan(position, 1);
    }

    /// <summary>Skips the rest of a bad statement: up to the next line that starts with a word this
    /// block knows, a ';' or the block's closing '}' — stepping over strings, expressions and nested blocks.</summary>
    private SourceInput Recover(int from, int statementStart, Dictionary<string, Parser<ClauseSyntax>> table)
    {
        var text = Text;
        // A statement that broke at the end of its line (e.g. "retry 3 backoff" with the duration missing)
        // fails at the next line's first word: when that word starts a statement, resume right there.
        if (from > statementStart && from < text.Length && text.AsSpan(statementStart, from - statementStart).Contains('\n'))
        {
            var word = Lexical.ScanWord(text, from);
            var key = from + 1 < text.Length && text[from] == '-' && text[from + 1] == '>' ? "->" : text[from..word];
            if (text[from] == '}' || key.Length > 0 && (table.ContainsKey(key) || DeclarationWords.Contains(key)))
                return new SourceInput(_source, from, from);
        }
        var p = from;
        var depth = 0;
        var moved = false;
        while (p < text.Length)
        {
            var c = text[p];
            var skipped = Lexical.SkipOpaque(text, p);
            // An unclosed string or expression was reported already; skipping "to its end" would
            // swallow the rest of the file, so step over its opening character only.
            if (skipped >= text.Length && c is '`' or '"') skipped = p + 1;
            if (skipped != p) { p = skipped; moved = true; continue; }
            if (c == '{') { depth++; p++; moved = true; continue; }
            if (c == '}')
            {
                if (depth == 0)
                {
                    if (!moved && p == statementStart) { p++; continue; }
                    break;
                }
                depth--; p++; moved = true;
                continue;
            }
            if (depth == 0 && c == ';') { p++; break; }
            if (c == '\n')
            {
                p++;
                if (depth == 0)
                {
                    var next = Lexical.SkipTrivia(text, p);
                    if (next >= text.Length) { p = next; break; }
                    var word = Lexical.ScanWord(text, next);
                    var key = next + 1 < text.Length && text[next] == '-' && text[next + 1] == '>' ? "->" : text[next..word];
                    if (text[next] == '}' || (key.Length > 0 && (table.ContainsKey(key) || DeclarationWords.Contains(key))))
                    {
                        p = next;
                        break;
                    }
                }
                continue;
            }
            p++;
            moved = true;
        }
        if (p <= statementStart) p = Math.Min(text.Length, statementStart + 1);
        return new SourceInput(_source, Lexical.SkipTrivia(text, p), p);
    }
}
