using System.Collections.Immutable;
using Playbook.Text;

namespace Playbook.Syntax;

/// <summary>What a step (or a wait's probe) does.</summary>
public abstract record ActionSyntax(NameSyntax Keyword, TextSpan Span) : ClauseSyntax(Span);

public sealed record ShellActionSyntax(NameSyntax Keyword, StringSyntax Command, TextSpan Span) : ActionSyntax(Keyword, Span);

/// <summary><c>exec ["prog", "arg", "${x}"]</c>: a program and its arguments, no shell; each string is one argument.
/// <see cref="IsEmpty"/> is true for <c>exec []</c> (and not when only items that are not strings were dropped).</summary>
public sealed record ExecActionSyntax(NameSyntax Keyword, ImmutableArray<StringSyntax> Arguments, bool IsEmpty, TextSpan Span) : ActionSyntax(Keyword, Span);

public sealed record HttpHeaderSyntax(StringSyntax Value, TextSpan Span) : SyntaxNode(Span);

public sealed record HttpActionSyntax(NameSyntax Keyword, NameSyntax Method, StringSyntax Url, StringSyntax? Body, ImmutableArray<HttpHeaderSyntax> Headers, TextSpan Span)
    : ActionSyntax(Keyword, Span);

public sealed record ScriptActionSyntax(NameSyntax Keyword, ExpressionSyntax Script, TextSpan Span) : ActionSyntax(Keyword, Span);

public sealed record CallActionSyntax(NameSyntax Keyword, NameSyntax Playbook, ImmutableArray<MapEntrySyntax> Arguments, TextSpan Span) : ActionSyntax(Keyword, Span);

public sealed record NotifyActionSyntax(NameSyntax Keyword, StringSyntax Message, TextSpan Span) : ActionSyntax(Keyword, Span);
