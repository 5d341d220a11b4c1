namespace Playbook.Expressions;

/// <summary>A problem inside one expression. <see cref="Offset"/> and <see cref="Length"/> are
/// relative to the expression's code, so the checker can map them to the playbook file.</summary>
public sealed record ExpressionIssue(string Message, int Offset, int Length, ExpressionIssueKind Kind = ExpressionIssueKind.Error)
{
    /// <summary>The expression nests deeper than <see cref="ExpressionDepth.Max"/> at <paramref name="offset"/>.</summary>
    public static ExpressionIssue TooDeep(int offset) =>
        new($"nested more than {ExpressionDepth.Max} levels deep", Math.Max(0, offset), 1, ExpressionIssueKind.TooDeep);
}

public enum ExpressionIssueKind
{
    /// <summary>A syntax or compile error (PB3001 for JavaScript, PB3002 for C#).</summary>
    Error,
    /// <summary>A C# API that is not pure (PB3003). <see cref="ExpressionIssue.Message"/> is "Symbol|what it reaches".</summary>
    Forbidden,
    /// <summary>Nested deeper than <see cref="ExpressionDepth.Max"/> (PB0008); the expression was not analysed further.</summary>
    TooDeep,
    /// <summary>A JavaScript name that reaches code from strings or shared prototypes (PB3201).
    /// <see cref="ExpressionIssue.Message"/> is "name|why|what to do instead".</summary>
    Refused,
}

/// <summary>A name an expression reads from outside itself (an input, let, secret, capture or
/// built-in), with its position relative to the expression's code.</summary>
public sealed record FreeName(string Name, int Offset, int Length);

/// <summary>What checking one expression found, without running it.</summary>
public sealed record ExpressionAnalysis(IReadOnlyList<ExpressionIssue> Issues, IReadOnlyList<FreeName> FreeNames)
{
    public static ExpressionAnalysis Empty { get; } = new(Array.Empty<ExpressionIssue>(), Array.Empty<FreeName>());
}

/// <summary>A name visible to C# expressions, with the C# type it has there (e.g. "string", "long",
/// "double", "bool", "System.TimeSpan", "dynamic").</summary>
public sealed record CSharpGlobal(string Name, string TypeName);
