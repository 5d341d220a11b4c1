using System.Collections.Immutable;
using Playbook.Syntax;
using Playbook.Text;
using Sprache;

namespace Playbook.Parsing;

/// <summary>One parser per statement. The block driver picks the parser by the statement's first
/// word, so a statement parser only ever fails inside its own statement, at the exact token.</summary>
internal sealed partial class PlaybookParser
{
    public static readonly string[] Outcomes = { "ok", "fail", "timeout", "approve", "reject" };
    public static readonly string[] HttpMethods = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS" };

    /// <summary>A first item and the rest (usually none) as one array, without LINQ on the hot path.</summary>
    private static ImmutableArray<T> Together<T>(T first, IEnumerable<T> rest)
    {
        if (rest is ICollection<T> { Count: 0 }) return ImmutableArray.Create(first);
        var builder = ImmutableArray.CreateBuilder<T>();
        builder.Add(first);
        builder.AddRange(rest);
        return builder.ToImmutable();
    }

    // One and two more nodes without a params array: nearly every statement computes its span this way.
    private static TextSpan Cover(SyntaxNode first, SyntaxNode? second) =>
        second is null ? first.Span : first.Span.Cover(second.Span);

    private static TextSpan Cover(SyntaxNode first, SyntaxNode? second, SyntaxNode? third) =>
        third is null ? Cover(first, second) : Cover(first, second).Cover(third.Span);

    private static TextSpan Cover(SyntaxNode first, params SyntaxNode?[] rest)
    {
        var span = first.Span;
        foreach (var node in rest)
        {
            if (node is not null) span = span.Cover(node.Span);
        }
        return span;
    }

    private Parser<StringSyntax?>? _optionalTitle;
    private Parser<StringSyntax?> OptionalTitle => _optionalTitle ??= String.XOptional().Select(o => o.IsDefined ? o.Get() : null);

    // ---- playbook-level ------------------------------------------------------------------------

    private Parser<ClauseSyntax> MetadataString(string keyword) =>
        from k in Keyword(keyword)
        from v in String
        select (ClauseSyntax)new MetadataSyntax(k, v, Cover(k, v));

    private Parser<ClauseSyntax>? _tags;
    private Parser<ClauseSyntax> Tags => _tags ??=
        from k in Keyword("tags")
        from first in TagValue
        from rest in Symbol(",").Then(_ => TagValue).XMany()
        select (ClauseSyntax)new MetadataSyntax(k,
            new ListSyntax(Together(first, rest), Cover(first, rest.LastOrDefault())),
            Cover(k, first, rest.LastOrDefault()));

    private Parser<ValueSyntax>? _tagValue;
    private Parser<ValueSyntax> TagValue => _tagValue ??= String.Select(s => (ValueSyntax)s)
        .XOr(NameOf("a tag (a string or a word)").Select(n => (ValueSyntax)new WordSyntax(n.Text, n.Span)));

    private Parser<ClauseSyntax> Objective(string keyword) =>
        from k in Keyword(keyword)
        from d in Duration
        select (ClauseSyntax)new ObjectiveSyntax(k, d, Cover(k, d));

    private Parser<ClauseSyntax>? _expressionsSetting;
    private Parser<ClauseSyntax> ExpressionsSetting => _expressionsSetting ??=
        from k in Keyword("expressions")
        from lang in OneOf("js or csharp", "js", "javascript", "csharp", "cs")
        select (ClauseSyntax)new ExpressionsSyntax(lang,
            lang.Text is "js" or "javascript" ? ExpressionLanguage.JavaScript : ExpressionLanguage.CSharp, Cover(k, lang));

    private Parser<ClauseSyntax>? _input;
    private Parser<ClauseSyntax> Input => _input ??=
        from k in Keyword("input")
        from name in NameOf("the input's name")
        from colon in Symbol(":")
        from type in NameOf("a type (string, int, number, bool or duration)")
        from def in Symbol("=").Then(_ => Value).XOptional()
        select (ClauseSyntax)new InputSyntax(name, type, def.GetOrDefault(), Cover(k, type, def.GetOrDefault()));

