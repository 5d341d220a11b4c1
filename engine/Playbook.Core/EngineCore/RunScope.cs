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
    // Shared by a scope and its item scopes: every change in any of them is logged here, so a runtime that
    // loaded one of them sends again only the names changed since (lets + changes, not lets × changes).
    private readonly ChangeLog _changes;
    private readonly RunScope? _parent;
    // The names set or dropped since the run's prologue (inputs, lets, captures as null) ended: what a renewed
    // scope must drop before the next run, so that it starts from the same values as a cleared one.
    private HashSet<string>? _setSinceStart;
    // The set Renew last returned (valid until the next EndPrologue, which empties and reuses it).
    private HashSet<string>? _spareSet;
    // The playbook's constant lets (see LetConstants), read beneath the run's own values; only a run's scope has them.
    private readonly IReadOnlyDictionary<string, object?>? _constants;
    // Constants this run dropped (Forget): they read as absent until the scope is cleared or renewed.
    private HashSet<string>? _hidden;

    internal RunScope(IExpressionRuntime runtime, IReadOnlyDictionary<string, object?>? constants = null)
    {
        Runtime = runtime;
        _changes = new ChangeLog();
        _constants = constants is { Count: > 0 } ? constants : null;
    }

    /// <summary>An item's scope: reads the run's values, and keeps what it sets (the item, the body's captures) to itself.</summary>
    private RunScope(RunScope parent)
    {
        _parent = parent;
        Runtime = parent.Runtime;
        _changes = parent._changes;
        Sync = parent.Sync;
        Cancellation = parent.Cancellation;
    }

    internal IExpressionRuntime Runtime { get; }

    /// <summary>Set for a run whose branches run concurrently: every read and change locks on it (the
    /// values and the expression engine are shared by the branches). Null in a dry run.</summary>
    internal object? Sync { get; set; }

    /// <summary>The run's cancellation (Ctrl+C, SIGTERM): an expression still running when it fires is
    /// stopped, and the run with it.</summary>
    internal CancellationToken Cancellation { get; set; }

    /// <summary>Bumped on every change, so the runtime re-sends values only when they changed.</summary>
    public int Version => _changes.Version;

    /// <summary>The log of changes this scope shares with its parent and item scopes.</summary>
    internal ChangeLog Changes => _changes;

    /// <summary>The value <paramref name="name"/> has here: the scope's own, else its parent's.</summary>
    internal bool TryGetValue(string name, out object? value)
    {
        var s = this;
        while (true)
        {
            if (s._values.TryGetValue(name, out value)) return true;
            if (s._parent is null) break;
            s = s._parent;
        }
        if (s._constants is { } constants && !(s._hidden?.Contains(name) ?? false)) return constants.TryGetValue(name, out value);
        value = null;
        return false;
    }

    /// <summary>Every name an item scope (and its parents up to the run's scope) holds itself: the names whose
    /// values can differ between two scopes that share a change log.</summary>
    internal IEnumerable<string> ItemNames()
    {
        for (var s = this; s._parent is not null; s = s._parent)
        {
            foreach (var name in s._values.Keys) yield return name;
        }
    }

    /// <summary>Every value an expression here reads. For an item's scope a merged copy: the run's values, then the
    /// item's own over them; for a run's scope with constant lets, a merged copy too (as many entries as lets:
    /// the runtimes read only the names an expression reads, with <see cref="TryGetValue"/>).</summary>
    public IReadOnlyDictionary<string, object?> Values
    {
        get
        {
            if (_parent is null && _constants is null) return _values;
            var sync = Sync;
            if (sync is null) return MergedValues();
            lock (sync) return MergedValues();
        }
    }

    private Dictionary<string, object?> MergedValues()
    {
        Dictionary<string, object?> merged;
        if (_parent is not null) merged = new Dictionary<string, object?>(_parent.Values, StringComparer.Ordinal);
        else
        {
            merged = new Dictionary<string, object?>(_constants!.Count + _values.Count, StringComparer.Ordinal);
            foreach (var (name, value) in _constants)
            {
                if (!(_hidden?.Contains(name) ?? false)) merged[name] = value;
            }
        }
        foreach (var (name, value) in _values) merged[name] = value;
        return merged;
    }

    /// <summary>The values one item of a foreach whose items run at once reads and sets: the item and its
    /// captures stay in it, so items running side by side never see each other's.</summary>
    internal RunScope ForItem() => new(this);

    /// <summary>What this scope set itself (for an item's scope: the item and the body's captures).</summary>
    internal IReadOnlyDictionary<string, object?> Own => _values;

    /// <summary>The names set or dropped in a run's scopes, in order. <see cref="Version"/> counts changes;
    /// <see cref="Epoch"/> moves when the scope is cleared for the next run (the log starts again, and a runtime
    /// that saw an older epoch loads everything).</summary>
    internal sealed class ChangeLog
    {
        private readonly List<string> _names = new();

        public int Version { get; private set; }

        public int Epoch { get; private set; }

        /// <summary>How many changes are logged in this epoch: a runtime keeps it and later reads the names after it.</summary>
        public int Count => _names.Count;

        public void Add(string name)
        {
            _names.Add(name);
            Version++;
        }

        public void Reset()
        {
            _names.Clear();
            Epoch++;
            Version++;
        }

        /// <summary>Removes from <paramref name="names"/> the names changed since <paramref name="from"/> (a <see cref="Count"/>
        /// read earlier in this epoch).</summary>
        public void RemoveSince(int from, HashSet<string> names)
        {
            for (var i = from; i < _names.Count; i++) names.Remove(_names[i]);
        }
    }

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

    /// <summary>The captures, copied into <paramref name="into"/> (cleared first): a Monte Carlo engine refills one
    /// dictionary per run instead of allocating <see cref="Captures"/>' copy.</summary>
    internal IReadOnlyDictionary<string, object?> CopyCaptures(Dictionary<string, object?> into)
    {
        into.Clear();
        foreach (var c in _captures) into.Add(c, _values[c]);
        return into;
    }

    internal void Clear()
    {
        _values.Clear();
        _captures.Clear();
        _changes.Reset();
        _setSinceStart = null;
        _hidden = null;
    }

    /// <summary>True when <see cref="Renew"/> can start the next run: the last run's prologue ended, so the
    /// scope knows every name set after it.</summary>
    internal bool CanRenew => _setSinceStart is not null;

    /// <summary>Starts the next run on the last run's values instead of clearing them: drops every name set after
    /// the last prologue (captures, items, results), so what is left is exactly what the prologue set. The
    /// prologue then sets its names again, and a value equal to the one kept is no change: a runtime that
    /// loaded the last run sends again only what differs. A Monte Carlo run of a playbook of 100 000 lets
    /// otherwise re-sent every let to its expression engine, every run. Returns the names dropped, valid until the next <see cref="EndPrologue"/>.</summary>
    internal IReadOnlySet<string> Renew()
    {
        var dropped = _setSinceStart ?? throw new InvalidOperationException("the last run's prologue did not end");
        _setSinceStart = null;
        _spareSet = dropped;
        foreach (var name in dropped) ForgetUnlocked(name);
        _captures.Clear();
        // The prologue's values include every constant: one the run dropped reads again.
        if (_hidden is not null)
        {
            foreach (var name in _hidden) _changes.Add(name);
            _hidden = null;
        }
        // The log only grows while runs renew; past a few times the values' count a full reload is cheaper than
        // reading it, and it bounds its memory.
        if (_changes.Count > 4 * _values.Count + 4096) _changes.Reset();
        return dropped;
    }

    /// <summary>The run's prologue (captures as null, inputs, lets) is done: from here every name set is one
    /// that <see cref="Renew"/> drops.</summary>
    internal void EndPrologue()
    {
        // The set the last Renew handed back, emptied: one set per scope, not one per run.
        var set = _spareSet ?? new HashSet<string>(StringComparer.Ordinal);
        _spareSet = null;
        set.Clear();
        _setSinceStart = set;
    }

    public void Set(string name, object? value)
    {
        if (Sync is null) SetUnlocked(name, value);
        else lock (Sync) SetUnlocked(name, value);
    }

    private void SetUnlocked(string name, object? value)
    {
        _setSinceStart?.Add(name);
        // The same value again is no change: a runtime keeps what it loaded (values are read-only to expressions).
        if (_values.TryGetValue(name, out var old) && SameValue(old, value)) return;
        _values[name] = value;
        _changes.Add(name);
    }

    /// <summary>True when an expression could not tell the two apart: both null, or equal strings, booleans or
    /// numbers of the same type (doubles compared by their bits, so -0 is not 0). A list or map is never the
    /// same: the very same object may have been changed in place since it was loaded.</summary>
    private static bool SameValue(object? a, object? b) => a is null ? b is null : a switch
    {
        string x => b is string y && string.Equals(x, y, StringComparison.Ordinal),
        bool x => b is bool y && x == y,
        double x => b is double y && BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y),
        int x => b is int y && x == y,
        long x => b is long y && x == y,
        _ => false,
    };

    /// <summary>True when both hold the same names with the same values (<see cref="SameValue"/>: a list is never the same).</summary>
    internal static bool SameValues(Dictionary<string, object?> a, Dictionary<string, object?> b) // not the interfaces: their enumerators would be boxed
    {
        if (a.Count != b.Count) return false;
        foreach (var (name, value) in a)
        {
            if (!b.TryGetValue(name, out var other) || !SameValue(value, other)) return false;
        }
        return true;
    }

    /// <summary>True when every value is one <see cref="SameValue"/> can compare (it is the same as itself): nothing
    /// that could change in place.</summary>
    internal static bool AllScalars(Dictionary<string, object?> values)
    {
        foreach (var (_, value) in values)
        {
            if (!SameValue(value, value)) return false;
        }
        return true;
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
        _setSinceStart?.Add(name);
        var removed = _values.Remove(name);
        // A constant beneath it would read through: it is hidden, as if the let had been set and dropped.
        if (_constants is not null && _constants.ContainsKey(name) && (_hidden ??= new HashSet<string>(StringComparer.Ordinal)).Add(name)) removed = true;
        if (removed) _changes.Add(name);
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
