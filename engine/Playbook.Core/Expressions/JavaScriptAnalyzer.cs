using Acornima;
using Acornima.Ast;

namespace Playbook.Expressions;

/// <summary>Checks one JavaScript expression without running it: parses it with Acornima (the
/// parser Jint uses) and lists the names it reads from its environment.</summary>
public static class JavaScriptAnalyzer
{
    /// <summary>Standard ECMAScript globals an expression may use without declaring them. <c>eval</c>
    /// and <c>Function</c> are deliberately absent, so they surface as unknown free names.</summary>
    public static IReadOnlySet<string> StandardGlobals { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Math", "JSON", "Number", "String", "Boolean", "Array", "Object", "Date", "RegExp",
        "parseInt", "parseFloat", "isNaN", "isFinite", "undefined", "NaN", "Infinity",
        "encodeURIComponent", "decodeURIComponent", "encodeURI", "decodeURI", "escape", "unescape",
        "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "Symbol", "BigInt", "Promise", "globalThis", "Intl",
        "Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError", "AggregateError",
        "ArrayBuffer", "DataView", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
        "Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
    };

    // Acornima's Parser keeps per-parse state, so one instance per thread is reused.
    [ThreadStatic] private static Parser? s_parser;

    private static Parser GetParser() => s_parser ??= new Parser(new ParserOptions
    {
        EcmaVersion = EcmaVersion.Latest,
        Tolerant = false,
    });

    private static readonly HashSet<string> s_statementKeywords = new(StringComparer.Ordinal)
    {
        "let", "const", "var", "if", "for", "while", "do", "return", "switch", "try", "throw", "break", "continue", "import", "export",
    };

    public static ExpressionAnalysis Analyze(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        // Deep brackets never reach the parser; deep operator chains are caught by its stack guard or,
        // parsed, by the tree scan: the walker below and Jint at run time recurse once per level.
        if (ExpressionDepth.FindTooDeepBracket(code, csharp: false) is { } deepBracket)
        {
            return TooDeep(deepBracket);
        }
        Expression expression;
        try
        {
            expression = GetParser().ParseExpression(code);
        }
        catch (ParseErrorException ex)
        {
            return new ExpressionAnalysis(new[] { ToIssue(code, ex.Error) }, Array.Empty<FreeName>());
        }
        catch (InsufficientExecutionStackException)
        {
            s_parser = null; // its state is mid-parse
            return TooDeep(0);
        }
        if (ExpressionDepth.FindTooDeepNode<Node>(expression, n => n.ChildNodes, _ => true) is { } deepNode)
        {
            return TooDeep(deepNode.Start);
        }

        var walker = new FreeNameWalker();
        walker.Visit(expression);
        return new ExpressionAnalysis(walker.Refused, walker.Names);
    }

    private static ExpressionAnalysis TooDeep(int offset) =>
        new(new[] { ExpressionIssue.TooDeep(offset) }, Array.Empty<FreeName>());

    /// <summary>Names that reach code built from strings or the prototypes all expressions share, with why
    /// and what to do instead (PB3201). Read as a global, a property (<c>globalThis.eval</c>,
    /// <c>[].constructor.constructor</c>), a string key (<c>x["constructor"]</c>) or a destructured key.
    /// A key computed at run time cannot be seen here: the runtime refuses code from strings and freezes
    /// the built-ins as well.</summary>
    private static readonly Dictionary<string, (string Reason, string Help)> s_refused = new(StringComparer.Ordinal)
    {
        ["eval"] = ("it runs code built from a string", "write the code in the expression itself"),
        ["Function"] = ("it runs code built from a string", "write the code in the expression itself, e.g. as an arrow function"),
        ["constructor"] = ("it reaches the Function constructor, which runs code built from a string ([].constructor.constructor)",
            "test what a value is with Array.isArray(x), typeof x or x instanceof Date"),
        ["__proto__"] = ("it reaches the prototypes that every expression shares", "read a prototype with Object.getPrototypeOf(x)"),
        ["__defineGetter__"] = ("it changes objects through legacy accessors", "define properties in an object literal"),
        ["__defineSetter__"] = ("it changes objects through legacy accessors", "define properties in an object literal"),
        ["__lookupGetter__"] = ("it reaches legacy accessors", "use Object.getOwnPropertyDescriptor(x, name)"),
        ["__lookupSetter__"] = ("it reaches legacy accessors", "use Object.getOwnPropertyDescriptor(x, name)"),
    };

