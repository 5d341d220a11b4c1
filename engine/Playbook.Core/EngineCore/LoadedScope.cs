namespace Playbook.EngineCore;

/// <summary>What an expression runtime last loaded from a run's scopes, so it sends again only what changed
/// since: a run then costs lets + changes, not lets × changes (a playbook of 100 000 lets re-sent every value
/// at every capture). Item scopes of a foreach share their run's change log, so switching between them
/// reloads only the names the items hold themselves.</summary>
internal sealed class LoadedScope
{
    private RunScope? _scope;
    private RunScope.ChangeLog? _log;
    private int _epoch;
    private int _position;

    /// <summary>Nothing is known to be loaded: the next load sends every value.</summary>
    public void Forget() => _scope = null;

    /// <summary>The names whose values may differ from what was loaded, or null when everything must be
    /// loaded (nothing loaded yet, another run's scope, or the scope was cleared for the next run).</summary>
    public HashSet<string>? ChangedNames(RunScope scope)
    {
        var log = scope.Changes;
        if (_scope is null || !ReferenceEquals(_log, log) || _epoch != log.Epoch) return null;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in log.Since(_position)) names.Add(name);
        if (!ReferenceEquals(_scope, scope))
        {
            foreach (var name in _scope.ItemNames()) names.Add(name);
            foreach (var name in scope.ItemNames()) names.Add(name);
        }
        return names;
    }

    /// <summary>Records that <paramref name="scope"/>'s values are now loaded, as of its current change.</summary>
    public void Loaded(RunScope scope)
    {
        _scope = scope;
        _log = scope.Changes;
        _epoch = _log.Epoch;
        _position = _log.Count;
    }

    /// <summary>True when nothing changed since <paramref name="scope"/> was loaded (the common case: guards in a row).</summary>
    public bool IsCurrent(RunScope scope) =>
        ReferenceEquals(_scope, scope) && ReferenceEquals(_log, scope.Changes) && _epoch == _log!.Epoch && _position == _log.Count;
}
