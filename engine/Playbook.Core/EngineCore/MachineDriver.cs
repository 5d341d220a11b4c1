using Playbook.Compiling;
using Playbook.Semantics;
using Stateless;

namespace Playbook.EngineCore;

/// <summary>The Stateless state machine a run moves through: one state per step, decide, wait, manual,
/// parallel and end; phases as superstates; outcomes as triggers; <c>when</c> guards as guarded
/// transitions described by their text. The engine evaluates guards once and records which transition
/// it chose, so exactly one guard of a trigger holds when it fires (Stateless throws if two do).
/// Configured once per engine and reused for every run (queued firing, <c>FireAsync</c> only).</summary>
public sealed class MachineDriver
{
    /// <summary>The trigger a phase's deadline fires.</summary>
    public const string Deadline = "deadline";

    private readonly StateMachine<int, string> _machine;
    private int _state;
    private int _chosen = -1;

    public MachineDriver(CompiledPlaybook playbook, IEnumerable<CompiledState> states)
    {
        _machine = new StateMachine<int, string>(() => _state, s => _state = s, FiringMode.Queued);
        var included = states.ToHashSet();
        foreach (var state in included)
        {
            var config = _machine.Configure(state.Index);
            if (state.Phase is { } phase && included.Contains(phase)) config.SubstateOf(phase.Index);
            var declared = state.Transitions.Values.SelectMany(t => t)
                .Where(t => t.Target is not null)
                .DistinctBy(t => (t.Trigger, t.Index));
            var perTrigger = declared.GroupBy(t => state.Kind == StateKind.Phase ? Deadline : t.Trigger);
            foreach (var group in perTrigger)
            {
                var trigger = group.Key;
                var transitions = group.ToList();
                foreach (var t in transitions)
                {
                    var index = t.Index;
                    var description = t.Guard is null ? (state.Kind == StateKind.Decide ? "else" : null) : t.Guard.Code;
                    if (transitions.Count == 1 && t.Guard is null)
                    {
                        // The only way this trigger can go: no guard for Stateless to evaluate.
                        if (t.Target == state) config.PermitReentry(trigger);
                        else config.Permit(trigger, t.Target!.Index);
                    }
                    else if (t.Target == state)
                        config.PermitReentryIf(trigger, () => _chosen == index, description);
                    else
                        config.PermitIf(trigger, t.Target!.Index, () => _chosen == index, description);
                }
            }
        }
        Machine = _machine;
    }

    /// <summary>The configured machine, for graph export.</summary>
    public StateMachine<int, string> Machine { get; }

    public int Current => _state;

    public void Reset(CompiledState start) => _state = start.Index;

    /// <summary>Fires the transition the engine chose and checks that the machine agrees where it leads.</summary>
    public async ValueTask MoveAsync(CompiledState from, CompiledTransition transition)
    {
        _chosen = transition.Index;
        var trigger = from.Kind == StateKind.Phase ? Deadline : transition.Trigger;
        await _machine.FireAsync(trigger).ConfigureAwait(false);
        if (_state != transition.Target!.Index)
            throw new InvalidOperationException($"the state machine moved to state #{_state}, not '{transition.Target.Name}'");
    }
}
