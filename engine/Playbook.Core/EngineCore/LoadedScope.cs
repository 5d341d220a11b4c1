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

    /// <summary>Drops from <paramref name="current"/> (the names a runtime holds as loaded) every name whose value may
    /// differ from what was loaded; all of them when everything must be loaded (nothing loaded yet, another run's
    /// scope, or the scope was cleared for the next run), and then returns false. It builds no set of its own: it runs
    /// before every expression whose scope changed since the last one, several times a simulated run.</summary>
    public bool DropChanged(RunScope scope, HashSet<string> current)
    {
        var log = scope.Changes;
        if (_scope is null || !ReferenceEquals(_log, log) || _epoch != log.Epoch)
        {
            current.Clear();
            return false;
        }
        log.RemoveSince(_position, current);
        if (!ReferenceEquals(_scope, scope))
        {
            foreach (var name in _scope.ItemNames()) current.Remove(name);
            foreach (var name in scope.ItemNames()) current.Remove(name);
        }
        return true;
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