    private static ExpressionIssue ToIssue(string code, ParseError error)
    {
        int offset = error.IsIndexDefined ? error.Index : IndexOf(code, error.LineNumber, error.Column);
        offset = Math.Clamp(offset, 0, code.Length);
        int length = TokenLength(code, offset);

        if (IsBlank(code))
        {
            return new ExpressionIssue("expected an expression, but the code is empty", 0, 0);
        }

        string description = error.Description;
        if (offset < code.Length && code[offset] == ';')
        {
            return new ExpressionIssue($"expected an expression: only a single expression is allowed here, not statements separated by ';' ({description})", offset, length);
        }

        string first = FirstWord(code);
        if (s_statementKeywords.Contains(first))
        {
            return new ExpressionIssue($"expected an expression, not a '{first}' statement ({description})", offset, length);
        }

        return new ExpressionIssue(description, offset, length);
    }

    /// <summary>Converts Acornima's 1-based line and 0-based column to an index into <paramref name="code"/>,
    /// counting \r\n, \n, \r, U+2028 and U+2029 as line terminators like the JavaScript grammar does.</summary>
    private static int IndexOf(string code, int line, int column)
    {
        int index = 0;
        for (int current = 1; current < line && index < code.Length; index++)
        {
            char c = code[index];
            if (c == '\r' && index + 1 < code.Length && code[index + 1] == '\n')
            {
                index++;
                current++;
            }
            else if (c is '\n' or '\r' or '\u2028' or '\u2029')
            {
                current++;
            }
        }
        return index + Math.Max(0, column);
    }

    private static int TokenLength(string code, int offset)
    {
        if (offset >= code.Length)
        {
            return 0;
        }
        int end = offset;
        while (end < code.Length && (char.IsLetterOrDigit(code[end]) || code[end] is '_' or '$'))
        {
            end++;
        }
        if (end > offset)
        {
            return end - offset;
        }
        return char.IsHighSurrogate(code[offset]) && offset + 1 < code.Length ? 2 : 1;
    }

