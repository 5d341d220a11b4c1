using System.Collections;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Runtime;
using Playbook.Compiling;

namespace Playbook.EngineCore;

/// <summary>Runs JavaScript expressions with Jint: one engine per run engine (Jint engines are not
/// thread-safe), each expression parsed once into a prepared script, with limits on time, statements,
/// memory, recursion and regex matches (<see cref="ExpressionLimits"/>), no access to .NET, no code built
/// from strings, and built-ins frozen, so no expression can change what the next one sees. Values reach
/// the engine only when they changed.</summary>
public sealed class JavaScriptRuntime
{
    private readonly ExpressionTimeLimit _timeLimit = new(ExpressionLimits.Time);
    private readonly Engine _engine;

    public JavaScriptRuntime()
    {
        _engine = new Engine(options =>
        {
            options.LimitRecursion(ExpressionLimits.Recursion)
                .MaxStatements(100_000)
                .LimitMemory(ExpressionLimits.MemoryBytes)
                .Constraint(_timeLimit)
                // eval("…") and Function("…") (however reached: [].constructor.constructor…) throw.
                .DisableStringCompilation()
                .Strict();
            options.Constraints.RegexTimeout = ExpressionLimits.RegexMatch;
        });
        _timeLimit.Paused = true;
        _engine.Execute(FreezeIntrinsics);
        _timeLimit.Paused = false;
    }

    /// <summary>Run once per engine, before any value is set: every object reachable from the global object
    /// and from the intrinsics that have no global name (iterator, generator and async function prototypes)
    /// is frozen, and the built-in global names become read-only. Freezing costs once per engine; restoring
    /// after each expression would cost every time. A consequence: assigning an inherited name such as
    /// <c>o.toString = …</c> throws in strict code (define it in the object literal instead).</summary>
    private const string FreezeIntrinsics = """
        (() => {
          const proto = Object.getPrototypeOf;
          const roots = [globalThis, proto(function* () {}), proto(async function () {}), proto(async function* () {}),
            proto([][Symbol.iterator]()), proto(new Map().entries()), proto(new Set().values()), proto(''[Symbol.iterator]()),
            proto(/x/[Symbol.matchAll]('')), proto((function* () {})()), proto((async function* () {})())];
          const seen = new Set();
          const stack = roots.slice();
          while (stack.length > 0) {
            const o = stack.pop();
            if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) continue;
            seen.add(o);
            for (const key of Reflect.ownKeys(o)) {
              const d = Object.getOwnPropertyDescriptor(o, key);
              if (d !== undefined) stack.push(d.value, d.get, d.set);
            }
            stack.push(proto(o));
            if (o !== globalThis) Object.freeze(o);
          }
          for (const key of Reflect.ownKeys(globalThis)) {
            const d = Object.getOwnPropertyDescriptor(globalThis, key);
            if (d !== undefined && d.configurable) Object.defineProperty(globalThis, key, { writable: false, configurable: false });
          }
        })();
        """;

    private readonly Dictionary<int, Prepared<Script>> _prepared = new();
    private CompiledPlaybook? _preparedFor;
    private RunScope? _lastScope;
    private int _lastVersion = -1;
    private readonly HashSet<string> _resultNames = new(StringComparer.Ordinal);

    public object? Evaluate(CompiledExpression expression, RunScope scope, IReadOnlyDictionary<string, object?>? outputs, CompiledPlaybook playbook,
        CancellationToken cancellation = default)
    {
        var value = Run(expression, scope, outputs, playbook, cancellation);
        try
        {
            return ToClr(value);
        }
        catch (ExpressionLimitException e)
        {
            throw new ExpressionFailedException(expression, e.Message, e);
        }
    }

    public bool Test(CompiledExpression expression, RunScope scope, IReadOnlyDictionary<string, object?>? outputs, CompiledPlaybook playbook,
        CancellationToken cancellation = default) =>
        TypeConverter.ToBoolean(Run(expression, scope, outputs, playbook, cancellation));

    private JsValue Run(CompiledExpression expression, RunScope scope, IReadOnlyDictionary<string, object?>? outputs, CompiledPlaybook playbook,
        CancellationToken cancellation)
    {
        try
        {
            return RunUnchecked(expression, scope, outputs, playbook, cancellation);
        }
        catch (ExpressionLimitException e)
        {
            // A value too deep to convert: the run's values are set again before the next expression.
            _lastScope = null;
            throw new ExpressionFailedException(expression, e.Message, e);
        }
    }

    private JsValue RunUnchecked(CompiledExpression expression, RunScope scope, IReadOnlyDictionary<string, object?>? outputs, CompiledPlaybook playbook,
        CancellationToken cancellation)
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
        _timeLimit.Cancellation = cancellation;
        try
        {
            return _engine.Evaluate(script);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw;
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

    // Converting values is recursive, so it is bounded (ExpressionLimits.ValueDepth): a deeper value
    // fails the expression instead of overflowing the stack.
    private JsValue ToJs(object? value, int depth = 0) => value switch
    {
        IDictionary<string, object?> or IList when depth >= ExpressionLimits.ValueDepth => throw new ExpressionLimitException(CSharpValues.ValueTooDeep),
        null => JsValue.Null,
        JsValue js => js,
        string s => new JsString(s),
        bool b => b ? JsBoolean.True : JsBoolean.False,
        long l => new JsNumber(l),
        int i => new JsNumber(i),
        double d => new JsNumber(d),
        TimeSpan t => new JsNumber(t.TotalMilliseconds),
        IDictionary<string, object?> map => ToObject(map, depth),
        IList list => ToArray(list, depth),
        _ => JsValue.FromObject(_engine, value),
    };

    private JsValue ToObject(IDictionary<string, object?> map, int depth)
    {
        var obj = new JsObject(_engine);
        foreach (var (key, v) in map) obj.Set(key, ToJs(v, depth + 1));
        return obj;
    }

    private JsValue ToArray(IList list, int depth)
    {
        var items = new JsValue[list.Count];
        for (var i = 0; i < items.Length; i++) items[i] = ToJs(list[i], depth + 1);
        return new JsArray(_engine, items);
    }

    /// <summary>Results as plain .NET values: numbers as long when whole, objects as maps.</summary>
    public static object? ToClr(JsValue value)
    {
        var items = 0;
        return ToClr(value, 0, ref items);
    }

    private static object? ToClr(JsValue value, int depth, ref int items)
    {
        if (++items > ExpressionLimits.ValueItems) throw new ExpressionLimitException(CSharpValues.ValueTooLarge);
        if (value.IsNull() || value.IsUndefined()) return null;
        if (value.IsBoolean()) return value.AsBoolean();
        if (value.IsString()) return value.AsString();
        if (value.IsNumber())
        {
            var d = value.AsNumber();
            return d == Math.Floor(d) && Math.Abs(d) < 9e15 ? (object)(long)d : d;
        }
        if (value.IsObject() && depth >= ExpressionLimits.ValueDepth) throw new ExpressionLimitException(CSharpValues.ValueTooDeep);
        if (value is JsArray array)
        {
            var list = new List<object?>();
            for (uint i = 0; i < array.Length; i++) list.Add(ToClr(array.Get(i), depth + 1, ref items));
            return list;
        }
        if (value.IsObject())
        {
            var obj = value.AsObject();
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var key in obj.GetOwnPropertyKeys(Types.String)) map[key.ToString()] = ToClr(obj.Get(key), depth + 1, ref items);
            return map;
        }
        return value.ToString();
    }
}
