using System.Collections;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Runtime;
using Playbook.Compiling;

namespace Playbook.EngineCore;

/// <summary>Runs JavaScript expressions with Jint: one engine per run engine (Jint engines are not
/// thread-safe), each expression parsed once into a prepared script, with limits on time, statements,
/// memory and recursion and no access to .NET. Values reach the engine only when they changed.</summary>
public sealed class JavaScriptRuntime
{
    // Limits on what one expression may do: time, statements, memory and recursion; no .NET access.
    private readonly Engine _engine = new(options => options
        .LimitRecursion(64)
        .MaxStatements(100_000)
        .LimitMemory(16_000_000)
        .Constraint(new ExpressionTimeLimit(TimeSpan.FromSeconds(2)))
        .Strict());

    private readonly Dictionary<int, Prepared<Script>> _prepared = new();
    private CompiledPlaybook? _preparedFor;
    private RunScope? _lastScope;
    private int _lastVersion = -1;
    private readonly HashSet<string> _resultNames = new(StringComparer.Ordinal);

    public object? Evaluate(CompiledExpression expression, RunScope scope, IReadOnlyDictionary<string, object?>? outputs, CompiledPlaybook playbook) =>
        ToClr(Run(expression, scope, outputs, playbook));

    public bool Test(CompiledExpression expression, RunScope scope, IReadOnlyDictionary<string, object?>? outputs, CompiledPlaybook playbook) =>
        TypeConverter.ToBoolean(Run(expression, scope, outputs, playbook));

    private JsValue Run(CompiledExpression expression, RunScope scope, IReadOnlyDictionary<string, object?>? outputs, CompiledPlaybook playbook)
    {
        if (!ReferenceEquals(_preparedFor, playbook))
        {
            _prepared.Clear();
            _preparedFor = playbook;
        }
        if (!_prepared.TryGetValue(expression.Id, out var script))
        {
            // Parenthesised so an object literal reads as a value, not a block.
            script = Engine.PrepareScript("(" + expression.Code + "\n)", strict: true);
            _prepared[expression.Id] = script;
        }
        if (!ReferenceEquals(_lastScope, scope) || _lastVersion != scope.Version)
        {
            foreach (var (name, value) in scope.Values) _engine.SetValue(name, ToJs(value));
            _lastScope = scope;
            _lastVersion = scope.Version;
        }
        foreach (var name in _resultNames) _engine.SetValue(name, JsValue.Undefined);
        _resultNames.Clear();
        if (outputs is not null)
        {
            foreach (var (name, value) in outputs)
            {
                _engine.SetValue(name, ToJs(value));
                _resultNames.Add(name);
            }
        }
        try
        {
            return _engine.Evaluate(script);
        }
        catch (JavaScriptException e)
        {
            throw new ExpressionFailedException(expression, e.Message, e);
        }
        catch (Exception e) when (e is StatementsCountOverflowException or MemoryLimitExceededException or RecursionDepthOverflowException or TimeoutException or JintException)
        {
            throw new ExpressionFailedException(expression, e.Message, e);
        }
    }

    private JsValue ToJs(object? value) => value switch
    {
        null => JsValue.Null,
        JsValue js => js,
        string s => new JsString(s),
        bool b => b ? JsBoolean.True : JsBoolean.False,
        long l => new JsNumber(l),
        int i => new JsNumber(i),
        double d => new JsNumber(d),
        TimeSpan t => new JsNumber(t.TotalMilliseconds),
        IDictionary<string, object?> map => ToObject(map),
        IList list => ToArray(list),
        _ => JsValue.FromObject(_engine, value),
    };

    private JsValue ToObject(IDictionary<string, object?> map)
    {
        var obj = new JsObject(_engine);
        foreach (var (key, v) in map) obj.Set(key, ToJs(v));
        return obj;
    }

    private JsValue ToArray(IList list)
    {
        var items = new JsValue[list.Count];
        for (var i = 0; i < items.Length; i++) items[i] = ToJs(list[i]);
        return new JsArray(_engine, items);
    }

    /// <summary>Results as plain .NET values: numbers as long when whole, objects as maps.</summary>
    public static object? ToClr(JsValue value)
    {
        if (value.IsNull() || value.IsUndefined()) return null;
        if (value.IsBoolean()) return value.AsBoolean();
        if (value.IsString()) return value.AsString();
        if (value.IsNumber())
        {
            var d = value.AsNumber();
            return d == Math.Floor(d) && Math.Abs(d) < 9e15 ? (object)(long)d : d;
        }
        if (value is JsArray array)
        {
            var list = new List<object?>();
            for (uint i = 0; i < array.Length; i++) list.Add(ToClr(array.Get(i)));
            return list;
        }
        if (value.IsObject())
        {
            var obj = value.AsObject();
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var key in obj.GetOwnPropertyKeys(Types.String)) map[key.ToString()] = ToClr(obj.Get(key));
            return map;
        }
        return value.ToString();
    }
}
