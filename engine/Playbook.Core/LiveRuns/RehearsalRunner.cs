using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.Simulation;

namespace Playbook.LiveRuns;

/// <summary>The action runner of a rehearsal (<c>playbook run --rehearse</c>): a <c>readonly</c> step runs for
/// real through the live runner (its process, its request, its real time); every other action — and every
/// manual step, call and wait probe — is answered by the simulation runner from the scenario or the
/// <c>simulate</c> hints, on the virtual part of the <see cref="RehearsalClock"/>. A foreach walks the list the
/// scenario gives it, and an item whose outcome the scenario gives is not run (<see cref="IForeachScript"/>); the other
/// items run their body, readonly steps for real. Nothing else differs from a real run: the engine, the journal and
/// the redaction are the same.</summary>
public sealed class RehearsalRunner : IActionRunner, IForeachScript
{
    private readonly IActionRunner _real;
    private readonly SimulationRunner _simulated;
    private readonly JournalScope _journal;

    public RehearsalRunner(IActionRunner real, SimulationRunner simulated, JournalScope journal)
    {
        _real = real;
        _simulated = simulated;
        _journal = journal;
    }

    /// <summary>Whether a rehearsal runs <paramref name="state"/> for real: a step marked readonly (a wait's probe
    /// is not a step, and is simulated).</summary>
    public static bool RunsForReal(CompiledState state) => state.ReadOnly && state.Kind == Semantics.StateKind.Step;

    public ValueTask<AttemptResult> RunAsync(AttemptRequest request, CancellationToken cancellationToken) =>
        RunsForReal(request.State) ? _real.RunAsync(request, cancellationToken) : _simulated.RunAsync(request, cancellationToken);

    /// <summary>Nobody is asked during a rehearsal: the scenario's or --answer's answer, else the default approval
    /// (journaled as "default"), so a rehearsal never waits for a person.</summary>
    public async ValueTask<ManualAnswer> AskAsync(ManualRequest request, CancellationToken cancellationToken)
    {
        var answer = await _simulated.AskAsync(request, cancellationToken).ConfigureAwait(false);
        // Journaled as a real run's answer is, so the report lists who (or what) answered.
        _journal.Answered(request.Branch ?? "", request.State, answer, request.Clock.Now);
        return answer;
    }

    /// <summary>The scenario's list for a foreach (its <c>items</c>), else null: the list the run sees.</summary>
    public IReadOnlyList<object?>? ItemsFor(CompiledState foreachState, Func<IReadOnlyList<object?>?> visible) =>
        _simulated.ItemsFor(foreachState, visible);

    /// <summary>The scenario's outcome for one item (its <c>outcomes</c>), else null: the item runs its body.</summary>
    public string? OutcomeFor(CompiledState foreachState, object? item) => _simulated.OutcomeFor(foreachState, item);

    /// <summary>A call is never readonly (PB1750): the called playbook is simulated as a whole.</summary>
    public ValueTask<RunResult> CallAsync(AttemptRequest request, CancellationToken cancellationToken) =>
        _simulated.CallAsync(request, cancellationToken);
}
