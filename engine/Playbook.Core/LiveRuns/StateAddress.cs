using Playbook.Compiling;

namespace Playbook.LiveRuns;

/// <summary>Names a state anywhere in a run, called playbooks included: the call steps that lead to it,
/// then its name, joined with '/' (<c>migrate</c> in the playbook itself, <c>restore/migrate</c> in the
/// playbook its step 'restore' calls, <c>a/b/migrate</c> two calls down). Branches do not appear: a
/// state's name is unique in its playbook, branches included. This is what <c>--answer</c> takes. On resume,
/// one item of a foreach can be named too: <c>dead-letter[37]/move</c> (<see cref="ItemAddressOf"/>).</summary>
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

    /// <summary>The address of a state in <paramref name="flow"/> down to its foreach item: the call path with every
    /// item segment kept (<c>dead-letter[37]/move</c>, <c>restore/dead-letter[2]/move</c>), so <c>--answer</c> can name
    /// one item's step. Without an item in the flow it is <see cref="CallPathOf"/>'s address.</summary>
    public static string ItemAddressOf(string flow, string state) =>
        Of(string.Join(Separator, flow.Split(Separator, StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s.Contains('#', StringComparison.Ordinal) || IsItem(s))
            .Select(s => s.Contains('#', StringComparison.Ordinal) ? s[..s.IndexOf('#', StringComparison.Ordinal)] : s)), state);

    /// <summary>An answer's name bound to one attempt: <c>ADDRESS#N</c> (<c>put#3</c>, <c>dead-letter[2]/move#1</c>).
    /// On resume, an answer so bound is taken only while attempt N is the one in flight: an operator who checked
    /// attempt 3 has said nothing about an attempt 4 that another runner started after they looked.</summary>
    public static string WithAttempt(string address, int attempt) => $"{address}#{attempt}";

    /// <summary>Splits <c>ADDRESS#N</c> into the address and N (null when the name is not bound to an attempt). A
    /// '#' followed by anything but a whole number from 1 is left in the address, which then resolves to nothing.</summary>
    public static string WithoutAttempt(string name, out int? attempt)
    {
        attempt = null;
        var hash = name.LastIndexOf('#');
        if (hash <= 0 || name.IndexOf(Separator, hash) >= 0) return name;
        var digits = name[(hash + 1)..];
        if (digits.Length is 0 or > 9 || !digits.All(char.IsAsciiDigit) || digits[0] == '0') return name;
        attempt = int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        return name[..hash];
    }

    /// <summary>A segment <c>NAME[i]</c>: one item of a foreach.</summary>
    private static bool IsItem(string segment) => segment.IndexOf('[', StringComparison.Ordinal) > 0 && segment[^1] == ']';

    /// <summary>The state <paramref name="address"/> names, or null with <paramref name="error"/> saying
    /// which part does not resolve (with a spelling suggestion).</summary>
    public static CompiledState? Resolve(CompiledPlaybook playbook, string address, Func<CompiledPlaybook, string, CompiledPlaybook?> resolveCallee, out string? error)
    {
        error = null;
        var parts = address.Split(Separator);
        var current = playbook;
        CompiledState? loop = null;
        for (var i = 0; i < parts.Length; i++)
        {
            var name = parts[i];
            if (IsItem(name))
            {
                // One item of a foreach: NAME[i], then a state of its body.
                if (ResolveItem(current, name, i == parts.Length - 1, out error) is not { } found) return null;
                loop = found;
                continue;
            }
            if (loop is not null && current.ByName.TryGetValue(name, out var inBody) && !loop.Branches[0].States.Contains(inBody))
            {
                error = $"'{name}' is not in the body of foreach '{loop.Name}', so '{loop.Name}[…]{Separator}{name}' names nothing";
                return null;
            }
            loop = null;
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

    /// <summary>The foreach an item segment <c>NAME[i]</c> names, checked: NAME is a foreach of <paramref name="playbook"/>,
    /// i a whole number from 1 within its max, and a state of its body follows.</summary>
    private static CompiledState? ResolveItem(CompiledPlaybook playbook, string segment, bool last, out string? error)
    {
        error = null;
        var open = segment.IndexOf('[', StringComparison.Ordinal);
        var name = segment[..open];
        var number = segment[(open + 1)..^1];
        if (!playbook.ByName.TryGetValue(name, out var loop) || loop.Kind != Semantics.StateKind.Foreach)
        {
            var foreaches = playbook.States.Where(s => s.Kind == Semantics.StateKind.Foreach).Select(s => s.Name).ToList();
            var hint = Text.Spelling.Suggest(name, foreaches) is { } s ? $" (did you mean '{s}'?)" : "";
            error = $"'{segment}' names an item of '{name}', but playbook '{playbook.Name}' has no foreach '{name}'{hint}";
            return null;
        }
        // No leading zero: the address is matched as written against the run's own 'NAME[i]'.
        if (number.StartsWith('0') || !int.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) || index < 1)
        {
            error = $"'{segment}': an item is numbered from 1 ('{name}[1]' is the first)";
            return null;
        }
        if (loop.Foreach!.Max is { } max && index > max)
        {
            error = $"'{segment}': foreach '{name}' runs at most {max} item{(max == 1 ? "" : "s")} (its max)";
            return null;
        }
        if (last || loop.Branches.Count == 0)
        {
            error = $"'{segment}' names an item, not a step: write {segment}{Separator}STATE with a state of its body";
            return null;
        }
        return loop;
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
