using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Playbook.Expressions;

/// <summary>Checks the C# expressions of one playbook without running them: all of them are compiled
/// together in one <see cref="CSharpCompilation"/> (no Emit), errors are mapped back into each
/// expression, unknown names become <see cref="FreeName"/>s, and anything that is not pure is refused.</summary>
public static class CSharpAnalyzer
{
    /// <summary>Namespaces imported for every expression; the same set is what expressions may reach.</summary>
    public static IReadOnlyList<string> Imports { get; } = new[]
    {
        "System", "System.Linq", "System.Collections.Generic", "System.Text", "System.Text.RegularExpressions", "System.Globalization",
    };

    private const string ClassName = "__PlaybookExpressions";

    /// <summary>Expressions per generated method, each a local function of it. One method per expression made
    /// Roslyn build and check a member per expression (100 000 lets: a third of the time went to members);
    /// a method of many local functions is bound once, and a few dozen keep its flow analysis small.</summary>
    private const int GroupSize = 32;
    private const string ResponseTypeName = "Response";

    private static readonly CSharpParseOptions s_parseOptions = CSharpParseOptions.Default
        .WithLanguageVersion(LanguageVersion.Latest)
        .WithKind(SourceCodeKind.Regular);

    private static readonly CSharpCompilationOptions s_compilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        allowUnsafe: false,
        nullableContextOptions: NullableContextOptions.Disable,
        concurrentBuild: false,
        optimizationLevel: OptimizationLevel.Debug);

    private static readonly Lazy<IReadOnlyList<MetadataReference>> s_references = new(LoadReferences, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Framework assemblies the compilation references. Besides what pure code needs, the
    /// assemblies of a few forbidden APIs are referenced so that using them binds and is reported as
    /// forbidden (with what it reaches) rather than as an unknown name.</summary>
    private static readonly string[] s_referenceNames =
    {
        "System.Private.CoreLib", "System.Runtime", "System.Linq", "System.Collections", "System.Text.RegularExpressions",
        "Microsoft.CSharp", "System.Linq.Expressions", "System.Runtime.Numerics",
        "System.Console", "System.Diagnostics.Process", "System.ComponentModel.Primitives", "System.Net.Http", "System.Net.Primitives",
    };

    /// <summary>The framework references C# expressions compile against (shared with the runtime compiler).</summary>
    internal static IReadOnlyList<MetadataReference> References => s_references.Value;

    private static IReadOnlyList<MetadataReference> LoadReferences()
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string tpa)
        {
            foreach (var path in tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                byName.TryAdd(Path.GetFileNameWithoutExtension(path), path);
            }
        }
        string? runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location);

        var references = new List<MetadataReference>(s_referenceNames.Length);
        foreach (var name in s_referenceNames)
        {
            if (!byName.TryGetValue(name, out var path) && !string.IsNullOrEmpty(runtimeDirectory))
            {
                path = Path.Combine(runtimeDirectory, name + ".dll");
            }
            if (path is not null && File.Exists(path))
            {
                references.Add(MetadataReference.CreateFromFile(path));
            }
        }
        if (references.Count == 0)
        {
            throw new InvalidOperationException("Cannot locate the .NET framework assemblies needed to check C# expressions.");
        }
        return references;
    }

    /// <summary>Analyzes all C# expressions of one playbook together; the result list is parallel to
    /// <paramref name="expressions"/>.</summary>
    public static IReadOnlyList<ExpressionAnalysis> AnalyzeAll(IReadOnlyList<CSharpGlobal> globals, IReadOnlyList<string> expressions)
    {
        ArgumentNullException.ThrowIfNull(globals);
        ArgumentNullException.ThrowIfNull(expressions);
        if (expressions.Count == 0)
        {
            return Array.Empty<ExpressionAnalysis>();
        }

        var results = new Collector[expressions.Count];
        var parsed = new bool[expressions.Count];
        var shapes = new CSharpShape?[expressions.Count];
        var mentioned = new HashSet<string>(StringComparer.Ordinal);
        var globalNames = globals.Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
        // A global spelled like a placeholder would be what the placeholder binds to: then no expression is shaped.
        bool shaping = !globalNames.Any(n => n.StartsWith(CSharpShape.PlaceholderPrefix, StringComparison.Ordinal));
        bool MayMean(string name) => globalNames.Contains(name) || s_meaningfulNames.Value.Contains(name) || name.StartsWith("__", StringComparison.Ordinal)
            || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None;
        for (int i = 0; i < expressions.Count; i++)
        {
            results[i] = new Collector();
            parsed[i] = ParseAlone(expressions[i] ?? string.Empty, results[i], mentioned, shaping ? MayMean : null, out shapes[i]);
        }

        if (parsed.Any(p => p))
        {
            var declared = globals.Where(g => mentioned.Contains(g.Name)).ToList();
            bool declareResponse = globals.Any(g => g.TypeName == ResponseTypeName);

            // Each distinct shape (or code, when it has none) is compiled once; its findings are mapped back
            // into every expression of that shape.
            var codes = new List<string>();
            var codeIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            var codeOf = new int[expressions.Count];
            for (int i = 0; i < expressions.Count; i++)
            {
                if (!parsed[i])
                {
                    continue;
                }
                string code = shapes[i]?.Text ?? expressions[i];
                if (!codeIndex.TryGetValue(code, out codeOf[i]))
                {
                    codeIndex[code] = codeOf[i] = codes.Count;
                    codes.Add(code);
                }
            }
            var compiled = new Collector[codes.Count];
            for (int c = 0; c < codes.Count; c++)
            {
                compiled[c] = new Collector();
            }
            CompileTogether(declared, declareResponse, codes, Enumerable.Repeat(true, codes.Count).ToArray(), compiled);

            var unshaped = new bool[expressions.Count];
            bool anyUnshaped = false;
            for (int i = 0; i < expressions.Count; i++)
            {
                if (!parsed[i])
                {
                    continue;
                }
                var found = compiled[codeOf[i]];
                if (shapes[i] is not { } shape)
                {
                    results[i].Issues.AddRange(found.Issues);
                    results[i].FreeNames.AddRange(found.FreeNames);
                }
                else if (!shape.TryMapInto(expressions[i], found.Issues, found.FreeNames, results[i].Issues, results[i].FreeNames))
                {
                    unshaped[i] = anyUnshaped = true;
                }
            }
            if (anyUnshaped)
            {
                // A message named a placeholder: those expressions are compiled as they are written.
                CompileTogether(declared, declareResponse, expressions, unshaped, results);
            }
        }

        return results.Select(r => r.ToAnalysis()).ToArray();
    }

    /// <summary>Every simple name that can bind to something in an expression besides a global: the types
    /// and namespaces of the global namespace, the types of the imported namespaces and of the namespaces
    /// searched for forbidden types (whatever their accessibility), and the members of <c>object</c>. A name
    /// outside this set and the globals is unknown wherever it is used as a value (see <see cref="CSharpShape"/>).</summary>
    private static readonly Lazy<HashSet<string>> s_meaningfulNames = new(MeaningfulNames, LazyThreadSafetyMode.ExecutionAndPublication);

    private static HashSet<string> MeaningfulNames()
    {
        var compilation = CSharpCompilation.Create("PlaybookNames", references: s_references.Value, options: s_compilationOptions);
        var names = new HashSet<string>(StringComparer.Ordinal) { ResponseTypeName, ClassName };
        foreach (var member in compilation.GlobalNamespace.GetMembers())
        {
            names.Add(member.Name);
        }
        foreach (var ns in Imports.Concat(s_forbiddenNamespacesToSearch))
        {
            INamespaceSymbol? current = compilation.GlobalNamespace;
            foreach (var part in ns.Split('.'))
            {
                current = current?.GetNamespaceMembers().FirstOrDefault(n => n.Name == part);
            }
            foreach (var type in current?.GetTypeMembers() ?? ImmutableArray<INamedTypeSymbol>.Empty)
            {
                names.Add(type.Name);
            }
        }
        foreach (var member in compilation.GetSpecialType(SpecialType.System_Object).GetMembers())
        {
            names.Add(member.Name);
        }
        return names;
    }

    /// <summary>Parses one expression on its own, so syntax errors are exact and nothing can escape
    /// the generated method (a stray ')' or a preprocessor directive).</summary>
    /// <param name="mentioned">Gets the names the expression's identifiers spell, when it parsed: only the
    /// globals named somewhere are declared for the compilation (a file of 100 000 lets made a field each,
    /// whether or not any expression read it).</param>
    /// <param name="mayMean">Whether a simple name may bind to something, for the expression's shape; null: no shape.</param>
    /// <param name="shape">The expression's shape when it parsed and has one.</param>
    private static bool ParseAlone(string code, Collector result, HashSet<string> mentioned, Func<string, bool>? mayMean, out CSharpShape? shape)
    {
        shape = null;
        if (string.IsNullOrWhiteSpace(code))
        {
            result.Issues.Add(new ExpressionIssue("expected an expression, but the code is empty", 0, 0));
            return false;
        }
        // Deep brackets never reach Roslyn (8 000 nested parentheses took seconds, then overflowed the
        // stack); a deep operator chain is parsed but refused before anything walks or binds it.
        if (ExpressionDepth.FindTooDeepBracket(code, csharp: true) is { } deepBracket)
        {
            result.Issues.Add(ExpressionIssue.TooDeep(deepBracket));
            return false;
        }
        if (IsPlainName(code))
        {
            // A lone name (`w1`, a let's whole value) parses to exactly this, with nothing to report; making
            // a parser for it was half of checking a file of 100 000 such lets.
            var name = SyntaxFactory.IdentifierName(code);
            mentioned.Add(code);
            shape = mayMean is null ? null : CSharpShape.Of(code, name, mayMean);
            return true;
        }
        ExpressionSyntax expression;
        try
        {
            expression = SyntaxFactory.ParseExpression(code, 0, s_parseOptions, consumeFullText: false);
        }
        catch (InsufficientExecutionStackException)
        {
            result.Issues.Add(ExpressionIssue.TooDeep(0));
            return false;
        }
        if (ExpressionDepth.FindTooDeepNode<SyntaxNode>(expression, n => n.ChildNodes(), n => n is ExpressionSyntax or StatementSyntax) is { } deepNode)
        {
            result.Issues.Add(ExpressionIssue.TooDeep(deepNode.SpanStart));
            return false;
        }
        bool ok = true;
        foreach (var diagnostic in expression.GetDiagnostics())
        {
            if (diagnostic.Severity != DiagnosticSeverity.Error)
            {
                continue;
            }
            ok = false;
            var span = diagnostic.Location.SourceSpan;
            int offset = Math.Clamp(span.Start, 0, code.Length);
            if (diagnostic.Id == "CS8078")
            {
                // Roslyn's own stack guard ("too long or complex"): a chain too deep, as PB0008 says elsewhere.
                result.Issues.Add(ExpressionIssue.TooDeep(offset));
                continue;
            }
            result.Issues.Add(new ExpressionIssue(Message(diagnostic), offset, Math.Clamp(span.Length, 0, code.Length - offset)));
        }
        int end = expression.FullSpan.End;
        var next = end < code.Length ? SyntaxFactory.ParseToken(code, end) : default;
        if (ok && end < code.Length && !next.IsKind(SyntaxKind.EndOfFileToken))
        {
            // Something follows a complete expression (a second expression, ';', a stray ')').
            var token = next;
            int offset = Math.Min(end + token.Span.Start, code.Length);
            string text = token.Text.Length > 0 ? token.Text : code[offset].ToString();
            result.Issues.Add(new ExpressionIssue(
                $"expected a single expression, but '{text}' follows it", offset, Math.Max(Math.Min(token.Span.Length, code.Length - offset), 1)));
            ok = false;
        }
        if (ok)
        {
            foreach (var token in expression.DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken))
                {
                    mentioned.Add(token.ValueText);
                }
            }
            shape = mayMean is null ? null : CSharpShape.Of(code, expression, mayMean);
        }
        if (ok && code.Contains('#'))
        {
            foreach (var token in SyntaxFactory.ParseTokens(code, 0, 0, s_parseOptions))
            {
                var directive = token.LeadingTrivia.Concat(token.TrailingTrivia).FirstOrDefault(t => t.IsDirective);
                if (directive.IsDirective)
                {
                    result.Issues.Add(new ExpressionIssue("preprocessor directives are not allowed in an expression", directive.SpanStart, directive.Span.Length));
                    ok = false;
                    break;
                }
            }
        }
        return ok;
    }

    /// <summary>An identifier that is no keyword, contextual or not (`var`, `nameof`, `_` parse otherwise).</summary>
    private static bool IsPlainName(string code)
    {
        if (code.Length is 0 or > 64 || code == "_" || !(char.IsAsciiLetter(code[0]) || code[0] == '_')) return false;
        foreach (var c in code)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_') return false;
        }
        return SyntaxFacts.GetKeywordKind(code) == SyntaxKind.None && SyntaxFacts.GetContextualKeywordKind(code) == SyntaxKind.None;
    }

    private static void CompileTogether(IReadOnlyList<CSharpGlobal> globals, bool declareResponse, IReadOnlyList<string> expressions, bool[] parsed, Collector[] results)
    {
        // Layout: usings, the Response type, one class with a field per global and one local function
        // per expression, GroupSize of them to a method. Each expression's code starts on its own line;
        // starts[i] is its position.
        var text = new StringBuilder(1024);
        foreach (var import in Imports)
        {
            text.Append("using ").Append(import).Append(";\n");
        }
        if (declareResponse)
        {
            text.Append("public sealed class ").Append(ResponseTypeName)
                .Append(" { public long status; public string body; public dynamic json; public System.Collections.Generic.Dictionary<string, string> headers; }\n");
        }
        text.Append("public sealed class ").Append(ClassName).Append("\n{\n");
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var global in globals)
        {
            if (SyntaxFacts.IsValidIdentifier(global.Name) && declared.Add(global.Name))
            {
                text.Append("public ").Append(global.TypeName).Append(" @").Append(global.Name).Append(";\n");
            }
        }
        var starts = new int[expressions.Count];
        var methodSpans = new TextSpan[expressions.Count];
        int inGroup = 0;
        for (int i = 0; i < expressions.Count; i++)
        {
            if (!parsed[i])
            {
                continue;
            }
            if (inGroup == 0)
            {
                text.Append("public void __g").Append(i.ToString(CultureInfo.InvariantCulture)).Append("()\n{\n");
            }
            int methodStart = text.Length;
            text.Append("object __e").Append(i.ToString(CultureInfo.InvariantCulture)).Append("() => (\n");
            starts[i] = text.Length;
            text.Append(expressions[i]);
            text.Append("\n);\n");
            methodSpans[i] = TextSpan.FromBounds(methodStart, text.Length);
            if (++inGroup == GroupSize)
            {
                text.Append("}\n");
                inGroup = 0;
            }
        }
        if (inGroup > 0)
        {
            text.Append("}\n");
        }
        text.Append("}\n");

        var tree = CSharpSyntaxTree.ParseText(SourceText.From(text.ToString(), Encoding.UTF8), s_parseOptions);
        var compilation = CSharpCompilation.Create("PlaybookExpressions", new[] { tree }, s_references.Value, s_compilationOptions);
        var model = compilation.GetSemanticModel(tree, ignoreAccessibility: false);
        var globalsType = compilation.GetTypeByMetadataName(ClassName);

        // The compiled expressions in text order, so a diagnostic finds its expression by binary search
        // (a scan per diagnostic was quadratic on a file of thousands of erroneous expressions).
        var order = Enumerable.Range(0, expressions.Count).Where(i => parsed[i]).ToArray();

        // The last compiled expression whose key is at or before position, as an index into order; -1 if none.
        int LastAtOrBefore(int position, Func<int, int> key)
        {
            int lo = 0, hi = order.Length - 1, found = -1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                if (key(order[mid]) <= position)
                {
                    found = mid;
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }
            return found;
        }

        int Locate(int position)
        {
            int k = LastAtOrBefore(position, i => starts[i]);
            return k >= 0 && position <= starts[order[k]] + expressions[order[k]].Length ? order[k] : -1;
        }

        int Nearest(int position)
        {
            int best = -1;
            int bestDistance = int.MaxValue;
            int k = LastAtOrBefore(position, i => methodSpans[i].Start);
            for (int c = Math.Max(0, k); c <= Math.Min(order.Length - 1, k + 1); c++)
            {
                var span = methodSpans[order[c]];
                int distance = position < span.Start ? span.Start - position : position >= span.End ? position - span.End + 1 : 0;
                if (distance < bestDistance)
                {
                    best = order[c];
                    bestDistance = distance;
                }
            }
            return best;
        }

        var forbiddenByName = new Dictionary<string, ITypeSymbol?>(StringComparer.Ordinal);
        // Where the compiler found a name it does not know (CS0103, not a forbidden type): the purity walk
        // does not ask the semantic model about it again (it has no symbol), which for an expression that
        // is only such a name saves binding its method a second time.
        var unknown = new HashSet<int>();
        var forbiddenSearch = new ForbiddenTypeSearch(compilation);
        foreach (var diagnostic in compilation.GetDiagnostics())
        {
            if (diagnostic.Severity != DiagnosticSeverity.Error)
            {
                continue;
            }
            var span = diagnostic.Location.IsInSource ? diagnostic.Location.SourceSpan : default;
            int index = Locate(span.Start);
            if (index < 0)
            {
                int nearest = Nearest(span.Start);
                if (nearest >= 0)
                {
                    results[nearest].Issues.Add(new ExpressionIssue(Message(diagnostic), 0, 0));
                }
                continue;
            }
            string code = expressions[index];
            int offset = span.Start - starts[index];
            int length = Math.Min(span.Length, code.Length - offset);
            if (diagnostic.Id == "CS0103")
            {
                string name = code.Substring(offset, length).TrimStart('@');
                // Looked up once per name: a file can hold thousands of unknown names, mostly the same few.
                if (!forbiddenByName.TryGetValue(name, out var forbidden))
                {
                    forbiddenByName[name] = forbidden = forbiddenSearch.Find(name);
                }
                if (forbidden is not null)
                {
                    results[index].AddForbidden(forbidden.ToDisplayString(), Reach(forbidden) ?? "a namespace not allowed in expressions", offset, length);
                }
                else
                {
                    results[index].FreeNames.Add(new FreeName(name, offset, length));
                    unknown.Add(span.Start);
                }
                continue;
            }
            results[index].Issues.Add(new ExpressionIssue(Message(diagnostic), offset, length));
        }

        // Only the generated local functions: an expression may hold local functions of its own (in a lambda's block).
        var functions = tree.GetRoot().DescendantNodes(n => n is CompilationUnitSyntax or ClassDeclarationSyntax or MethodDeclarationSyntax or BlockSyntax { Parent: MethodDeclarationSyntax })
            .OfType<LocalFunctionStatementSyntax>();
        foreach (var function in functions)
        {
            int index = Locate(function.ExpressionBody?.Expression is ParenthesizedExpressionSyntax p ? p.Expression.SpanStart : -1);
            if (index < 0 || function.ExpressionBody?.Expression is not ParenthesizedExpressionSyntax body)
            {
                continue;
            }
            var checker = new PurityChecker(model, globalsType, starts[index], results[index], unknown);
            checker.Walk(body.Expression);
        }
    }

    private static string Message(Diagnostic diagnostic) =>
        diagnostic.GetMessage(CultureInfo.InvariantCulture).Replace(ClassName, "the playbook", StringComparison.Ordinal);

    /// <summary>Starts compiling a trivial expression on a thread-pool thread, so the one-time cost of
    /// loading and JIT-compiling Roslyn overlaps with other work (e.g. parsing playbooks). Optional:
    /// <see cref="AnalyzeAll"/> works the same whether or not this was called.</summary>
    public static void WarmUpInBackground() =>
        ThreadPool.UnsafeQueueUserWorkItem(static _ =>
        {
            try
            {
                AnalyzeAll(new[] { new CSharpGlobal("x", "long") }, new[] { "x > 0" });
            }
            catch (Exception)
            {
                // Warming up is best effort; the real call reports any problem.
            }
        }, null);

    // ---- purity policy ----------------------------------------------------------------------

    private static readonly HashSet<string> s_allowedNamespaces = new(StringComparer.Ordinal)
    {
        "System", "System.Linq", "System.Collections", "System.Collections.Generic", "System.Text",
        "System.Text.RegularExpressions", "System.Globalization", "System.Numerics",
    };

    /// <summary>Types of the System namespace that reach outside the expression.</summary>
    private static readonly Dictionary<string, string> s_forbiddenSystemTypes = new(StringComparer.Ordinal)
    {
        ["Environment"] = "the process environment",
        ["AppDomain"] = "the application domain",
        ["AppContext"] = "the application context",
        ["Activator"] = "reflection (creating instances by type)",
        ["Console"] = "the console",
        ["GC"] = "the garbage collector",
        ["Type"] = "reflection",
        ["TypedReference"] = "reflection",
        ["ArgIterator"] = "unsafe code",
        ["RuntimeTypeHandle"] = "reflection",
        ["RuntimeMethodHandle"] = "reflection",
        ["RuntimeFieldHandle"] = "reflection",
        ["RuntimeArgumentHandle"] = "unsafe code",
        ["ModuleHandle"] = "reflection",
        ["MarshalByRefObject"] = "remoting",
    };

    /// <summary>Namespaces searched when an unknown simple name might be a forbidden type that is not
    /// imported (e.g. <c>File</c>, <c>Process</c>, <c>Thread</c>).</summary>
    private static readonly string[] s_forbiddenNamespacesToSearch =
    {
        "System.IO", "System.Diagnostics", "System.Reflection", "System.Net", "System.Net.Http", "System.Net.Sockets",
        "System.Threading", "System.Threading.Tasks", "System.Runtime.InteropServices", "System.Runtime.Loader",
        "System.Runtime.CompilerServices",
    };

    /// <summary>Member names refused on <c>dynamic</c> receivers, whose members cannot be resolved statically.</summary>
    private static readonly HashSet<string> s_forbiddenDynamicMembers = new(StringComparer.Ordinal)
    {
        "GetType", "InvokeMember", "GetMethod", "GetMethods", "GetProperty", "GetProperties", "GetField", "GetFields",
        "GetMember", "GetMembers", "GetConstructor", "GetConstructors", "GetTypeInfo", "Assembly", "Module", "Method",
        "DynamicInvoke", "CreateDelegate", "TargetSite", "UnderlyingSystemType", "TypeHandle", "MethodHandle", "CreateInstance",
    };

    /// <summary>Finds the public type an unknown simple name may mean in the forbidden namespaces. The
    /// namespaces are resolved once, with the set of their public type names, so a file of tens of
    /// thousands of distinct unknown names costs one hash lookup each (walking the namespaces per name
    /// took seconds on 80 000 names: as long as Roslyn's own binding).</summary>
    private sealed class ForbiddenTypeSearch
    {
        private readonly INamespaceSymbol[] _namespaces;
        private readonly HashSet<string> _publicTypeNames = new(StringComparer.Ordinal);

        public ForbiddenTypeSearch(Compilation compilation)
        {
            var found = new List<INamespaceSymbol>(s_forbiddenNamespacesToSearch.Length);
            foreach (var ns in s_forbiddenNamespacesToSearch)
            {
                INamespaceSymbol? current = compilation.GlobalNamespace;
                foreach (var part in ns.Split('.'))
                {
                    current = current?.GetNamespaceMembers().FirstOrDefault(n => n.Name == part);
                }
                if (current is not null)
                {
                    found.Add(current);
                    foreach (var type in current.GetTypeMembers())
                    {
                        if (type.DeclaredAccessibility == Accessibility.Public)
                        {
                            _publicTypeNames.Add(type.Name);
                        }
                    }
                }
            }
            _namespaces = found.ToArray();
        }

        public ITypeSymbol? Find(string name)
        {
            if (!_publicTypeNames.Contains(name))
            {
                return null;
            }
            foreach (var ns in _namespaces)
            {
                var type = ns.GetTypeMembers(name).FirstOrDefault(t => t.DeclaredAccessibility == Accessibility.Public);
                if (type is not null)
                {
                    return type;
                }
            }
            return null;
        }
    }

    /// <summary>What a type reaches when it is not allowed in expressions, or null if it is allowed.</summary>
    private static string? Reach(ITypeSymbol? type)
    {
        switch (type)
        {
            case null:
            case ITypeParameterSymbol:
            case IDynamicTypeSymbol:
            case IErrorTypeSymbol:
                return null;
            case IArrayTypeSymbol array:
                return Reach(array.ElementType);
            case IPointerTypeSymbol:
            case IFunctionPointerTypeSymbol:
                return "unsafe code (pointers)";
            case INamedTypeSymbol named:
                foreach (var argument in named.TypeArguments)
                {
                    if (Reach(argument) is { } inner)
                    {
                        return inner;
                    }
                }
                var outer = named;
                while (outer.ContainingType is not null)
                {
                    outer = outer.ContainingType;
                }
                if (outer.ContainingNamespace is null || outer.ContainingNamespace.IsGlobalNamespace || named.IsAnonymousType || named.IsTupleType && named.ContainingNamespace?.ToDisplayString() == "System")
                {
                    return null;
                }
                string ns = outer.ContainingNamespace.ToDisplayString();
                if (ns == "System")
                {
                    return s_forbiddenSystemTypes.TryGetValue(outer.MetadataName, out var reason) ? $"{reason} (System.{outer.Name})" : null;
                }
                if (s_allowedNamespaces.Contains(ns))
                {
                    return null;
                }
                return ReachOfNamespace(ns);
            default:
                return null;
        }
    }

    private static string ReachOfNamespace(string ns)
    {
        static bool Under(string ns, string prefix) => ns == prefix || ns.StartsWith(prefix + ".", StringComparison.Ordinal);
        string what =
            Under(ns, "System.IO") ? "the file system" :
            Under(ns, "System.Diagnostics") ? "processes and diagnostics" :
            Under(ns, "System.Reflection") ? "reflection" :
            Under(ns, "System.Net") ? "the network" :
            Under(ns, "System.Threading") ? "threads and tasks" :
            Under(ns, "System.Runtime.InteropServices") ? "native interop" :
            Under(ns, "System.Runtime.Loader") ? "assembly loading" :
            Under(ns, "System.Runtime") ? "the runtime" :
            Under(ns, "System.Security") ? "security" :
            "a namespace not allowed in expressions";
        return $"{what} ({ns})";
    }

    private sealed class Collector
    {
        public List<ExpressionIssue> Issues { get; } = new();
        public List<FreeName> FreeNames { get; } = new();

        public void AddForbidden(string symbol, string reach, int offset, int length) =>
            Issues.Add(new ExpressionIssue($"{symbol}|{reach}", offset, length, ExpressionIssueKind.Forbidden));

        public ExpressionAnalysis ToAnalysis()
        {
            if (Issues.Count == 0 && FreeNames.Count == 0)
            {
                return ExpressionAnalysis.Empty;
            }
            // Most expressions have one name and no issue: nothing to sort (sorting each cost a tenth of
            // checking a file of 60 000 C# lets).
            return new ExpressionAnalysis(
                Issues.Count <= 1 ? Issues.ToArray() : Issues.OrderBy(i => i.Offset).ThenBy(i => i.Kind).ToArray(),
                FreeNames.Count <= 1 ? FreeNames.ToArray() : FreeNames.OrderBy(n => n.Offset).DistinctBy(n => n.Offset).ToArray());
        }
    }

    /// <summary>Walks one expression bottom-up: a node is refused only when none of its children was,
    /// so the report points at the smallest offending syntax (e.g. <c>File</c> in <c>File.ReadAllText(p)</c>).</summary>
    private sealed class PurityChecker
    {
        private readonly SemanticModel _model;
        private readonly INamedTypeSymbol? _globals;
        private readonly int _start;
        private readonly Collector _result;
        private readonly HashSet<int> _unknown;

        public PurityChecker(SemanticModel model, INamedTypeSymbol? globals, int start, Collector result, HashSet<int> unknown)
        {
            _model = model;
            _globals = globals;
            _start = start;
            _result = result;
            _unknown = unknown;
        }

        /// <returns>true when something at or below <paramref name="node"/> was refused.</returns>
        public bool Walk(SyntaxNode node)
        {
            bool reported = false;
            switch (node)
            {
                // When the receiver or qualifier is refused, the member name is not reported again.
                case MemberAccessExpressionSyntax access:
                    reported = Walk(access.Expression) || Walk(access.Name);
                    break;
                case QualifiedNameSyntax qualified:
                    reported = Walk(qualified.Left) || Walk(qualified.Right);
                    break;
                default:
                    foreach (var child in node.ChildNodes())
                    {
                        reported |= Walk(child);
                    }
                    break;
            }
            if (reported)
            {
                return true;
            }
            if (CheckSyntax(node) is { } syntaxReason)
            {
                Refuse(syntaxReason.Symbol, syntaxReason.Reach, node);
                return true;
            }
            return CheckSemantics(node);
        }

        private void Refuse(string symbol, string reach, SyntaxNode node) =>
            _result.AddForbidden(symbol, reach, node.SpanStart - _start, node.Span.Length);

        private static (string Symbol, string Reach)? CheckSyntax(SyntaxNode node)
        {
            switch (node)
            {
                case PointerTypeSyntax or FunctionPointerTypeSyntax:
                    return (node.ToString(), "unsafe code (pointers)");
                case StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax:
                    return ("stackalloc", "unsafe code (stack memory)");
                case FixedStatementSyntax:
                    return ("fixed", "unsafe code (pinned memory)");
                case UnsafeStatementSyntax:
                    return ("unsafe", "unsafe code");
                case MakeRefExpressionSyntax:
                    return ("__makeref", "unsafe code (typed references)");
                case RefTypeExpressionSyntax:
                    return ("__reftype", "unsafe code (typed references)");
                case RefValueExpressionSyntax:
                    return ("__refvalue", "unsafe code (typed references)");
                case PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.AddressOfExpression):
                    return ("&", "unsafe code (pointers)");
                case PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.PointerIndirectionExpression):
                    return ("*", "unsafe code (pointers)");
                case MemberAccessExpressionSyntax access when access.IsKind(SyntaxKind.PointerMemberAccessExpression):
                    return ("->", "unsafe code (pointers)");
                case AwaitExpressionSyntax:
                    return ("await", "asynchronous code (threads and tasks)");
                case LockStatementSyntax:
                    return ("lock", "threads and tasks (System.Threading)");
                case AnonymousFunctionExpressionSyntax function when function.Modifiers.Any(SyntaxKind.AsyncKeyword):
                    return ("async", "asynchronous code (threads and tasks)");
                case LocalFunctionStatementSyntax local when local.Modifiers.Any(SyntaxKind.ExternKeyword) || local.Modifiers.Any(SyntaxKind.UnsafeKeyword) || local.Modifiers.Any(SyntaxKind.AsyncKeyword):
                    return (local.Identifier.Text, local.Modifiers.Any(SyntaxKind.AsyncKeyword) ? "asynchronous code (threads and tasks)" : "unsafe code (extern or unsafe)");
                default:
                    return null;
            }
        }

        private bool CheckSemantics(SyntaxNode node)
        {
            switch (node)
            {
                case TypeOfExpressionSyntax:
                    Refuse(node.ToString(), "reflection (System.Type)", node);
                    return true;
                case MemberAccessExpressionSyntax access when IsDynamic(access.Expression) && s_forbiddenDynamicMembers.Contains(access.Name.Identifier.ValueText):
                    Refuse("dynamic." + access.Name.Identifier.ValueText, "reflection (not allowed on dynamic values)", access.Name);
                    return true;
                case MemberBindingExpressionSyntax binding when s_forbiddenDynamicMembers.Contains(binding.Name.Identifier.ValueText)
                    && binding.FirstAncestorOrSelf<ConditionalAccessExpressionSyntax>() is { } conditional && IsDynamic(conditional.Expression):
                    Refuse("dynamic." + binding.Name.Identifier.ValueText, "reflection (not allowed on dynamic values)", binding.Name);
                    return true;
                // Run values are read-only, so no expression can change what the next one reads: the runtime
                // sends a value again only when the run changes it.
                case AssignmentExpressionSyntax assignment when IsRunValue(assignment.Left):
                    Refuse(assignment.ToString(), RunValueReach, assignment);
                    return true;
                case PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax when IsIncrementOf(node, IsRunValue):
                    Refuse(node.ToString(), RunValueReach, node);
                    return true;
                case ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword or (int)SyntaxKind.OutKeyword } argument when IsRunValue(argument.Expression):
                    Refuse(argument.ToString(), RunValueReach, argument);
                    return true;
                case AssignmentExpressionSyntax assignment when IsStaticState(assignment.Left):
                    Refuse(assignment.Left.ToString(), "shared static state (assignment)", assignment);
                    return true;
                case PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax when IsIncrementOf(node, IsStaticState):
                    Refuse(node.ToString(), "shared static state (assignment)", node);
                    return true;
                case InvocationExpressionSyntax:
                case AnonymousFunctionExpressionSyntax:
                    // The callee and the body are checked as children; a lambda's own symbol is not interesting.
                    return false;
                case IdentifierNameSyntax identifier when _unknown.Contains(identifier.SpanStart):
                    return false;
                case IdentifierNameSyntax identifier:
                    var info = _model.GetSymbolInfo(identifier);
                    if (info.Symbol is IFieldSymbol field && _globals is not null && SymbolEqualityComparer.Default.Equals(field.ContainingType, _globals))
                    {
                        _result.FreeNames.Add(new FreeName(field.Name, identifier.SpanStart - _start, identifier.Span.Length));
                        return false;
                    }
                    return CheckSymbol(info, node);
                case ExpressionSyntax:
                    return CheckSymbol(_model.GetSymbolInfo(node), node);
                default:
                    return false;
            }
        }

        private bool IsDynamic(ExpressionSyntax expression) => _model.GetTypeInfo(expression).Type is IDynamicTypeSymbol;

        private bool IsStaticState(ExpressionSyntax target) =>
            _model.GetSymbolInfo(target).Symbol is IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true };

        private static bool IsIncrementOf(SyntaxNode node, Func<ExpressionSyntax, bool> target) => node switch
        {
            PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression) => target(p.Operand),
            PostfixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PostIncrementExpression) || p.IsKind(SyntaxKind.PostDecrementExpression) => target(p.Operand),
            _ => false,
        };

        private const string RunValueReach = "a run value (inputs, secrets, lets, captures and results are read-only)";

        /// <summary>An assignment target that is (or, in a deconstruction, holds) one of the globals: a run value.</summary>
        private bool IsRunValue(ExpressionSyntax target) => target switch
        {
            TupleExpressionSyntax tuple => tuple.Arguments.Any(a => IsRunValue(a.Expression)),
            ParenthesizedExpressionSyntax parenthesized => IsRunValue(parenthesized.Expression),
            _ => _globals is not null && _model.GetSymbolInfo(target).Symbol is IFieldSymbol field
                && SymbolEqualityComparer.Default.Equals(field.ContainingType, _globals),
        };

        private bool CheckSymbol(SymbolInfo info, SyntaxNode node)
        {
            var symbol = info.Symbol ?? (info.CandidateSymbols.Length > 0 ? info.CandidateSymbols[0] : null);
            if (symbol is null || Why(symbol) is not { } reach)
            {
                return false;
            }
            Refuse(symbol.ToDisplayString(), reach, node);
            return true;
        }

        /// <summary>What a symbol reaches when it is not allowed, or null.</summary>
        private static string? Why(ISymbol symbol)
        {
            switch (symbol)
            {
                case ITypeSymbol type:
                    return Reach(type);
                case IMethodSymbol method:
                    if (method.MethodKind is MethodKind.AnonymousFunction or MethodKind.LocalFunction)
                    {
                        return method.IsExtern ? "unsafe code (extern)" : null;
                    }
                    if (method.Name == "GetType" && method.Parameters.Length == 0)
                    {
                        return "reflection (System.Type)";
                    }
                    if (method.IsExtern && method.ContainingType?.ContainingNamespace?.IsGlobalNamespace == true)
                    {
                        return "unsafe code (extern)";
                    }
                    return Reach(method.ContainingType) ?? Reach(method.ReturnType) ?? method.Parameters.Select(p => Reach(p.Type)).FirstOrDefault(r => r is not null);
                case IPropertySymbol property:
                    return Reach(property.ContainingType) ?? Reach(property.Type) ?? property.Parameters.Select(p => Reach(p.Type)).FirstOrDefault(r => r is not null);
                case IFieldSymbol field:
                    return Reach(field.ContainingType) ?? Reach(field.Type);
                case IEventSymbol @event:
                    return Reach(@event.ContainingType) ?? Reach(@event.Type);
                default:
                    return null;
            }
        }
    }
}