    private static bool IsBlank(string code)
    {
        // Only whitespace and comments: the tokenizer would report the end of input.
        int i = 0;
        while (i < code.Length)
        {
            if (char.IsWhiteSpace(code[i]))
            {
                i++;
            }
            else if (code.AsSpan(i).StartsWith("//"))
            {
                while (i < code.Length && code[i] is not ('\n' or '\r' or '\u2028' or '\u2029'))
                {
                    i++;
                }
            }
            else if (code.AsSpan(i).StartsWith("/*"))
            {
                int close = code.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    return false;
                }
                i = close + 2;
            }
            else
            {
                return false;
            }
        }
        return true;
    }

    private static string FirstWord(string code)
    {
        int start = 0;
        while (start < code.Length && char.IsWhiteSpace(code[start]))
        {
            start++;
        }
        int end = start;
        while (end < code.Length && char.IsLetter(code[end]))
        {
            end++;
        }
        return code[start..end];
    }

    /// <summary>Walks the AST with a stack of scopes and records every identifier reference that is
    /// bound neither inside the expression nor as a standard global.</summary>
    private sealed class FreeNameWalker
    {
        private readonly List<HashSet<string>> _scopes = new();
        public List<FreeName> Names { get; } = new();
        public List<ExpressionIssue> Refused { get; } = new();

        /// <summary>A refused name at this node (see <see cref="s_refused"/>); true when it was one.</summary>
        private bool Refuse(string name, Node at)
        {
            if (!s_refused.TryGetValue(name, out var why)) return false;
            Refused.Add(new ExpressionIssue($"{name}|{why.Reason}|{why.Help}", at.Start, at.End - at.Start, ExpressionIssueKind.Refused));
            return true;
        }

        /// <summary>A property key as written: <c>x.key</c>, <c>x["key"]</c>, <c>{ key: … }</c>.</summary>
        private static string? KeyName(Node key, bool computed) => key switch
        {
            Identifier id when !computed => id.Name,
            Literal { Value: string text } => text,
            _ => null,
        };

        private bool IsBound(string name)
        {
            for (int i = _scopes.Count - 1; i >= 0; i--)
            {
                if (_scopes[i].Contains(name))
                {
                    return true;
                }
            }
            return StandardGlobals.Contains(name);
        }

        private void Reference(Identifier id)
        {
            if (!IsBound(id.Name) && !Refuse(id.Name, id))
            {
                Names.Add(new FreeName(id.Name, id.Start, id.End - id.Start));
            }
        }

        public void Visit(Node? node)
        {
            switch (node)
            {
                case null:
                    return;
                case Identifier id:
                    Reference(id);
                    return;
                case MemberExpression member:
                    Visit(member.Object);
                    if (KeyName(member.Property, member.Computed) is { } memberName)
                    {
                        Refuse(memberName, member.Property);
                    }
                    if (member.Computed)
                    {
                        Visit(member.Property);
                    }
                    return;
                case Property property:
                    // Object literal: non-computed keys are names, not references; a shorthand
                    // property `{a}` reads `a` through its value.
                    if (property.Computed)
                    {
                        Visit(property.Key);
                    }
                    Visit(property.Value);
                    return;
                case ClassProperty classProperty:
                    foreach (var decorator in DecoratorsOf(classProperty))
                    {
                        Visit(decorator);
                    }
                    if (classProperty.Computed)
                    {
                        Visit(classProperty.Key);
                    }
                    Visit(classProperty.Value);
                    return;
                case PrivateIdentifier:
                case MetaProperty:
                case TemplateElement:
                case Literal:
                    return;
                case LabeledStatement labeled:
                    Visit(labeled.Body);
                    return;
                case BreakStatement:
                case ContinueStatement:
                    return;
                case IFunction function:
                    VisitFunction(function);
                    return;
                case ClassExpression classExpression:
                    VisitClass(classExpression.Id, classExpression.SuperClass, classExpression.Body, classExpression.Decorators);
                    return;
                case ClassDeclaration classDeclaration:
                    // The name itself was declared in the enclosing block scope.
                    VisitClass(classDeclaration.Id, classDeclaration.SuperClass, classDeclaration.Body, classDeclaration.Decorators);
                    return;
                case VariableDeclaration declaration:
                    foreach (var declarator in declaration.Declarations)
                    {
                        VisitPattern(declarator.Id);
                        Visit(declarator.Init);
                    }
                    return;
                case BlockStatement block:
                    PushScope();
                    DeclareLexical(block.Body, _scopes[^1]);
                    foreach (var statement in block.Body)
                    {
                        Visit(statement);
                    }
                    PopScope();
                    return;
                case SwitchStatement switchStatement:
                    Visit(switchStatement.Discriminant);
                    PushScope();
                    foreach (var switchCase in switchStatement.Cases)
                    {
                        DeclareLexical(switchCase.Consequent, _scopes[^1]);
                    }
                    foreach (var switchCase in switchStatement.Cases)
                    {
                        Visit(switchCase.Test);
                        foreach (var statement in switchCase.Consequent)
                        {
                            Visit(statement);
                        }
                    }
                    PopScope();
                    return;
                case ForStatement forStatement:
                    PushScope();
                    DeclareLoopHead(forStatement.Init);
                    Visit(forStatement.Init);
                    Visit(forStatement.Test);
                    Visit(forStatement.Update);
                    Visit(forStatement.Body);
                    PopScope();
                    return;
                case ForInStatement forIn:
                    PushScope();
                    DeclareLoopHead(forIn.Left);
                    Visit(forIn.Right);
                    VisitLoopLeft(forIn.Left);
                    Visit(forIn.Body);
                    PopScope();
                    return;
                case ForOfStatement forOf:
                    PushScope();
                    DeclareLoopHead(forOf.Left);
                    Visit(forOf.Right);
                    VisitLoopLeft(forOf.Left);
                    Visit(forOf.Body);
                    PopScope();
                    return;
                case TryStatement tryStatement:
                    Visit(tryStatement.Block);
                    if (tryStatement.Handler is { } handler)
                    {
                        PushScope();
                        if (handler.Param is { } param)
                        {
                            CollectPatternNames(param, _scopes[^1]);
                            VisitPattern(param);
                        }
                        Visit(handler.Body);
                        PopScope();
                    }
                    Visit(tryStatement.Finalizer);
                    return;
                case AssignmentExpression assignment:
                    // A destructuring assignment target is a pattern: its keys are not references.
                    VisitPattern(assignment.Left);
                    Visit(assignment.Right);
                    return;
                default:
                    foreach (var child in node.ChildNodes)
                    {
                        Visit(child);
                    }
                    return;
            }
        }

        private static NodeList<Decorator> DecoratorsOf(ClassProperty property) => property switch
        {
            MethodDefinition m => m.Decorators,
            PropertyDefinition p => p.Decorators,
            AccessorProperty a => a.Decorators,
            _ => default,
        };

        private void VisitLoopLeft(Node left)
        {
            if (left is VariableDeclaration declaration)
            {
                foreach (var declarator in declaration.Declarations)
                {
                    VisitPattern(declarator.Id);
                }
            }
            else
            {
                VisitPattern(left);
            }
        }

        private void DeclareLoopHead(Node? head)
        {
            if (head is VariableDeclaration { Kind: not VariableDeclarationKind.Var } declaration)
            {
                foreach (var declarator in declaration.Declarations)
                {
                    CollectPatternNames(declarator.Id, _scopes[^1]);
                }
            }
        }

        private void VisitFunction(IFunction function)
        {
            PushScope();
            var scope = _scopes[^1];
            if (function is FunctionExpression { Id: { } ownName })
            {
                scope.Add(ownName.Name);
            }
            if (function is not ArrowFunctionExpression)
            {
                scope.Add("arguments");
            }
            foreach (var param in function.Params)
            {
                CollectPatternNames(param, scope);
            }
            if (function.Body is FunctionBody body)
            {
                CollectVarNames(body, scope);
                DeclareLexical(body.Body, scope);
            }
            foreach (var param in function.Params)
            {
                VisitPattern(param);
            }
            if (function.Body is FunctionBody functionBody)
            {
                foreach (var statement in functionBody.Body)
                {
                    Visit(statement);
                }
            }
            else
            {
                Visit(function.Body);
            }
            PopScope();
        }

        private void VisitClass(Identifier? id, Expression? superClass, ClassBody body, NodeList<Decorator> decorators)
        {
            foreach (var decorator in decorators)
            {
                Visit(decorator);
            }
            Visit(superClass);
            PushScope();
            if (id is not null)
            {
                _scopes[^1].Add(id.Name);
            }
            foreach (var element in body.Body)
            {
                Visit(element);
            }
            PopScope();
        }

        /// <summary>Visits the parts of a binding or assignment pattern that are evaluated: computed
        /// keys, default values, and (for assignment targets) the identifiers and member objects.</summary>
        private void VisitPattern(Node? pattern)
        {
            switch (pattern)
            {
                case null:
                    return;
                case Identifier id:
                    Reference(id);
                    return;
                case ObjectPattern objectPattern:
                    foreach (var element in objectPattern.Properties)
                    {
                        if (element is Property property)
                        {
                            if (KeyName(property.Key, property.Computed) is { } keyName)
                            {
                                Refuse(keyName, property.Key);
                            }
                            if (property.Computed)
                            {
                                Visit(property.Key);
                            }
                            VisitPattern(property.Value);
                        }
                        else
                        {
                            VisitPattern(element);
                        }
                    }
                    return;
                case ArrayPattern arrayPattern:
                    foreach (var element in arrayPattern.Elements)
                    {
                        VisitPattern(element);
                    }
                    return;
                case AssignmentPattern assignmentPattern:
                    VisitPattern(assignmentPattern.Left);
                    Visit(assignmentPattern.Right);
                    return;
                case RestElement rest:
                    VisitPattern(rest.Argument);
                    return;
                default:
                    Visit(pattern);
                    return;
            }
        }

        private static void CollectPatternNames(Node? pattern, HashSet<string> into)
        {
            switch (pattern)
            {
                case Identifier id:
                    into.Add(id.Name);
                    return;
                case ObjectPattern objectPattern:
                    foreach (var element in objectPattern.Properties)
                    {
                        CollectPatternNames(element is Property property ? property.Value : element, into);
                    }
                    return;
                case ArrayPattern arrayPattern:
                    foreach (var element in arrayPattern.Elements)
                    {
                        CollectPatternNames(element, into);
                    }
                    return;
                case AssignmentPattern assignmentPattern:
                    CollectPatternNames(assignmentPattern.Left, into);
                    return;
                case RestElement rest:
                    CollectPatternNames(rest.Argument, into);
                    return;
            }
        }

        /// <summary>Declarations scoped to a block: let, const, class and function declarations.</summary>
        private static void DeclareLexical(in NodeList<Statement> statements, HashSet<string> into)
        {
            foreach (var statement in statements)
            {
                DeclareLexicalStatement(statement, into);
            }
        }

        private static void DeclareLexicalStatement(Statement statement, HashSet<string> into)
        {
            switch (statement)
            {
                case VariableDeclaration { Kind: not VariableDeclarationKind.Var } declaration:
                    foreach (var declarator in declaration.Declarations)
                    {
                        CollectPatternNames(declarator.Id, into);
                    }
                    break;
                case ClassDeclaration { Id: { } classId }:
                    into.Add(classId.Name);
                    break;
                case FunctionDeclaration { Id: { } functionId }:
                    into.Add(functionId.Name);
                    break;
                case LabeledStatement labeled:
                    DeclareLexicalStatement(labeled.Body, into);
                    break;
            }
        }

        /// <summary>`var` declarations anywhere in a function body (not in nested functions) are
        /// hoisted to the function scope.</summary>
        private static void CollectVarNames(Node? node, HashSet<string> into)
        {
            switch (node)
            {
                case null:
                case IFunction:
                case Expression:
                case ClassDeclaration:
                    return;
                case VariableDeclaration { Kind: VariableDeclarationKind.Var } declaration:
                    foreach (var declarator in declaration.Declarations)
                    {
                        CollectPatternNames(declarator.Id, into);
                    }
                    return;
                default:
                    foreach (var child in node.ChildNodes)
                    {
                        CollectVarNames(child, into);
                    }
                    return;
            }
        }

        private void PushScope() => _scopes.Add(new HashSet<string>(StringComparer.Ordinal));

        private void PopScope() => _scopes.RemoveAt(_scopes.Count - 1);
    }
}
