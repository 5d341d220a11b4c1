using Playbook.Compiling;
using Playbook.Journal;
using Playbook.LiveRuns;
using Playbook.Semantics;
using Playbook.Web.Playbooks;

namespace Playbook.Web.Live;

/// <summary>A point in time the current step is measured against: its timeout, its phase's budget, the RTO.</summary>
public sealed record Deadline(string Label, DateTimeOffset At);

/// <summary>An attempt that has started and not ended: what the run is doing now (several in a parallel).</summary>
public sealed record OpenStep(string Flow, string State, string Address, int Attempt, DateTimeOffset Since, StateKind? Kind,
    IReadOnlyList<Deadline> Deadlines, bool AwaitingAnswer, string? Prompt, string? Title);

/// <summary>What a run page shows about a run beyond its records: where it is, against which deadlines, and
/// whether it waits for an answer. Built from the journal alone, with the playbook (when unchanged) for kinds,
/// timeouts, budgets and prompts. Never a value from the run's scope: nothing here can hold a secret.</summary>
public sealed class RunView
{
    private RunView(JournaledRun run, string liveness, IReadOnlyList<OpenStep> open, Deadline? rto, string? between)
    {
        Run = run;
        Liveness = liveness;
        Open = open;
        Rto = rto;
        Between = between;
    }

    public JournaledRun Run { get; }

    /// <summary><c>finished</c>; <c>live</c> (a runner holds it); <c>orphaned</c> (it stopped, a step's process
    /// still runs); <c>unfinished</c> (it stopped: resume it).</summary>
    public string Liveness { get; }

    public IReadOnlyList<OpenStep> Open { get; }

    public Deadline? Rto { get; }

    /// <summary>The state a run is in between two attempts (a retry's back-off) or in a state with no attempt.</summary>
    public string? Between { get; }

    public IEnumerable<OpenStep> Awaiting => Open.Where(s => s.AwaitingAnswer);

    public static string LivenessOf(JournaledRun run) =>
        run.Problem is not null ? "unreadable"
        : run.Finished ? "finished"
        : run.Running ? "live"
        : RunProcesses.Live(run).Count > 0 ? "orphaned"
        : "unfinished";

    public static RunView Of(JournaledRun run, CatalogPlaybook? playbook)
    {
        var liveness = LivenessOf(run);
        var open = new Dictionary<(string Flow, string State, int Attempt), JournalRecord>();
        var answered = new HashSet<(string, string)>();
        // What each manual step asked, as the runner rendered it (journals from before the runner said so have none).
        var asked = new Dictionary<(string, string), string>();
        var phaseStart = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        string? currentPhase = null;
        string? lastEntered = null;
        foreach (var r in run.Records)
        {
            var flow = r.Body.String("flow") ?? "";
            var state = r.Body.String("state") ?? "";
            switch (r.Type)
            {
                case "attempt-started":
                    open[(flow, state, (int)(r.Body.Long("attempt") ?? 1))] = r;
                    answered.Remove((flow, state));
                    break;
                case "attempt-ended":
                    open.Remove((flow, state, (int)(r.Body.Long("attempt") ?? 1)));
                    break;
                case "answered":
                    answered.Add((flow, state));
                    break;
                case "asked" when r.Body.String("prompt") is { } prompt:
                    asked[(flow, state)] = prompt;
                    break;
                case "state-entered" when flow.Length == 0:
                    lastEntered = state;
                    // A phase's budget runs from when the run entered its first member.
                    var phase = playbook?.Compiled.ByName.GetValueOrDefault(state)?.Phase?.Name;
                    if (phase != currentPhase && phase is not null) phaseStart[phase] = r.At;
                    currentPhase = phase;
                    break;
            }
        }
        Deadline? rto = run.Rto is { } limit ? new Deadline("RTO", run.StartedAt + limit) : null;
        if (run.Finished) return new RunView(run, liveness, [], rto, null);

        var steps = new List<OpenStep>();
        foreach (var ((flow, state, attempt), record) in open.OrderBy(o => o.Value.Seq))
        {
            var address = StateAddress.ItemAddressOf(flow, state);
            var compiled = playbook is null ? null : StateAddress.Resolve(playbook.Compiled, StateAddress.Of(StateAddress.CallPathOf(flow), state), playbook.ResolveCallee, out _);
            var deadlines = new List<Deadline>();
            if (compiled?.Timeout is { } timeout) deadlines.Add(new Deadline("timeout", record.At + timeout));
            if (compiled?.Phase is { Budget: { } budget } ph && flow.Length == 0 && phaseStart.TryGetValue(ph.Name, out var since))
                deadlines.Add(new Deadline($"phase {ph.Name}", since + budget));
            if (rto is not null) deadlines.Add(rto);
            var manual = compiled?.Kind == StateKind.Manual;
            steps.Add(new OpenStep(flow, state, address, attempt, record.At, compiled?.Kind, deadlines,
                manual && !answered.Contains((flow, state)), manual ? asked.GetValueOrDefault((flow, state)) ?? (compiled!.Prompt is { } p ? AsWritten(p) : null) : null, compiled?.Title));
        }
        var between = steps.Count == 0 ? lastEntered : null;
        return new RunView(run, liveness, steps, rto, between);
    }

    /// <summary>A template as the playbook writes it (<c>${expr}</c> kept as code): the page never evaluates it, so
    /// no value (and no secret) from the run's scope can reach it.</summary>
    private static string AsWritten(CompiledTemplate template) =>
        string.Concat(template.Parts.Select(p => p is CompiledExpression e ? "${" + e.Code + "}" : p as string ?? ""));
}