    private Parser<ClauseSyntax>? _secret;
    private Parser<ClauseSyntax> Secret => _secret ??=
        from k in Keyword("secret")
        from name in NameOf("the secret's name")
        from source in SecretSource.XOptional()
        select (ClauseSyntax)new SecretSyntax(name, Cover(k, name, source.GetOrDefault()), source.GetOrDefault());

    private Parser<SecretSourceSyntax>? _secretSource;
    private Parser<SecretSourceSyntax> SecretSource => _secretSource ??=
        from f in Keyword("from")
        from kind in OneOf("file or command", "file", "command")
        from value in String
        select new SecretSourceSyntax(kind, value, Cover(f, value));

    private Parser<ClauseSyntax> Let => ParseLet;

    private IResult<ClauseSyntax> ParseLet(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("let"), out var k) || !q.Next(NameOf("the value's name"), out var name)
            || !q.Next(Symbol("="), out _) || !q.Next(Value, out var value)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new LetSyntax(name, value, Cover(k, value)));
    }

    private Parser<ClauseSyntax>? _start;
    private Parser<ClauseSyntax> Start => _start ??=
        from k in Keyword("start")
        from target in NameOf("the name of the first state")
        select (ClauseSyntax)new StartSyntax(target, Cover(k, target));

    private Parser<ClauseSyntax>? _lock;
    private Parser<ClauseSyntax> LockSetting => _lock ??=
        from k in Keyword("lock")
        from name in String
        select (ClauseSyntax)new LockSyntax(k, name, Cover(k, name));

    // ---- settings shared by states -------------------------------------------------------------

    private Parser<ClauseSyntax> Timeout => ParseTimeout;

    private IResult<ClauseSyntax> ParseTimeout(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("timeout"), out var k) || !q.Next(Duration, out var d)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new TimeoutSyntax(d, Cover(k, d)));
    }

    private Parser<ClauseSyntax> Retry => ParseRetry;

    private IResult<ClauseSyntax> ParseRetry(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("retry"), out var k) || !q.Next(Number("the number of retries (like 3)"), out var count)) return q.Fail<ClauseSyntax>();
        DurationSyntax? backoff = null, max = null;
        NumberSyntax? factor = null;
        if (q.Optional(Keyword("backoff"), out _, out _) && !q.Next(Duration, out backoff)) return q.Fail<ClauseSyntax>();
        if (q.Optional(Factor, out var f, out var failed)) factor = f;
        else if (failed) return q.Fail<ClauseSyntax>();
        if (q.Optional(Keyword("max"), out _, out _) && !q.Next(Duration, out max)) return q.Fail<ClauseSyntax>();
        var jitter = q.Optional(Keyword("jitter"), out var j, out _);
        ExpressionSyntax? when = null;
        if (q.Optional(Keyword("when"), out _, out _) && !q.Next(Expression, out when)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new RetrySyntax(count, backoff, factor, max, jitter, Cover(k, count, backoff, factor, max, jitter ? j : null, when), when));
    }

    private Parser<ClauseSyntax> Expect => ParseExpect;

    private IResult<ClauseSyntax> ParseExpect(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("expect"), out var k) || !q.Next(Expression, out var e)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new ExpectSyntax(e, Cover(k, e)));
    }

    private Parser<ClauseSyntax> Capture => ParseCapture;

    private IResult<ClauseSyntax> ParseCapture(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("capture"), out var k) || !q.Next(NameOf("the capture's name"), out var name)) return q.Fail<ClauseSyntax>();
        NameSyntax? type = null;
        if (q.Optional(Symbol(":"), out _, out _) && !q.Next(NameOf("a type (string, int, number, bool, duration or list)"), out type)) return q.Fail<ClauseSyntax>();
        if (!q.Next(Symbol("="), out _) || !q.Next(Expression, out var e)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new CaptureSyntax(name, e, Cover(k, e), type));
    }

    private Parser<ClauseSyntax> Idempotent => ParseIdempotent;

    private IResult<ClauseSyntax> ParseIdempotent(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("idempotent"), out var k)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new IdempotentSyntax(k.Span));
    }

    private Parser<ClauseSyntax> Readonly => ParseReadonly;

    private IResult<ClauseSyntax> ParseReadonly(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("readonly"), out var k)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new ReadonlySyntax(k.Span));
    }

    private Parser<ClauseSyntax> Description => ParseDescription;

    private IResult<ClauseSyntax> ParseDescription(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("description"), out var k) || !q.Next(String, out var text)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new DescriptionSyntax(text, Cover(k, text)));
    }

    private Parser<NameSyntax>? _outcome;
    private Parser<NameSyntax> Outcome => _outcome ??= OneOf("an outcome (ok, fail, timeout, approve or reject)", Outcomes);

    private Parser<NameSyntax>? _target;
    private Parser<NameSyntax> Target => _target ??= NameOf("the name of a state or phase");

    private Parser<ClauseSyntax> On => ParseOn;

    private IResult<ClauseSyntax> ParseOn(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("on"), out var k) || !q.Next(Outcome, out var first)) return q.Fail<ClauseSyntax>();
        var outcomes = ImmutableArray.CreateBuilder<NameSyntax>(1);
        outcomes.Add(first);
        while (q.Optional(Symbol(","), out _, out _))
        {
            if (!q.Next(Outcome, out var more)) return q.Fail<ClauseSyntax>();
            outcomes.Add(more);
        }
        ExpressionSyntax? when = null;
        if (q.Optional(Keyword("when"), out _, out _) && !q.Next(Expression, out when)) return q.Fail<ClauseSyntax>();
        if (!q.Next(Symbol("->"), out _) || !q.Next(Target, out var target)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new TransitionSyntax(outcomes.ToImmutable(), when, target, Cover(k, target)));
    }

    private Parser<ClauseSyntax> Arrow => ParseArrow;

    private IResult<ClauseSyntax> ParseArrow(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Symbol("->"), out var arrow) || !q.Next(Target, out var target)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new TransitionSyntax(ImmutableArray<NameSyntax>.Empty, null, target, TextSpan.FromBounds(arrow.Span.Start, target.Span.End)));
    }

    // ---- actions -----------------------------------------------------------------------------------

    private Parser<ClauseSyntax> Shell => ParseShell;

    private IResult<ClauseSyntax> ParseShell(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("shell"), out var k) || !q.Next(String, out var command)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new ShellActionSyntax(k, command, Cover(k, command)));
    }

    private Parser<ClauseSyntax> Exec => ParseExec;

    /// <summary><c>exec [ "prog", "arg", … ]</c>: the list parser, then every item must be a string.</summary>
    private IResult<ClauseSyntax> ParseExec(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("exec"), out var k) || !q.Next(List, out var list)) return q.Fail<ClauseSyntax>();
        var arguments = ImmutableArray.CreateBuilder<StringSyntax>(list.Items.Length);
        foreach (var item in list.Items)
        {
            if (item is StringSyntax s) arguments.Add(s);
            else if (item is not MissingValueSyntax)
                _bag.Report(Diagnostics.DiagnosticCatalog.InvalidValue, item.Span, "each exec argument is a string in quotes, like \"--port\" or \"${port}\"");
        }
        return q.Done<ClauseSyntax>(new ExecActionSyntax(k, arguments.ToImmutable(), list.Items.IsEmpty, Cover(k, list)));
    }

    private Parser<ClauseSyntax> Env => ParseEnv;

    private IResult<ClauseSyntax> ParseEnv(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("env"), out var k) || !q.Next(Map, out var map)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new EnvSyntax(k, map, Cover(k, map)));
    }

    private Parser<ClauseSyntax> Workdir => ParseWorkdir;

    private IResult<ClauseSyntax> ParseWorkdir(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("workdir"), out var k) || !q.Next(String, out var path)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new WorkdirSyntax(k, path, Cover(k, path)));
    }

    private Parser<ClauseSyntax> Http => ParseHttp;

    private IResult<ClauseSyntax> ParseHttp(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("http"), out var k)
            || !q.Next(OneOf("an HTTP method (GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS)", HttpMethods), out var method)
            || !q.Next(String, out var url)) return q.Fail<ClauseSyntax>();
        var options = new List<HttpOption>();
        while (true)
        {
            if (q.Optional(Keyword("body"), out var b, out _))
            {
                if (!q.Next(String, out var v)) return q.Fail<ClauseSyntax>();
                options.Add(new HttpOption("body", v, Cover(b, v)));
            }
            else if (q.Optional(Keyword("header"), out var h, out _))
            {
                if (!q.Next(String, out var v)) return q.Fail<ClauseSyntax>();
                options.Add(new HttpOption("header", v, Cover(h, v)));
            }
            else break;
        }
        return q.Done<ClauseSyntax>(BuildHttp(k, method, url, options));
    }

    /// <summary>A <c>body</c> or <c>header</c> of an http step. A class, not a tuple, for the reason in ParsePlaybook.</summary>
    private sealed record HttpOption(string Kind, StringSyntax Value, TextSpan Span);

    private HttpActionSyntax BuildHttp(NameSyntax k, NameSyntax method, StringSyntax url, List<HttpOption> options)
    {
        StringSyntax? body = null;
        foreach (var o in options.Where(o => o.Kind == "body"))
        {
            if (body is not null)
                _bag.Report(Diagnostics.DiagnosticCatalog.DuplicateSetting, o.Span, "body", _source.GetPosition(body.Span.Start).Line);
            body ??= o.Value;
        }
        var headers = options.Where(o => o.Kind == "header").Select(o => new HttpHeaderSyntax(o.Value, o.Span)).ToImmutableArray();
        var span = options.Count > 0 ? k.Span.Cover(options[^1].Span) : Cover(k, url);
        return new HttpActionSyntax(k, method, url, body, headers, span);
    }

    private Parser<ClauseSyntax>? _script;
    private Parser<ClauseSyntax> Script => _script ??=
        from k in Keyword("script")
        from e in Expression
        select (ClauseSyntax)new ScriptActionSyntax(k, e, Cover(k, e));

    private Parser<ClauseSyntax>? _call;
    private Parser<ClauseSyntax> Call => _call ??=
        from k in Keyword("call")
        from name in NameOf("the name of the playbook to call")
        from args in Keyword("with").Then(_ => Map).XOptional()
        select (ClauseSyntax)new CallActionSyntax(k, name,
            args.IsDefined ? args.Get().Entries : ImmutableArray<MapEntrySyntax>.Empty,
            Cover(k, name, args.GetOrDefault()));

    private Parser<ClauseSyntax> Notify => ParseNotify;

    private IResult<ClauseSyntax> ParseNotify(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("notify"), out var k) || !q.Next(String, out var message)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new NotifyActionSyntax(k, message, Cover(k, message)));
    }

    private Parser<ClauseSyntax>? _probe;
    private Parser<ClauseSyntax> Probe => _probe ??=
        from k in Keyword("probe")
        from action in Shell.XOr(Exec).XOr(Http).XOr(Script).XOr(Call)
        select (ClauseSyntax)new ProbeSyntax((ActionSyntax)action, Cover(k, action));

    // ---- decide, wait, manual, parallel ------------------------------------------------------------

    private Parser<ClauseSyntax> When => ParseWhen;

    private IResult<ClauseSyntax> ParseWhen(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("when"), out var k) || !q.Next(Expression, out var e) || !q.Next(Symbol("->"), out _) || !q.Next(Target, out var target))
            return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new WhenSyntax(e, target, Cover(k, target)));
    }

    private Parser<ClauseSyntax>? _else;
    private Parser<ClauseSyntax> Else => _else ??=
        from k in Keyword("else")
        from arrow in Symbol("->")
        from target in Target
        select (ClauseSyntax)new ElseSyntax(target, Cover(k, target));

    private Parser<ClauseSyntax>? _for;
    private Parser<ClauseSyntax> For => _for ??=
        from k in Keyword("for")
        from d in Duration
        select (ClauseSyntax)new ForSyntax(d, Cover(k, d));

    private Parser<ClauseSyntax> Until => ParseUntil;

    private IResult<ClauseSyntax> ParseUntil(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("until"), out var k) || !q.Next(Expression, out var e)) return q.Fail<ClauseSyntax>();
        DurationSyntax? every = null;
        if (q.Optional(Keyword("every"), out _, out _) && !q.Next(Duration, out every)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new UntilSyntax(e, every, Cover(k, e, every)));
    }

    private Parser<ClauseSyntax> Prompt => ParsePrompt;

    private IResult<ClauseSyntax> ParsePrompt(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("prompt"), out var k) || !q.Next(String, out var text)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new PromptSyntax(text, Cover(k, text)));
    }

    private Parser<ChoiceSyntax>? _choice;
    private Parser<ChoiceSyntax> Choice => _choice ??=
        from outcome in OneOf("approve or reject", "approve", "reject")
        from label in OptionalTitle
        select new ChoiceSyntax(outcome, label, Cover(outcome, label));

    private Parser<ClauseSyntax>? _choices;
    private Parser<ClauseSyntax> Choices => _choices ??=
        from k in Keyword("choices")
        from first in Choice
        from rest in Symbol(",").Then(_ => Choice).XMany()
        select (ClauseSyntax)new ChoicesSyntax(Together(first, rest), Cover(k, first, rest.LastOrDefault()));

    private Parser<ClauseSyntax>? _approvers;
    private Parser<ClauseSyntax> Approvers => _approvers ??=
        from k in Keyword("approvers")
        from first in String
        from rest in Symbol(",").Then(_ => String).XMany()
        select (ClauseSyntax)new ApproversSyntax(Together(first, rest), Cover(k, first, rest.LastOrDefault()));

    private Parser<ClauseSyntax>? _quorum;
    private Parser<ClauseSyntax> Quorum => _quorum ??=
        from k in Keyword("quorum")
        from n in Number("how many different people must approve (like 2)")
        select (ClauseSyntax)new QuorumSyntax(n, Cover(k, n));

    private Parser<ClauseSyntax>? _join;
    private Parser<ClauseSyntax> Join => _join ??=
        from k in Keyword("join")
        from mode in OneOf("all, any or a number of branches", "all", "any").Select(n => (ValueSyntax)new WordSyntax(n.Text, n.Span))
            .XOr(Number("all, any or a number of branches").Select(n => (ValueSyntax)n))
        select (ClauseSyntax)new JoinSyntax(mode, Cover(k, mode));

    // ---- simulate ------------------------------------------------------------------------------------

    private Parser<ClauseSyntax> SimDuration => ParseSimDuration;

    private IResult<ClauseSyntax> ParseSimDuration(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("duration"), out var k) || !q.Next(Duration, out var min)) return q.Fail<ClauseSyntax>();
        DurationSyntax? max = null;
        if (q.Optional(Symbol(".."), out _, out _) && !q.Next(Duration, out max)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new SimulateSyntax(min, max ?? min, null, null, ImmutableArray.Create<ClauseSyntax>(new SimulateItemSyntax(k, k.Span)), Cover(k, min, max)));
    }

    private Parser<ClauseSyntax> SimFail => ParseSimFail;

    private IResult<ClauseSyntax> ParseSimFail(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("fail"), out var k) || !q.Next(Percent, out var p)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new SimulateSyntax(null, null, p, null, ImmutableArray.Create<ClauseSyntax>(new SimulateItemSyntax(k, k.Span)), Cover(k, p)));
    }

    private Parser<ClauseSyntax>? _simOutputs;
    private Parser<ClauseSyntax> SimOutputs => _simOutputs ??=
        from k in Keyword("outputs")
        from m in Map
        select (ClauseSyntax)new SimulateSyntax(null, null, null, m, ImmutableArray.Create<ClauseSyntax>(new SimulateItemSyntax(k, k.Span)), Cover(k, m));

    /// <summary><c>simulate { … }</c>: each setting parses to a partial SimulateSyntax; they are merged here.</summary>
    private Parser<ClauseSyntax>? _simulate;
    private Parser<ClauseSyntax> Simulate => _simulate ??= i =>
    {
        var k = Keyword("simulate")(i);
        if (!k.WasSuccessful) return Result.Failure<ClauseSyntax>(k.Remainder, k.Message, k.Expectations);
        var block = ParseBracedBlock(k.Remainder, Blocks.Simulate, "simulate", null, k.Value.Span);
        if (!block.WasSuccessful) return Result.Failure<ClauseSyntax>(block.Remainder, block.Message, block.Expectations);
        DurationSyntax? min = null, max = null;
        PercentSyntax? fail = null;
        MapSyntax? outputs = null;
        var items = ImmutableArray.CreateBuilder<ClauseSyntax>();
        foreach (var part in block.Value.Items)
        {
            if (part is not SimulateSyntax p) continue;
            min ??= p.MinDuration;
            max ??= p.MaxDuration;
            fail ??= p.Fail;
            outputs ??= p.Outputs;
            items.AddRange(p.Items);
        }
        var merged = new SimulateSyntax(min, max, fail, outputs, items.ToImmutable(), TextSpan.FromBounds(k.Value.Span.Start, block.Value.End));
        return Result.Success<ClauseSyntax>(merged, block.Remainder);
    };

    // ---- states ----------------------------------------------------------------------------------------

    private delegate StateSyntax StateFactory(NameSyntax keyword, NameSyntax name, StringSyntax? title, ImmutableArray<ClauseSyntax> body, TextSpan span);

    private Parser<ClauseSyntax> State(string keyword, Blocks kind, StateFactory make)
    {
        var nameParser = NameOf($"the {keyword}'s name");
        return i => ParseState(i, keyword, nameParser, kind, make);
    }

    private IResult<ClauseSyntax> ParseState(IInput input, string keyword, Parser<NameSyntax> nameParser, Blocks kind, StateFactory make)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword(keyword), out var k) || !q.Next(nameParser, out var name)) return q.Fail<ClauseSyntax>();
        q.Optional(String, out var title, out _);
        var block = ParseBracedBlock(q.At, kind, keyword, name, Cover(k, name));
        if (!block.WasSuccessful) return Result.Failure<ClauseSyntax>(block.Remainder, block.Message, block.Expectations);
        return Result.Success<ClauseSyntax>(make(k, name, title, block.Value.Items, TextSpan.FromBounds(k.Span.Start, block.Value.End)), block.Remainder);
    }

    private Parser<ClauseSyntax>? _cleanup;
    private Parser<ClauseSyntax> Cleanup => _cleanup ??= i =>
    {
        // A Sequence, not a query that selects a tuple: see the note in PlaybookParser.ParsePlaybook.
        var header = new Sequence(i);
        if (!header.Next(Keyword("cleanup"), out var k) || !header.Next(OptionalTitle, out var title)) return header.Fail<ClauseSyntax>();
        var block = ParseBracedBlock(header.At, Blocks.Cleanup, "cleanup", null, k.Span);
        if (!block.WasSuccessful) return Result.Failure<ClauseSyntax>(block.Remainder, block.Message, block.Expectations);
        return Result.Success<ClauseSyntax>(new CleanupSyntax(k, title, block.Value.Items, TextSpan.FromBounds(k.Span.Start, block.Value.End)), block.Remainder);
    };

    private Parser<ClauseSyntax>? _phase;
    private Parser<ClauseSyntax> Phase => _phase ??= i =>
    {
        var header = new Sequence(i);
        if (!header.Next(Keyword("phase"), out var k) || !header.Next(NameOf("the phase's name"), out var name)
            || !header.Next(OptionalTitle, out var title)) return header.Fail<ClauseSyntax>();
        DurationSyntax? within = null;
        if (header.Optional(Keyword("within"), out _, out var withinFailed))
        {
            if (!header.Next(Duration, out var d)) return header.Fail<ClauseSyntax>();
            within = d;
        }
        else if (withinFailed) return header.Fail<ClauseSyntax>();
        var block = ParseBracedBlock(header.At, Blocks.Phase, "phase", name, Cover(k, name));
        if (!block.WasSuccessful) return Result.Failure<ClauseSyntax>(block.Remainder, block.Message, block.Expectations);
        return Result.Success<ClauseSyntax>(new PhaseSyntax(k, name, title, within, block.Value.Items, TextSpan.FromBounds(k.Span.Start, block.Value.End)), block.Remainder);
    };

    private Parser<ClauseSyntax> End => ParseEnd;

    private IResult<ClauseSyntax> ParseEnd(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("end"), out var k) || !q.Next(NameOf("the end state's name"), out var name)
            || !q.Next(OneOf("success or failure", "success", "failure"), out var status)) return q.Fail<ClauseSyntax>();
        q.Optional(String, out var message, out _);
        return q.Done<ClauseSyntax>(new EndSyntax(k, name, status, message, Cover(k, status, message)));
    }
}
