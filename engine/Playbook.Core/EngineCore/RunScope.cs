using System.Globalization;
using System.Text;
using Playbook.Compiling;

namespace Playbook.EngineCore;

/// <summary>The values a run's expressions read: inputs, secrets, lets and captures, and while a step's
/// own expressions are evaluated, its action's result. Evaluation goes through the run's
/// <see cref="IExpressionRuntime"/>, one per engine (Jint engines are not thread-safe).</summary>
public sealed class RunScope
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _captures = new(StringComparer.Ordinal);

    internal RunScope(IExpressionRuntime runtime) => Runtime = runtime;

    internal IExpressionRuntime Runtime { get; }

    /// <summary>Set for a run whose branches run concurrently: every read and change locks on it (the
    /// values and the expression engine are shared by the branches). Null in a dry run.</summary>
    internal object? Sync { get; set; }

    /// <summary>The run's cancellation (Ctrl+C, SIGTERM): an expression still running when it fires is
    /// stopped, and the run with it.</summary>
    internal CancellationToken Cancellation { get; set; }

    /// <summary>Bumped on every change, so the runtime re-sends values only when they changed.</summary>
    public int Version { get; private set; }

    public IReadOnlyDictionary<string, object?> Values => _values;

    public IReadOnlyDictionary<string, object?> Captures
    {
        get
        {
            // A copy (the scope is reused by the next run), built with a plain loop: read once per run.
            var copy = new Dictionary<string, object?>(_captures.Count, StringComparer.Ordinal);
            foreach (var c in _captures) copy.Add(c, _values[c]);
            return copy;
        }
    }

    internal void Clear()
    {
        _values.Clear();
        _captures.Clear();
        Version++;
    }

    public void Set(string name, object? value)
    {
        if (Sync is null) SetUnlocked(name, value);
        else lock (Sync) SetUnlocked(name, value);
    }

    private void SetUnlocked(string name, object? value)
    {
        _values[name] = value;
        Version++;
    }

    /// <summary>Drops a name: a foreach's item after the loop, and its body's captures before each item,
    /// so one item never reads what another captured.</summary>
    internal void Forget(string name)
    {
        if (Sync is null) ForgetUnlocked(name);
        else lock (Sync) ForgetUnlocked(name);
    }

    private void ForgetUnlocked(string name)
    {
        if (_values.Remove(name)) Version++;
        _captures.Remove(name);
    }

    public void Capture(string name, object? value)
    {
        if (Sync is null)
        {
            SetUnlocked(name, value);
            _captures.Add(name);
            return;
        }
        lock (Sync)
        {
            SetUnlocked(name, value);
            _captures.Add(name);
        }
    }

    public object? Evaluate(CompiledExpression expression, IReadOnlyDictionary<string, object?>? outputs = null) =>
        Evaluate(expression, outputs, Cancellation);

    /// <summary>Evaluates with a cancellation of the caller's own (e.g. a <c>script</c> step's timeout).</summary>
    public object? Evaluate(CompiledExpression expression, IReadOnlyDictionary<string, object?>? outputs, CancellationToken cancellation)
    {
        if (Sync is null) return Runtime.Evaluate(expression, this, outputs, cancellation);
        lock (Sync) return Runtime.Evaluate(expression, this, outputs, cancellation);
    }

    public bool Test(CompiledExpression expression, IReadOnlyDictionary<string, object?>? outputs = null)
    {
        if (Sync is null) return Runtime.Test(expression, this, outputs, Cancellation);
        lock (Sync) return Runtime.Test(expression, this, outputs, Cancellation);
    }

    public string Render(CompiledTemplate? template, IReadOnlyDictionary<string, object?>? outputs = null)
    {
        if (template is null) return "";
        if (Sync is not null)
        {
            lock (Sync) return RenderUnlocked(template, outputs);
        }
        return RenderUnlocked(template, outputs);
    }

    private string RenderUnlocked(CompiledTemplate template, IReadOnlyDictionary<string, object?>? outputs)
    {
        var parts = template.Parts;
        // A template of one part (plain text, or a lone ${…}) needs no builder.
        if (parts.Count == 1) return parts[0] is CompiledExpression single ? Display(Evaluate(single, outputs)) : (string)parts[0];
        var sb = new StringBuilder();
        foreach (var part in parts)
        {
            sb.Append(part is CompiledExpression e ? Display(Evaluate(e, outputs)) : (string)part);
        }
        return sb.ToString();
    }

    /// <summary>The values a <c>call … with { … }</c> passes, evaluated in this scope.</summary>
    public Dictionary<string, object?> CallArguments(ActionSpec action)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in action.CallArguments)
        {
            arguments[name] = value switch
            {
                CompiledTemplate t => Render(t),
                CompiledExpression e => Evaluate(e),
                _ => value,
            };
        }
        return arguments;
    }

    /// <summary>How a value reads in text: numbers in invariant form, booleans lower case, null as empty.</summary>
    public static string Display(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        double d => d.ToString(d == Math.Floor(d) && Math.Abs(d) < 1e15 ? "0" : "R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>Evaluates a playbook's expressions during a run.</summary>
public interface IExpressionRuntime
{
    object? Evaluate(CompiledExpression expression, RunScope scope, IReadOnlyDictionary<string, object?>? outputs, CancellationToken cancellation);

    bool Test(CompiledExpression expression, RunScope scope, IReadOnlyDictionary<string, object?>? outputs, CancellationToken cancellation);
}

/// <summary>An expression that failed while running, with the expression so the message can point at its line.</summary>
public sealed class ExpressionFailedException(CompiledExpression expression, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public CompiledExpression Expression { get; } = expression;
}
