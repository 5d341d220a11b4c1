using System.Runtime.CompilerServices;
using Acornima;
using Acornima.Ast;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Playbook.Compiling;
using Playbook.Syntax;

namespace Playbook.EngineCore;

/// <summary>The names each expression of a playbook can read from the run's values, found once per playbook
/// (the syntax tree of each expression, walked once) and shared by every engine and every run: a runtime loads
/// only these before evaluating an expression, so a playbook of 100 000 lets whose guards read two of them
/// costs two values per run, not 100 000. A superset is harmless (a name that is not a run value is not sent),
/// a subset would read stale values: every identifier of the expression counts, bound inside it or not.</summary>
internal static class ExpressionReads
{
    // Per compiled playbook, one slot per expression id: null until found, then a string[] or ReadsAll.
    private static readonly ConditionalWeakTable<CompiledPlaybook, Table> Tables = new();

    private sealed class Table(int expressions)
    {
        public readonly object?[] Slots = new object?[expressions];
        public long ValuesLoaded;
    }
    private static readonly object ReadsAll = new();
    // Acornima's Parser keeps per-parse state: one per thread.
    [ThreadStatic] private static Parser? s_parser;

    /// <summary>The names <paramref name="expression"/> may read, or null when it may read any (a JavaScript
    /// expression that names the global object: <c>globalThis[k]</c>, <c>this[k]</c>).</summary>
    public static string[]? Of(CompiledPlaybook playbook, CompiledExpression expression)
    {
        var table = Tables.GetValue(playbook, static p => new Table(p.Expressions.Count)).Slots;
        if ((uint)expression.Id >= (uint)table.Length) return Find(expression);
        // Engines on other threads (simulate --runs) may find the same expression at once: both find the same
        // names, and a reference is written whole.
        var found = Volatile.Read(ref table[expression.Id]);
        if (found is null)
        {
            found = (object?)Find(expression) ?? ReadsAll;
            Volatile.Write(ref table[expression.Id], found);
        }
        return found as string[];
    }

    /// <summary>Adds to the count of run values the runtimes of every engine of <paramref name="playbook"/> loaded.</summary>
    public static void CountLoaded(CompiledPlaybook playbook, long values)
    {
        if (values != 0) Interlocked.Add(ref Tables.GetValue(playbook, static p => new Table(p.Expressions.Count)).ValuesLoaded, values);
    }

    /// <summary>How many run values (inputs, lets, captures) the expression runtimes of every engine that ran
    /// <paramref name="playbook"/> were sent or had set: what a run's speed follows. Tests read it across the
    /// fresh engines of <c>test</c>'s scenarios and the workers of <c>simulate --runs</c>.</summary>
    public static long ValuesLoaded(CompiledPlaybook playbook) =>
        Tables.TryGetValue(playbook, out var table) ? Interlocked.Read(ref table.ValuesLoaded) : 0;

    private static string[]? Find(CompiledExpression expression) =>
        expression.Language == ExpressionLanguage.CSharp ? CSharpNames(expression.Code) : JavaScriptNames(expression.Code);

    /// <summary>Every identifier in the C# code. Fields are reached by name only (reflection is refused by the
    /// checker), so the identifiers are all the globals it can read.</summary>
    private static string[] CSharpNames(string code)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in SyntaxFactory.ParseExpression(code).DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken)) names.Add(token.ValueText);
        }
        return names.ToArray();
    }

    /// <summary>Every identifier in the JavaScript code, or null when it names the global object, through which
    /// a computed key can read any global. Strict code has no other way to it (no <c>with</c>, no sloppy
    /// <c>this</c> in functions, no code from strings).</summary>
    private static string[]? JavaScriptNames(string code)
    {
        Node root;
        try
        {
            s_parser ??= new Parser(new ParserOptions { EcmaVersion = EcmaVersion.Latest, Tolerant = false });
            root = s_parser.ParseExpression(code);
        }
        catch (Exception e) when (e is ParseErrorException or InsufficientExecutionStackException)
        {
            s_parser = null; // its state is mid-parse
            // Not ours to report (the checker did, and the engine will): any name may be read.
            return null;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        // With a stack of its own: the checker bounds the depth, but a walk need not rely on it.
        var pending = new Stack<Node>();
        pending.Push(root);
        while (pending.TryPop(out var node))
        {
            switch (node)
            {
                case ThisExpression:
                    return null;
                case Identifier { Name: "globalThis" }:
                    return null;
                case Identifier id:
                    names.Add(id.Name);
                    break;
            }
            foreach (var child in node.ChildNodes) pending.Push(child);
        }
        return names.ToArray();
    }
}
