using Playbook.Compiling;
using Playbook.Syntax;

namespace Playbook.EngineCore;

/// <summary>Sends each expression to its language's runtime: Jint for JavaScript, the playbook's
/// compiled C# delegates for C#. One per engine instance.</summary>
public sealed class ExpressionRuntime : IExpressionRuntime
{
    private readonly CompiledPlaybook _playbook;
    private readonly JavaScriptRuntime _javaScript;
    private readonly CSharpRuntime? _csharp;

    public ExpressionRuntime(CompiledPlaybook playbook, JavaScriptRuntime? javaScript = null)
    {
        _playbook = playbook;
        _javaScript = javaScript ?? new JavaScriptRuntime();
        var language = playbook.DefaultLanguage;
        _csharp = playbook.Expressions.Any(e => (e.Language ?? language) == ExpressionLanguage.CSharp)
            ? CSharpRuntime.For(playbook)
            : null;
    }

    /// <summary>The C# runtime, when the playbook has C# expressions (tests read its counters).</summary>
    internal CSharpRuntime? CSharp => _csharp;

    /// <summary>The JavaScript runtime (tests read its counters).</summary>
    internal JavaScriptRuntime JavaScript => _javaScript;

    public object? Evaluate(CompiledExpression expression, RunScope scope, IReadOnlyDictionary<string, object?>? outputs, CancellationToken cancellation = default) =>
        expression.Language == ExpressionLanguage.CSharp
            ? _csharp!.Evaluate(expression, scope, outputs, cancellation)
            : _javaScript.Evaluate(expression, scope, outputs, _playbook, cancellation);

    public bool Test(CompiledExpression expression, RunScope scope, IReadOnlyDictionary<string, object?>? outputs, CancellationToken cancellation = default) =>
        expression.Language == ExpressionLanguage.CSharp
            ? CSharpRuntime.Truthy(_csharp!.Evaluate(expression, scope, outputs, cancellation))
            : _javaScript.Test(expression, scope, outputs, _playbook, cancellation);
}
