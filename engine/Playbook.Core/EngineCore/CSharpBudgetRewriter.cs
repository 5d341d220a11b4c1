using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Playbook.EngineCore;

/// <summary>Rewrites the generated C# of a playbook's expressions so that nothing in them can run without
/// checking its <see cref="ExpressionBudget"/>. .NET cannot stop a thread from outside, so the expression
/// must stop itself: every place where it can run for long or deep — a loop iteration, a <c>goto</c>, the
/// entry of a lambda or local function (the only way to recurse, or to be called again and again by LINQ),
/// a <c>catch</c> (which could otherwise swallow the budget's exception) — checks the budget first. Every
/// Regex gets a match timeout below the expression's time (a catastrophic pattern is one framework call
/// that no check can interrupt). The semantic model of the original tree tells which lambdas return
/// nothing (their body becomes a statement, not a <c>return</c>) and which calls make a Regex.</summary>
internal sealed class CSharpBudgetRewriter(SemanticModel model) : CSharpSyntaxRewriter
{
    private const string Budget = "global::Playbook.EngineCore.ExpressionBudget";
    private const string RegexType = "System.Text.RegularExpressions.Regex";

    private static readonly HashSet<string> s_matching = new(StringComparer.Ordinal)
    {
        "IsMatch", "Match", "Matches", "Replace", "Split", "Count", "EnumerateMatches", "EnumerateSplits",
    };

    private static StatementSyntax Call(string method) => ParseStatement($"{Budget}.{method}();");

    private static BlockSyntax WithTick(StatementSyntax body) =>
        body is BlockSyntax block ? block.WithStatements(block.Statements.Insert(0, Call("Tick"))) : Block(Call("Tick"), body);

    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
    {
        var visited = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
        return visited.WithStatement(WithTick(visited.Statement));
    }

    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
    {
        var visited = (DoStatementSyntax)base.VisitDoStatement(node)!;
        return visited.WithStatement(WithTick(visited.Statement));
    }

    public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
    {
        var visited = (ForStatementSyntax)base.VisitForStatement(node)!;
        return visited.WithStatement(WithTick(visited.Statement));
    }

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
    {
        var visited = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
        return visited.WithStatement(WithTick(visited.Statement));
    }

