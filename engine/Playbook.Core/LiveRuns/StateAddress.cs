using Playbook.Compiling;

namespace Playbook.LiveRuns;

/// <summary>Names a state anywhere in a run, called playbooks included: the call steps that lead to it,
/// then its name, joined with '/' (<c>migrate</c> in the playbook itself, <c>restore/migrate</c> in the
/// playbook its step 'restore' calls, <c>a/b/migrate</c> two calls down). Branches do not appear: a
/// state's name is unique in its playbook, branches included. This is what <c>--answer</c> takes.</summary>
public static class StateAddress
{
    public const char Separator = '/';

    public static string Of(string callPath, string state) => callPath.Length == 0 ? state : callPath + Separator + state;

    /// <summary>The call path of a journal flow ("" the main flow, "b1" a branch, "restore#1/b2" a branch
    /// of the playbook called by attempt 1 of 'restore'…): its call segments, without attempts or branches.</summary>
    public static string CallPathOf(string flow) =>
        string.Join(Separator, flow.Split(Separator, StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s.Contains('#', StringComparison.Ordinal))
            .Select(s => s[..s.IndexOf('#', StringComparison.Ordinal)]));

    /// <summary>The state <paramref name="address"/> names, or null with <paramref name="error"/> saying
    /// which part does not resolve (with a spelling suggestion).</summary>
    public static CompiledState? Resolve(CompiledPlaybook playbook, string address, Func<CompiledPlaybook, string, CompiledPlaybook?> resolveCallee, out string? error)
    {
        error = null;
        var parts = address.Split(Separator);
        var current = playbook;
        for (var i = 0; i < parts.Length; i++)
        {
            var name = parts[i];
            if (!current.ByName.TryGetValue(name, out var state))
            {
                var hint = Text.Spelling.Suggest(name, current.ByName.Keys.ToList()) is { } s ? $" (did you mean '{s}'?)" : "";
                // A state of a called playbook, named without the call steps that lead to it.
                if (i == 0 && parts.Length == 1 && hint.Length == 0
                    && All(playbook, resolveCallee).Select(a => a.Address).FirstOrDefault(a => a.EndsWith(Separator + name, StringComparison.Ordinal)) is { } full)
                    hint = $" (a called playbook has it: did you mean '{full}'?)";
                error = $"playbook '{current.Name}' has no state '{name}'{hint}";
                return null;
            }
            if (i == parts.Length - 1) return state;
            if (state.Action?.CallTarget is not { } target)
            {
                error = $"'{name}' in playbook '{current.Name}' is not a call step, so '{name}{Separator}…' names nothing (write CALLSTEP{Separator}STATE)";
                return null;
            }
            if (resolveCallee(current, target) is not { } callee)
            {
                error = $"playbook '{target}', called by '{name}', cannot be loaded (it is missing or has errors)";
                return null;
            }
            current = callee;
        }
        return null;
    }

    /// <summary>Every state of <paramref name="playbook"/> and of the playbooks it calls (each call step
    /// once, so a playbook that calls itself is not walked forever), with its address.</summary>
    public static IEnumerable<(string Address, CompiledPlaybook Playbook, CompiledState State)> All(CompiledPlaybook playbook,
        Func<CompiledPlaybook, string, CompiledPlaybook?> resolveCallee)
    {
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        return Walk(playbook, "", resolveCallee, visiting);
    }

    private static IEnumerable<(string, CompiledPlaybook, CompiledState)> Walk(CompiledPlaybook playbook, string callPath,
        Func<CompiledPlaybook, string, CompiledPlaybook?> resolveCallee, HashSet<string> visiting)
    {
        var key = System.IO.Path.GetFullPath(playbook.Path);
        if (!visiting.Add(key)) yield break;
        foreach (var state in playbook.States)
        {
            yield return (Of(callPath, state.Name), playbook, state);
            if (state.Action?.CallTarget is { } target && resolveCallee(playbook, target) is { } callee)
                foreach (var inner in Walk(callee, Of(callPath, state.Name), resolveCallee, visiting))
                    yield return inner;
        }
        visiting.Remove(key);
    }
}
