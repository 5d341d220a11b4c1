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

    private static TextSpan Cover(SyntaxNode first, params SyntaxNode?[] rest)
    {
        var span = first.Span;
        foreach (var node in rest)
        {
            if (node is not null) span = span.Cover(node.Span);
        }
        return span;
    }

    private Parser<StringSyntax?> OptionalTitle => String.XOptional().Select(o => o.IsDefined ? o.Get() : null);

    // ---- playbook-level ------------------------------------------------------------------------

    private Parser<ClauseSyntax> MetadataString(string keyword) =>
        from k in Keyword(keyword)
        from v in String
        select (ClauseSyntax)new MetadataSyntax(k, v, Cover(k, v));

    private Parser<ClauseSyntax> Tags =>
        from k in Keyword("tags")
        from first in TagValue
        from rest in Symbol(",").Then(_ => TagValue).XMany()
        select (ClauseSyntax)new MetadataSyntax(k,
            new ListSyntax(rest.Prepend(first).ToImmutableArray(), Cover(first, rest.LastOrDefault())),
            Cover(k, first, rest.LastOrDefault()));

    private Parser<ValueSyntax> TagValue => String.Select(s => (ValueSyntax)s)
        .XOr(NameOf("a tag (a string or a word)").Select(n => (ValueSyntax)new WordSyntax(n.Text, n.Span)));

    private Parser<ClauseSyntax> Objective(string keyword) =>
        from k in Keyword(keyword)
        from d in Duration
        select (ClauseSyntax)new ObjectiveSyntax(k, d, Cover(k, d));

    private Parser<ClauseSyntax> ExpressionsSetting =>
        from k in Keyword("expressions")
        from lang in OneOf("js or csharp", "js", "javascript", "csharp", "cs")
        select (ClauseSyntax)new ExpressionsSyntax(lang,
            lang.Text is "js" or "javascript" ? ExpressionLanguage.JavaScript : ExpressionLanguage.CSharp, Cover(k, lang));

    private Parser<ClauseSyntax> Input =>
        from k in Keyword("input")
        from name in NameOf("the input's name")
        from colon in Symbol(":")
        from type in NameOf("a type (string, int, number, bool or duration)")
        from def in Symbol("=").Then(_ => Value).XOptional()
        select (ClauseSyntax)new InputSyntax(name, type, def.GetOrDefault(), Cover(k, type, def.GetOrDefault()));

    private Parser<ClauseSyntax> Secret =>
        from k in Keyword("secret")
        from name in NameOf("the secret's name")
        select (ClauseSyntax)new SecretSyntax(name, Cover(k, name));

    private Parser<ClauseSyntax> Let =>
        from k in Keyword("let")
        from name in NameOf("the value's name")
        from eq in Symbol("=")
        from value in Value
        select (ClauseSyntax)new LetSyntax(name, value, Cover(k, value));

    private Parser<ClauseSyntax> Start =>
        from k in Keyword("start")
        from target in NameOf("the name of the first state")
        select (ClauseSyntax)new StartSyntax(target, Cover(k, target));

    // ---- settings shared by states -------------------------------------------------------------

    private Parser<ClauseSyntax> Timeout =>
        from k in Keyword("timeout")
        from d in Duration
        select (ClauseSyntax)new TimeoutSyntax(d, Cover(k, d));

    private Parser<ClauseSyntax> Retry =>
        from k in Keyword("retry")
        from count in Number("the number of retries (like 3)")
        from backoff in Keyword("backoff").Then(_ => Duration).XOptional()
        from factor in Factor.XOptional()
        from max in Keyword("max").Then(_ => Duration).XOptional()
        from jitter in Keyword("jitter").XOptional()
        select (ClauseSyntax)new RetrySyntax(count, backoff.GetOrDefault(), factor.GetOrDefault(), max.GetOrDefault(), jitter.IsDefined,
            Cover(k, count, backoff.GetOrDefault(), factor.GetOrDefault(), max.GetOrDefault(), jitter.GetOrDefault()));

    private Parser<ClauseSyntax> Expect =>
        from k in Keyword("expect")
        from e in Expression
        select (ClauseSyntax)new ExpectSyntax(e, Cover(k, e));

    private Parser<ClauseSyntax> Capture =>
        from k in Keyword("capture")
        from name in NameOf("the capture's name")
        from eq in Symbol("=")
        from e in Expression
        select (ClauseSyntax)new CaptureSyntax(name, e, Cover(k, e));

    private Parser<ClauseSyntax> Idempotent =>
        Keyword("idempotent").Select(k => (ClauseSyntax)new IdempotentSyntax(k.Span));

    private Parser<ClauseSyntax> Description =>
        from k in Keyword("description")
        from s in String
        select (ClauseSyntax)new DescriptionSyntax(s, Cover(k, s));

    private Parser<NameSyntax> Outcome => OneOf("an outcome (ok, fail, timeout, approve or reject)", Outcomes);

    private Parser<NameSyntax> Target => NameOf("the name of a state or phase");

    private Parser<ClauseSyntax> On =>
        from k in Keyword("on")
        from first in Outcome
        from rest in Symbol(",").Then(_ => Outcome).XMany()
        from when in Keyword("when").Then(_ => Expression).XOptional()
        from arrow in Symbol("->")
        from target in Target
        select (ClauseSyntax)new TransitionSyntax(rest.Prepend(first).ToImmutableArray(), when.GetOrDefault(), target, Cover(k, target));

    private Parser<ClauseSyntax> Arrow =>
        from arrow in Symbol("->")
        from target in Target
        select (ClauseSyntax)new TransitionSyntax(ImmutableArray<NameSyntax>.Empty, null, target, TextSpan.FromBounds(arrow.Start, target.Span.End));

    // ---- actions -----------------------------------------------------------------------------------

    private Parser<ClauseSyntax> Shell =>
        from k in Keyword("shell")
        from command in String
        select (ClauseSyntax)new ShellActionSyntax(k, command, Cover(k, command));

    private Parser<ClauseSyntax> Http =>
        from k in Keyword("http")
        from method in OneOf("an HTTP method (GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS)", HttpMethods)
        from url in String
        from options in HttpOption.XMany()
        select (ClauseSyntax)BuildHttp(k, method, url, options.ToList());

    private Parser<(string Kind, StringSyntax Value, TextSpan Span)> HttpOption =>
        (from k in Keyword("body") from v in String select ("body", v, Cover(k, v)))
        .XOr(from k in Keyword("header") from v in String select ("header", v, Cover(k, v)));

    private HttpActionSyntax BuildHttp(NameSyntax k, NameSyntax method, StringSyntax url, List<(string Kind, StringSyntax Value, TextSpan Span)> options)
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

    private Parser<ClauseSyntax> Script =>
        from k in Keyword("script")
        from e in Expression
        select (ClauseSyntax)new ScriptActionSyntax(k, e, Cover(k, e));

    private Parser<ClauseSyntax> Call =>
        from k in Keyword("call")
        from name in NameOf("the name of the playbook to call")
        from args in Keyword("with").Then(_ => Map).XOptional()
        select (ClauseSyntax)new CallActionSyntax(k, name,
            args.IsDefined ? args.Get().Entries : ImmutableArray<MapEntrySyntax>.Empty,
            Cover(k, name, args.GetOrDefault()));

    private Parser<ClauseSyntax> Notify =>
        from k in Keyword("notify")
        from message in String
        select (ClauseSyntax)new NotifyActionSyntax(k, message, Cover(k, message));

    private Parser<ClauseSyntax> Probe =>
        from k in Keyword("probe")
        from action in Shell.XOr(Http).XOr(Script).XOr(Call)
        select (ClauseSyntax)new ProbeSyntax((ActionSyntax)action, Cover(k, action));

    // ---- decide, wait, manual, parallel ------------------------------------------------------------

    private Parser<ClauseSyntax> When =>
        from k in Keyword("when")
        from e in Expression
        from arrow in Symbol("->")
        from target in Target
        select (ClauseSyntax)new WhenSyntax(e, target, Cover(k, target));

    private Parser<ClauseSyntax> Else =>
        from k in Keyword("else")
        from arrow in Symbol("->")
        from target in Target
        select (ClauseSyntax)new ElseSyntax(target, Cover(k, target));

    private Parser<ClauseSyntax> For =>
        from k in Keyword("for")
        from d in Duration
        select (ClauseSyntax)new ForSyntax(d, Cover(k, d));

    private Parser<ClauseSyntax> Until =>
        from k in Keyword("until")
        from e in Expression
        from every in Keyword("every").Then(_ => Duration).XOptional()
        select (ClauseSyntax)new UntilSyntax(e, every.GetOrDefault(), Cover(k, e, every.GetOrDefault()));

    private Parser<ClauseSyntax> Prompt =>
        from k in Keyword("prompt")
        from s in String
        select (ClauseSyntax)new PromptSyntax(s, Cover(k, s));

    private Parser<ChoiceSyntax> Choice =>
        from outcome in OneOf("approve or reject", "approve", "reject")
        from label in OptionalTitle
        select new ChoiceSyntax(outcome, label, Cover(outcome, label));

    private Parser<ClauseSyntax> Choices =>
        from k in Keyword("choices")
        from first in Choice
        from rest in Symbol(",").Then(_ => Choice).XMany()
        select (ClauseSyntax)new ChoicesSyntax(rest.Prepend(first).ToImmutableArray(), Cover(k, first, rest.LastOrDefault()));

    private Parser<ClauseSyntax> Join =>
        from k in Keyword("join")
        from mode in OneOf("all, any or a number of branches", "all", "any").Select(n => (ValueSyntax)new WordSyntax(n.Text, n.Span))
            .XOr(Number("all, any or a number of branches").Select(n => (ValueSyntax)n))
        select (ClauseSyntax)new JoinSyntax(mode, Cover(k, mode));

    // ---- simulate ------------------------------------------------------------------------------------

    private Parser<ClauseSyntax> SimDuration =>
        from k in Keyword("duration")
        from min in Duration
        from max in Symbol("..").Then(_ => Duration).XOptional()
        select (ClauseSyntax)new SimulateSyntax(min, max.GetOrDefault() ?? min, null, null, ImmutableArray.Create<ClauseSyntax>(new SimulateItemSyntax(k, k.Span)), Cover(k, min, max.GetOrDefault()));

    private Parser<ClauseSyntax> SimFail =>
        from k in Keyword("fail")
        from p in Percent
        select (ClauseSyntax)new SimulateSyntax(null, null, p, null, ImmutableArray.Create<ClauseSyntax>(new SimulateItemSyntax(k, k.Span)), Cover(k, p));

    private Parser<ClauseSyntax> SimOutputs =>
        from k in Keyword("outputs")
        from m in Map
        select (ClauseSyntax)new SimulateSyntax(null, null, null, m, ImmutableArray.Create<ClauseSyntax>(new SimulateItemSyntax(k, k.Span)), Cover(k, m));

    /// <summary><c>simulate { … }</c>: each setting parses to a partial SimulateSyntax; they are merged here.</summary>
    private Parser<ClauseSyntax> Simulate => i =>
    {
        var k = Keyword("simulate")(i);
        if (!k.WasSuccessful) return Result.Failure<ClauseSyntax>(k.Remainder, k.Message, k.Expectations);
        var block = ParseBracedBlock(k.Remainder, Blocks.Simulate, "simulate", k.Value.Span);
        if (!block.WasSuccessful) return Result.Failure<ClauseSyntax>(block.Remainder, block.Message, block.Expectations);
        var parts = block.Value.Items.OfType<SimulateSyntax>().ToList();
        var merged = new SimulateSyntax(
            parts.Select(p => p.MinDuration).FirstOrDefault(d => d is not null),
            parts.Select(p => p.MaxDuration).FirstOrDefault(d => d is not null),
            parts.Select(p => p.Fail).FirstOrDefault(d => d is not null),
            parts.Select(p => p.Outputs).FirstOrDefault(d => d is not null),
            parts.SelectMany(p => p.Items).ToImmutableArray(),
            TextSpan.FromBounds(k.Value.Span.Start, block.Value.End));
        return Result.Success<ClauseSyntax>(merged, block.Remainder);
    };

    // ---- states ----------------------------------------------------------------------------------------

    private delegate StateSyntax StateFactory(NameSyntax keyword, NameSyntax name, StringSyntax? title, ImmutableArray<ClauseSyntax> body, TextSpan span);

    private Parser<ClauseSyntax> State(string keyword, Blocks kind, StateFactory make) => i =>
    {
        var header = (from kw in Keyword(keyword)
                      from n in NameOf($"the {keyword}'s name")
                      from t in OptionalTitle
                      select (kw, n, t))(i);
        if (!header.WasSuccessful) return Result.Failure<ClauseSyntax>(header.Remainder, header.Message, header.Expectations);
        var (k, name, title) = header.Value;
        var block = ParseBracedBlock(header.Remainder, kind, $"{keyword} '{name.Text}'", Cover(k, name));
        if (!block.WasSuccessful) return Result.Failure<ClauseSyntax>(block.Remainder, block.Message, block.Expectations);
        return Result.Success<ClauseSyntax>(make(k, name, title, block.Value.Items, TextSpan.FromBounds(k.Span.Start, block.Value.End)), block.Remainder);
    };

    private Parser<ClauseSyntax> Phase => i =>
    {
        var header = (from kw in Keyword("phase")
                      from n in NameOf("the phase's name")
                      from t in OptionalTitle
                      from w in Keyword("within").Then(_ => Duration).XOptional()
                      select (kw, n, t, w: w.GetOrDefault()))(i);
        if (!header.WasSuccessful) return Result.Failure<ClauseSyntax>(header.Remainder, header.Message, header.Expectations);
        var (k, name, title, within) = header.Value;
        var block = ParseBracedBlock(header.Remainder, Blocks.Phase, $"phase '{name.Text}'", Cover(k, name));
        if (!block.WasSuccessful) return Result.Failure<ClauseSyntax>(block.Remainder, block.Message, block.Expectations);
        return Result.Success<ClauseSyntax>(new PhaseSyntax(k, name, title, within, block.Value.Items, TextSpan.FromBounds(k.Span.Start, block.Value.End)), block.Remainder);
    };

    private Parser<ClauseSyntax> End =>
        from k in Keyword("end")
        from name in NameOf("the end state's name")
        from status in OneOf("success or failure", "success", "failure")
        from message in OptionalTitle
        select (ClauseSyntax)new EndSyntax(k, name, status, message, Cover(k, status, message));
}
