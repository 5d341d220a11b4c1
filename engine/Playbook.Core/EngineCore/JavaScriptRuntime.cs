using System.Collections;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Playbook.Compiling;

namespace Playbook.EngineCore;

/// <summary>Runs JavaScript expressions with Jint: one engine per run engine (Jint engines are not
/// thread-safe), each expression parsed once into a prepared script, with limits on time, statements,
/// memory, recursion and regex matches (<see cref="ExpressionLimits"/>), no access to .NET, no code built
/// from strings, and built-ins frozen, so no expression can change what the next one sees. Values reach
/// the engine only when they changed (<see cref="LoadedScope"/>), as read-only globals holding frozen
/// objects and lists: an expression can neither assign a run value (<c>x = 5</c> throws) nor change one in
/// place (<c>list.push(…)</c> throws), nor add a global, so what one expression sees never depends on what
/// an earlier one did.</summary>
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
        _global = _engine.Global;
        foreach (var key in _global.GetOwnPropertyKeys(Types.String)) _builtIns.Add(key.ToString());
        _freeze = _engine.Intrinsics.Object.Get("freeze");
        // Only the runtime adds globals from here on (FastSetProperty is not held back by this).
        _global.PreventExtensions();
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
    private readonly LoadedScope _loaded = new();
    // The names whose value in the engine is the scope's (as of _loaded): only these are not checked again.
    private readonly HashSet<string> _current = new(StringComparer.Ordinal);
    // True after a load of every value, until the next change: then a name absent from _current is absent from the scope too.
    private bool _allCurrent;
    private readonly ObjectInstance _global;
    private readonly JsValue _freeze;
    // Built-in global names (Math, JSON, …) keep their built-in meaning: a run value of the same name is not
    // sent (as before, when setting it failed silently), and is never removed.
    private readonly HashSet<string> _builtIns = new(StringComparer.Ordinal);
    // The run values and result names now defined in the engine, each with the value sent when it is a
    // scalar (the next run of simulate --runs sets the same lets again: those are not sent again).
    private readonly Dictionary<string, object?> _sent = new(StringComparer.Ordinal);
    private static readonly object NotScalar = new();
    private readonly HashSet<string> _resultNames = new(StringComparer.Ordinal);

    /// <summary>How many values were sent to the engine (run values and results): tests use it to see
    /// that a run sends lets + changes, not lets × changes.</summary>
    internal long ValuesSent { get; private set; }

    /// <summary>How often every value of a scope was compared with what was sent, because what changed since the
    /// last load was not known (a first load, another run's scope): tests use it to see that the runs of
    /// simulate --runs do not each walk every let.</summary>
    internal long FullLoads { get; private set; }

    /// <summary>How many times a name an expression reads was looked up in the scope (once per name until the
    /// scope changes it): tests use it to see that a run's cost follows the names its expressions read, not its lets.</summary>
    internal long NamesChecked { get; private set; }

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
            _loaded.Forget();
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
        _timeLimit.Paused = true;
        try
        {
            var sentBefore = ValuesSent;
            Load(scope, ExpressionReads.Of(playbook, expression));
            ExpressionReads.CountLoaded(playbook, ValuesSent - sentBefore);
            // A result left from the previous step reads as undefined (it is not removed: it was never a run value).
            foreach (var name in _resultNames)
            {
                Define(name, JsValue.Undefined, NotScalar);
                if (_current.Remove(name)) _allCurrent = false;
            }
            _resultNames.Clear();
            if (outputs is not null)
            {
                foreach (var (name, value) in outputs)
                {
                    // Results are sent before every expression that reads them, so they need no freezing.
                    Define(name, ToJs(value, frozen: false), NotScalar);
                    if (_current.Remove(name)) _allCurrent = false;
                    _resultNames.Add(name);
                }
            }
        }
        finally
        {
            _timeLimit.Paused = false;
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
            // Jint throws a bare TypeError when strict code assigns a read-only global (x = 5 on a run value).
            var message = e.Message.Length > 0 ? e.Message : $"{e.Error}: cannot assign to a read-only name (run values and built-ins are read-only)";
            throw new ExpressionFailedException(expression, message, e);
        }
        catch (Exception e) when (e is StatementsCountOverflowException or MemoryLimitExceededException or RecursionDepthOverflowException or TimeoutException or JintException)
        {
            throw new ExpressionFailedException(expression, e.Message, e);
        }
    }

    /// <summary>Makes the names an expression reads (<paramref name="reads"/>; null: any name) hold the scope's
    /// values. What the engine holds is known current per name (<see cref="_current"/>) until the scope changes
    /// that name; a name is checked, and sent when it differs from what was sent, only when an expression reads
    /// it. A run then costs the names its expressions read plus its changes, whatever the number of lets.</summary>
    private void Load(RunScope scope, string[]? reads)
    {
        if (!_loaded.IsCurrent(scope))
        {
            _loaded.DropChanged(scope, _current);
            _allCurrent = false;
            _loaded.Loaded(scope);
        }
        if (reads is null)
        {
            if (!_allCurrent) LoadAll(scope);
            return;
        }
        foreach (var name in reads)
        {
            if (!_current.Add(name)) continue;
            NamesChecked++;
            if (scope.TryGetValue(name, out var value))
            {
                if (!_sent.TryGetValue(name, out var sent) || !SameScalar(sent, value)) Send(name, value);
            }
            else Remove(name);
        }
    }

    /// <summary>Sends every value of the scope that differs from what was sent, and removes what the scope does
    /// not hold: for an expression that can read any global (<c>globalThis[k]</c>).</summary>
    private void LoadAll(RunScope scope)
    {
        {
            FullLoads++;
            var values = scope.Values;
            var builtIns = 0;
            foreach (var (name, value) in values)
            {
                if (_builtIns.Contains(name)) builtIns++;
                else if (!_sent.TryGetValue(name, out var sent) || !SameScalar(sent, value)) Send(name, value);
            }
            // Every other value is now in _sent: more there means names this scope does not hold (another
            // run's captures), which are removed.
            if (_sent.Count > values.Count - builtIns)
            {
                foreach (var name in _sent.Keys.Where(n => !values.ContainsKey(n)).ToList()) Remove(name);
            }
            foreach (var name in values.Keys) _current.Add(name);
            _allCurrent = true;
        }
    }

    private void Send(string name, object? value) => Define(name, ToJs(value, frozen: true), Remembered(value));

    private static bool IsScalar(object? value) => value is null or string or long or int or double or bool or TimeSpan;

    /// <summary>What <see cref="_sent"/> keeps of a value sent: the value itself when it is a scalar, a copy of the
    /// items of a short list of scalars (a <c>let</c> list, set again by every run of simulate --runs: freezing a
    /// fresh array for it through Jint cost more per run than the run's guards), else <see cref="NotScalar"/>.</summary>
    private static object? Remembered(object? value)
    {
        if (IsScalar(value)) return value;
        if (value is not IList { Count: <= MaxRememberedItems } list) return NotScalar;
        var items = new object?[list.Count];
        for (var i = 0; i < items.Length; i++)
        {
            if (!IsScalar(list[i])) return NotScalar;
            items[i] = list[i];
        }
        return new SentList(items);
    }

    private const int MaxRememberedItems = 64;

    /// <summary>The items of a list as they were when sent. The array sent is frozen, so an expression cannot have
    /// changed it since; the .NET list may have been changed in place, which is why the items are compared, not the list.</summary>
    private sealed record SentList(object?[] Items);

    // Maps and long or nested lists are never taken as unchanged: only scalars and the items of short lists of
    // scalars are compared.
    private static bool SameScalar(object? sent, object? value)
    {
        if (ReferenceEquals(sent, NotScalar)) return false;
        if (sent is SentList remembered)
        {
            if (value is not IList list || list.Count != remembered.Items.Length) return false;
            for (var i = 0; i < list.Count; i++)
            {
                var item = list[i];
                // The same type too: 1 (long) and 1.0 (double) read the same in JavaScript, but not in C#.
                if (!IsScalar(item) || !Equals(remembered.Items[i], item)) return false;
            }
            return true;
        }
        return IsScalar(value) && Equals(sent, value);
    }

    /// <summary>Defines a global the expressions can read but not assign, delete or redefine.</summary>
    private void Define(string name, JsValue value, object? sent)
    {
        if (_builtIns.Contains(name)) return;
        _global.FastSetProperty(name, new PropertyDescriptor(value, PropertyFlag.OnlyEnumerable));
        _sent[name] = sent;
        ValuesSent++;
    }

    private void Remove(string name)
    {
        if (_builtIns.Contains(name) || !_sent.Remove(name)) return;
        _global.RemoveOwnProperty(name);
    }

    // Converting values is recursive, so it is bounded (ExpressionLimits.ValueDepth): a deeper value
    // fails the expression instead of overflowing the stack.
    private JsValue ToJs(object? value, bool frozen, int depth = 0) => value switch
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
        IDictionary<string, object?> map => ToObject(map, frozen, depth),
        IList list => ToArray(list, frozen, depth),
        _ => JsValue.FromObject(_engine, value),
    };

    // Objects and lists are frozen: an expression that changes one in place would change what the next one
    // reads (a value is sent once, not before every expression). Copy to change: {...o, k: v}, [...l].sort().
    private JsValue ToObject(IDictionary<string, object?> map, bool frozen, int depth)
    {
        var obj = new JsObject(_engine);
        if (!frozen)
        {
            foreach (var (key, v) in map) obj.Set(key, ToJs(v, frozen, depth + 1));
            return obj;
        }
        foreach (var (key, v) in map) obj.FastSetProperty(key, new PropertyDescriptor(ToJs(v, frozen, depth + 1), PropertyFlag.OnlyEnumerable));
        obj.PreventExtensions();
        return obj;
    }

    private JsValue ToArray(IList list, bool frozen, int depth)
    {
        var items = new JsValue[list.Count];
        for (var i = 0; i < items.Length; i++) items[i] = ToJs(list[i], frozen, depth + 1);
        var array = new JsArray(_engine, items);
        if (frozen) _engine.Call(_freeze, array);
        return array;
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