    public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node)
    {
        var visited = (ForEachVariableStatementSyntax)base.VisitForEachVariableStatement(node)!;
        return visited.WithStatement(WithTick(visited.Statement));
    }

    public override SyntaxNode? VisitGotoStatement(GotoStatementSyntax node) =>
        Block(Call("Tick"), (StatementSyntax)base.VisitGotoStatement(node)!);

    public override SyntaxNode? VisitCatchClause(CatchClauseSyntax node)
    {
        var visited = (CatchClauseSyntax)base.VisitCatchClause(node)!;
        visited = visited.WithBlock(WithTick(visited.Block));
        if (visited.Filter is { } filter)
        {
            visited = visited.WithFilter(filter.WithFilterExpression(
                ParseExpression($"{Budget}.Ok() && ({filter.FilterExpression.ToFullString()})")));
        }
        return visited;
    }

    public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node) =>
        Function(node, base.VisitSimpleLambdaExpression(node));

    public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node) =>
        Function(node, base.VisitParenthesizedLambdaExpression(node));

    public override SyntaxNode? VisitAnonymousMethodExpression(AnonymousMethodExpressionSyntax node) =>
        Function(node, base.VisitAnonymousMethodExpression(node));

    public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node)
    {
        var visited = (LocalFunctionStatementSyntax)base.VisitLocalFunctionStatement(node)!;
        var returnsVoid = model.GetDeclaredSymbol(node) is IMethodSymbol { ReturnsVoid: true };
        var body = visited.Body ?? AsBlock(visited.ExpressionBody!.Expression, returnsVoid);
        return visited.WithExpressionBody(null).WithSemicolonToken(default).WithBody(Guarded(body));
    }

    /// <summary>A lambda's body between Enter and Exit (try/finally, so a caught exception keeps the depth
    /// right). A lambda made into an expression tree cannot hold statements; it is left as it is (and
    /// System.Linq.Expressions is refused by the checker anyway).</summary>
    private SyntaxNode Function(AnonymousFunctionExpressionSyntax original, SyntaxNode? visitedNode)
    {
        var visited = (AnonymousFunctionExpressionSyntax)visitedNode!;
        if (model.GetTypeInfo(original).ConvertedType is INamedTypeSymbol { Name: "Expression" } type
            && type.ContainingNamespace?.ToDisplayString() == "System.Linq.Expressions")
            return visited;
        var returnsVoid = model.GetSymbolInfo(original).Symbol is IMethodSymbol { ReturnsVoid: true };
        var body = visited.Body switch
        {
            BlockSyntax block => block,
            ExpressionSyntax expression => AsBlock(expression, returnsVoid),
            _ => null,
        };
        if (body is null) return visited;
        return visited switch
        {
            SimpleLambdaExpressionSyntax simple => simple.WithExpressionBody(null).WithBlock(Guarded(body)),
            ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.WithExpressionBody(null).WithBlock(Guarded(body)),
            AnonymousMethodExpressionSyntax anonymous => anonymous.WithBlock(Guarded(body)),
            _ => visited,
        };
    }

    private static BlockSyntax AsBlock(ExpressionSyntax expression, bool returnsVoid) => expression switch
    {
        ThrowExpressionSyntax thrown => Block(ThrowStatement(thrown.Expression)),
        _ when returnsVoid => Block(ExpressionStatement(expression)),
        _ => Block(ReturnStatement(expression.WithLeadingTrivia(Space))),
    };

    private static BlockSyntax Guarded(BlockSyntax body) =>
        Block(Call("Enter"), TryStatement(body, default, FinallyClause(Block(Call("Exit")))));

    public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
    {
        var visited = (InvocationExpressionSyntax)base.VisitInvocationExpression(node)!;
        if (node.Expression is not MemberAccessExpressionSyntax access || !s_matching.Contains(access.Name.Identifier.ValueText)) return visited;
        if (model.GetSymbolInfo(access.Expression).Symbol is not INamedTypeSymbol receiver || receiver.ToDisplayString() != RegexType) return visited;
        var fixedArguments = access.Name.Identifier.ValueText == "Replace" ? 3 : 2;
        return visited.WithArgumentList(WithTimeout(node.ArgumentList, visited.ArgumentList, model.GetSymbolInfo(node).Symbol as IMethodSymbol, fixedArguments));
    }

    public override SyntaxNode? VisitObjectCreationExpression(ObjectCreationExpressionSyntax node)
    {
        var visited = (ObjectCreationExpressionSyntax)base.VisitObjectCreationExpression(node)!;
        if (model.GetTypeInfo(node).Type?.ToDisplayString() != RegexType || node.ArgumentList is null) return visited;
        return visited.WithArgumentList(WithTimeout(node.ArgumentList, visited.ArgumentList!, model.GetSymbolInfo(node).Symbol as IMethodSymbol, 1));
    }

    public override SyntaxNode? VisitImplicitObjectCreationExpression(ImplicitObjectCreationExpressionSyntax node)
    {
        var visited = (ImplicitObjectCreationExpressionSyntax)base.VisitImplicitObjectCreationExpression(node)!;
        if (model.GetTypeInfo(node).Type?.ToDisplayString() != RegexType) return visited;
        return visited.WithArgumentList(WithTimeout(node.ArgumentList, visited.ArgumentList, model.GetSymbolInfo(node).Symbol as IMethodSymbol, 1));
    }

    /// <summary>Gives a Regex call or construction a match timeout: the one it names, capped; else the
    /// expression's. Every matching overload of Regex has a form ending in <c>(…, options, matchTimeout)</c>,
    /// so missing ones are appended (positionally when the call has no named arguments: a call on a
    /// <c>dynamic</c> value has no symbol to name them by).</summary>
    private static ArgumentListSyntax WithTimeout(ArgumentListSyntax original, ArgumentListSyntax visited, IMethodSymbol? method, int fixedArguments)
    {
        var arguments = visited.Arguments;
        var named = original.Arguments.Any(a => a.NameColon is not null);
        var timeoutAt = -1;
        var hasOptions = false;
        if (method is not null)
        {
            for (var i = 0; i < original.Arguments.Count; i++)
            {
                var name = original.Arguments[i].NameColon?.Name.Identifier.ValueText
                    ?? (i < method.Parameters.Length ? method.Parameters[i].Name : null);
                if (name == "matchTimeout") timeoutAt = i;
                if (name == "options") hasOptions = true;
            }
        }
        else
        {
            if (original.Arguments.Count >= fixedArguments + 2) timeoutAt = fixedArguments + 1;
            hasOptions = original.Arguments.Count >= fixedArguments + 1;
        }
        if (timeoutAt >= 0)
        {
            var given = arguments[timeoutAt];
            return visited.WithArguments(arguments.Replace(given, given.WithExpression(
                ParseExpression($"{Budget}.RegexTimeout({given.Expression.ToFullString()})"))));
        }
        if (!hasOptions)
            arguments = arguments.Add(Named(named, "options", "global::System.Text.RegularExpressions.RegexOptions.None"));
        return visited.WithArguments(arguments.Add(Named(named, "matchTimeout", $"{Budget}.RegexTimeout()")));
    }

    private static ArgumentSyntax Named(bool named, string name, string value)
    {
        var argument = Argument(ParseExpression(value));
        return named ? argument.WithNameColon(NameColon(IdentifierName(name))) : argument;
    }
}
