using System.Collections.Immutable;
using Playbook.Text;

namespace Playbook.Syntax;

/// <summary>A whole file: <c>playbook NAME { … }</c>.</summary>
public sealed record PlaybookSyntax(NameSyntax Name, ImmutableArray<ClauseSyntax> Members, TextSpan Span) : SyntaxNode(Span)
{
    public IEnumerable<StateSyntax> States => Members.OfType<StateSyntax>();
}

/// <summary><c>title</c>, <c>version</c>, <c>owner</c>, <c>description</c> or <c>tags</c>.</summary>
public sealed record MetadataSyntax(NameSyntax Keyword, ValueSyntax Value, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>rto D</c> or <c>rpo D</c>.</summary>
public sealed record ObjectiveSyntax(NameSyntax Keyword, DurationSyntax Duration, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>expressions js|csharp</c>.</summary>
public sealed record ExpressionsSyntax(NameSyntax Language, ExpressionLanguage? Value, TextSpan Span) : ClauseSyntax(Span);

public sealed record InputSyntax(NameSyntax Name, NameSyntax Type, ValueSyntax? Default, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>secret NAME</c>, read from PLAYBOOK_SECRET_NAME, or <c>secret NAME from file "…"</c> /
/// <c>from command "…"</c> (<see cref="Source"/>).</summary>
public sealed record SecretSyntax(NameSyntax Name, TextSpan Span, SecretSourceSyntax? Source = null) : ClauseSyntax(Span);

/// <summary><c>from file "path"</c> or <c>from command "…"</c>: <see cref="Kind"/> is the word file or command.</summary>
public sealed record SecretSourceSyntax(NameSyntax Kind, StringSyntax Value, TextSpan Span) : SyntaxNode(Span)
{
    public bool IsFile => Kind.Text == "file";
}

public sealed record LetSyntax(NameSyntax Name, ValueSyntax Value, TextSpan Span) : ClauseSyntax(Span);

public sealed record StartSyntax(NameSyntax Target, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>lock "name"</c>: runs of playbooks that name the same lock (the rendered text, compared exactly) never
/// run at once. Its holes may read inputs only, because the lock is taken before anything of the run is done.</summary>
public sealed record LockSyntax(NameSyntax Keyword, StringSyntax Name, TextSpan Span) : ClauseSyntax(Span);
