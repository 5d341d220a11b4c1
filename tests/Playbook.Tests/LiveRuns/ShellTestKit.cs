using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.Syntax;

namespace Playbook.Tests.LiveRuns;

/// <summary>Templates built directly from parts, and a scope whose holes evaluate to fixed values by their
/// code, so the rendering tests can use values no playbook string could spell.</summary>
internal static class ShellTestKit
{
    public static CompiledExpression Hole(string code) =>
        new(0, code, ExpressionLanguage.JavaScript, new ExpressionSyntax(code, ExpressionLanguage.JavaScript, default, default));

    /// <summary>A template from parts: strings are literal text, <c>{name}</c> strings are holes.</summary>
    public static CompiledTemplate Template(params string[] parts) =>
        new(parts.Select(p => p.StartsWith('{') && p.EndsWith('}') ? (object)Hole(p[1..^1]) : p).ToList());

    public static RunScope Scope(params (string Name, object? Value)[] values) =>
        new(new FixedValues(values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal)));

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "playbook-actions-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private sealed class FixedValues(Dictionary<string, object?> values) : IExpressionRuntime
    {
        public object? Evaluate(CompiledExpression expression, RunScope scope, IReadOnlyDictionary<string, object?>? outputs, CancellationToken cancellation) =>
            outputs is not null && outputs.TryGetValue(expression.Code, out var o) ? o : values[expression.Code];

        public bool Test(CompiledExpression expression, RunScope scope, IReadOnlyDictionary<string, object?>? outputs, CancellationToken cancellation) =>
            Evaluate(expression, scope, outputs, cancellation) is true;
    }
}
