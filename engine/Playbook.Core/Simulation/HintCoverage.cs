using Playbook.Compiling;
using Playbook.Semantics;

namespace Playbook.Simulation;

/// <summary>Whether a dry run's figures rest on anything: with no <c>simulate { }</c> hint anywhere, every
/// attempt succeeds in no time, and a newcomer reading "time: 0s of rto 30m" should be told so.</summary>
public static class HintCoverage
{
    public const string NoHintsWarning =
        "warning: no step has simulate { } hints: these estimates assume every step succeeds instantly (add simulate { duration A..B  fail P% } to steps)";

    /// <summary>True when the playbook has steps or polling waits that act, and not one of them has a hint.</summary>
    public static bool HasNoHints(CompiledPlaybook playbook)
    {
        var acting = playbook.States.Where(s => s.Action is not null && s.Kind is StateKind.Step or StateKind.Wait).ToList();
        return acting.Count > 0 && acting.All(s => s.Simulate is null);
    }
}
