using Playbook.Compiling;
using Playbook.Semantics;

namespace Playbook.LiveRuns;

/// <summary>A manual step that nobody can answer in a run with no terminal: no --answer names it.</summary>
public sealed record UnansweredManualStep(string Address, CompiledState State)
{
    /// <summary>What happens when the run reaches it, and the flags that answer it in advance.</summary>
    public string Describe() =>
        $"nobody can answer manual step '{Address}' here (no terminal, no --answer): when the run reaches it, " +
        (State.Timeout is { } t ? $"it waits until its timeout ({Text.DurationText.Format(t)}) and goes the 'timeout' way" : "it waits for ever (it has no timeout)") +
        $"; answer it in advance with --answer {Address}=approve or --answer {Address}=reject" + OneItem();

    /// <summary>A manual step in a foreach body is asked once per item: the answer above covers every item, and an item's own address one alone.</summary>
    private string OneItem()
    {
        if (State.Symbol.Branch?.Parallel is not { Kind: StateKind.Foreach } loop) return "";
        var slash = Address.LastIndexOf(StateAddress.Separator);
        var item = StateAddress.Of(slash < 0 ? "" : Address[..slash], $"{loop.Name}[1]{StateAddress.Separator}{State.Name}");
        return $" (every item of foreach '{loop.Name}'; one item alone: --answer {item}=approve)";
    }
}

/// <summary>Before a run without a terminal starts: the manual steps, in the playbook and the playbooks it
/// calls, that no answer given in advance covers. Such a run would wait silently at each of them.</summary>
public static class UnansweredManualSteps
{
    public static IReadOnlyList<UnansweredManualStep> Find(CompiledPlaybook playbook, Func<CompiledPlaybook, string, CompiledPlaybook?> resolveCallee,
        IReadOnlyDictionary<string, string> answers) =>
        StateAddress.All(playbook, resolveCallee)
            .Where(s => s.State.Kind == StateKind.Manual && !answers.ContainsKey(s.Address))
            .Select(s => new UnansweredManualStep(s.Address, s.State))
            .ToList();
}
