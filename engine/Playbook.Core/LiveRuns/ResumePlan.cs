using Playbook.Compiling;
using Playbook.Journal;
using Playbook.EngineCore;
using Playbook.LiveRuns.Actions;
using Playbook.Semantics;

namespace Playbook.LiveRuns;

/// <summary>An attempt that had started when the run stopped and never reported back.</summary>
/// <param name="Flow">Where it ran ("" the main flow, a branch, or a call's flow).</param>
public sealed record InFlightAttempt(string Flow, CompiledState State, int Attempt, bool Idempotent)
{
    public string Key => Flow.Length == 0 ? State.Name : $"{Flow}/{State.Name}";

    /// <summary>The process groups the journal says this attempt started (the last one is the newest).</summary>
    public IReadOnlyList<(int Group, ProcessIdentity? Identity)> Processes { get; init; } = [];

    /// <summary>The host whose runner started the newest of <see cref="Processes"/> (its step files are there); null
    /// when no process was started or the journal predates the field.</summary>
    public string? ProcessHost { get; init; }
    /// <summary>How --answer names it: the call steps down to it, then its name (<see cref="StateAddress"/>).</summary>
    public string Address => StateAddress.Of(StateAddress.CallPathOf(Flow), State.Name);

    /// <summary>How --answer names it in its foreach item (<c>dead-letter[37]/move</c>); <see cref="Address"/> when it is in no item.</summary>
    public string ItemAddress => StateAddress.ItemAddressOf(Flow, State.Name);
}

/// <summary>Rebuilds where a stopped run stood by replaying its journal: for each flow (the main one,
/// each branch of a parallel in progress, each called playbook in progress) the state it was in, the
/// attempts it had made and what they gave, and the captures so far. It also finds the attempts that
/// were in flight and the process groups they may have left running.</summary>
public sealed class ResumePlan
{
    private readonly JournaledRun _run;
    private readonly Func<CompiledPlaybook, string, CompiledPlaybook?> _resolveCallee;
    private readonly Func<InFlightAttempt, InFlightChoice?> _choose;
    private readonly Func<InFlightAttempt, InFlightChoice?>? _settle;
    private readonly List<(InFlightAttempt Attempt, InFlightChoice Choice)> _decisions = new();
    private readonly List<(int Group, ProcessIdentity? Identity)> _processGroups = new();
    private readonly List<InFlightAttempt> _undecided = new();
    private readonly IReadOnlyDictionary<string, string> _secrets;

    private ResumePlan(JournaledRun run, Func<CompiledPlaybook, string, CompiledPlaybook?> resolveCallee, Func<InFlightAttempt, InFlightChoice?> choose,
        Func<InFlightAttempt, InFlightChoice?>? settle, IReadOnlyDictionary<string, string>? secrets)
    {
        _run = run;
        _secrets = secrets ?? new Dictionary<string, string>();
        _resolveCallee = resolveCallee;
        _choose = choose;
        _settle = settle;
    }

    /// <summary>The rebuilt run; null when it could not be rebuilt (see <see cref="Problem"/>).</summary>
    public RunResume? Resume { get; private set; }

    public string? Problem { get; private set; }

    /// <summary>Non-idempotent attempts in flight with no answer: the run must not continue until each has one.</summary>
    public IReadOnlyList<InFlightAttempt> Undecided => _undecided;

    public IReadOnlyList<(InFlightAttempt Attempt, InFlightChoice Choice)> Decisions => _decisions;

    /// <summary>Process groups of shell commands that were running when the run stopped, with who their
    /// leader was (to tell them from a later process that got the same number).</summary>
    public IReadOnlyList<(int Group, ProcessIdentity? Identity)> ProcessGroups => _processGroups;

    /// <param name="choose">What to do with a non-idempotent attempt in flight (rerun, skip, fail), or null
    /// when nobody has said: it is then listed in <see cref="Undecided"/>.</param>
    /// <param name="settle">Asked first for every step attempt in flight, idempotent or not: a choice that what
    /// the attempt's process left behind already settles (it never ran; it ended and its outcome is known),
    /// so nobody is asked; null when it does not.</param>
    /// <param name="secrets">The secrets the resume has now, by the names the journal's <c>sealed_with</c> uses
    /// (<see cref="Redactor.Secrets"/>): a sealed capture or output is opened with them, and one that cannot be
    /// opened makes the plan a <see cref="Problem"/> (a run never continues with <c>***</c> as a value).</param>
    public static ResumePlan Build(JournaledRun run, CompiledPlaybook playbook, Func<CompiledPlaybook, string, CompiledPlaybook?> resolveCallee,
        Func<InFlightAttempt, InFlightChoice?> choose, Func<InFlightAttempt, InFlightChoice?>? settle = null, IReadOnlyDictionary<string, string>? secrets = null)
    {
        var plan = new ResumePlan(run, resolveCallee, choose, settle, secrets);
        try
        {
            // A run that stopped before it entered its first state (while it set its lets up, say) has done
            // nothing yet: it starts from the beginning, on its original clock.
            plan.Resume = plan.BuildRun(playbook, "", run.StartedAt, afterSeq: 0)
                ?? new RunResume { Main = new FlowResume { State = playbook.Start, Entered = false }, StartedAt = run.StartedAt };
        }
        catch (JournalMismatchException e)
        {
            plan.Problem = e.Message;
        }
        return plan;
    }

    private sealed class JournalMismatchException(string message) : Exception(message);

    /// <summary>Is <paramref name="flow"/> one of the engine's own flows (its main one or a branch), for the engine at <paramref name="prefix"/>?</summary>
    private static bool Owns(string prefix, string flow)
    {
        if (prefix.Length == 0) return !flow.Contains('#', StringComparison.Ordinal);
        if (flow == prefix) return true;
        return flow.StartsWith(prefix + "/", StringComparison.Ordinal) && !flow.AsSpan(prefix.Length + 1).Contains('#');
    }

    private static string Child(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}/{name}";

    private RunResume? BuildRun(CompiledPlaybook playbook, string prefix, DateTimeOffset startedAt, long afterSeq)
    {
        var own = _run.Records.Where(r => r.Seq > afterSeq && Owns(prefix, r.Body.String("flow") ?? "")).ToList();
        var main = BuildFlow(playbook, prefix, prefix, own, afterSeq);
        if (main is null) return null;
        var captures = new Dictionary<string, object?>(StringComparer.Ordinal);
        var path = new List<string>();
        var timeline = new List<TimelineEntry>();
        var attempts = new Dictionary<string, int>(StringComparer.Ordinal);
        var taken = new List<(string, int)>();
        foreach (var r in own)
        {
            var flow = r.Body.String("flow") ?? "";
            switch (r.Type)
            {
                case "captured":
                    captures[r.Body.String("name") ?? ""] = ValueOf(r, "value", r.Body.String("name") ?? "");
                    break;
                case "state-entered":
                    path.Add(r.Body.String("state") ?? "");
                    break;
                case "attempt-started":
                    attempts[r.Body.String("state") ?? ""] = (int)(r.Body.Long("attempt") ?? 1);
                    break;
                case "attempt-ended":
                    var entry = JournaledRun.ToEntry(r);
                    // Branch names as the engine gives them: relative to this playbook.
                    var branch = flow == prefix ? null : flow[(prefix.Length == 0 ? 0 : prefix.Length + 1)..];
                    timeline.Add(entry with { Branch = branch });
                    attempts[entry.State] = entry.Attempt;
                    break;
                case "moved":
                    taken.Add((r.Body.String("from") ?? "", (int)(r.Body.Long("index") ?? 0)));
                    break;
                case "foreach-ended":
                    var loop = StateOf(playbook, r, "state");
                    if (loop.Foreach is { } spec) captures[spec.ResultsName] = ValueOf(r, "results", "results");
                    break;
            }
        }
        var cleanupFlow = Child(prefix, Semantics.CleanupSymbol.FlowName);
        CleanupResume? cleanup = null;
        if (own.LastOrDefault(r => r.Type == "cleanup-started" && r.Body.String("flow") == cleanupFlow) is { } started)
        {
            var status = started.Body.String("status") switch { "success" => RunStatus.Success, "failure" => RunStatus.Failure, _ => RunStatus.Aborted };
            var ended = own.LastOrDefault(r => r.Type == "cleanup-ended" && r.Body.String("flow") == cleanupFlow);
            cleanup = new CleanupResume(started.Body.String("end") ?? "aborted", status, started.Body.String("reason"), started.Body.Millis("at_ms"),
                BuildFlow(playbook, prefix, cleanupFlow, own, started.Seq), ended?.Body.String("outcome"));
        }
        return new RunResume
        {
            Cleanup = cleanup,
            Captures = captures,
            Main = main,
            Path = path,
            Timeline = timeline,
            Attempts = attempts,
            Taken = taken,
            StartedAt = startedAt,
        };
    }

    /// <summary>The value of <paramref name="field"/> as the run had it: the sealed value when the record has
    /// one (it held a secret, so <paramref name="field"/> itself is redacted), opened with the secrets the resume
    /// has; refused when they cannot open it.</summary>
    private object? ValueOf(JournalRecord r, string field, string name)
    {
        var flow = r.Body.String("flow") ?? "";
        var state = r.Body.String("state") ?? "";
        if (r.Body.String("sealed") is not { } sealedText)
            return r.Body.TryGetProperty(field, out var plain) ? JournalValues.Read(plain) : null;
        var names = r.Body.TryGetProperty("sealed_with", out var with) && with.ValueKind == System.Text.Json.JsonValueKind.Array
            ? with.EnumerateArray().Select(e => e.GetString() ?? "").ToList()
            : [];
        var (opened, value, missing) = SealedValues.Open(sealedText, names, _secrets, _run.RunId, SealedValues.Context(r.Type, flow, state, name));
        if (opened) return value;
        var what = r.Type == "captured" ? $"capture '{name}' of state '{state}'" : $"the outputs of state '{state}' (attempt {name})";
        var where = flow.Length == 0 ? "" : $" (in {flow})";
        var secrets = string.Join(", ", names);
        var why = missing.Count > 0
            ? $"{string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} not set now"
            : $"it cannot be opened with the value{(names.Count == 1 ? "" : "s")} {secrets} {(names.Count == 1 ? "has" : "have")} now (rotated since the run started, or the journal's sealed value was altered)";
        throw new JournalMismatchException(
            $"line {r.Line}: {what}{where} holds the secret{(names.Count == 1 ? "" : "s")} {secrets} and is sealed in the journal, but {why}; " +
            $"export {secrets} with the value{(names.Count == 1 ? "" : "s")} it had when the run started and resume again (the run never continues with '{Redactor.Mask}' in place of a value)");
    }

    private CompiledState StateOf(CompiledPlaybook playbook, JournalRecord r, string field)
    {
        var name = r.Body.String(field) ?? "";
        if (playbook.ByName.TryGetValue(name, out var state)) return state;
        throw new JournalMismatchException($"line {r.Line}: the journal names state '{name}', which playbook '{playbook.Name}' does not have");
    }

    /// <summary>Where one flow stood: replays its records (those after <paramref name="afterSeq"/>).</summary>
    private FlowResume? BuildFlow(CompiledPlaybook playbook, string prefix, string flow, List<JournalRecord> own, long afterSeq)
    {
        CompiledState? state = null;
        var entered = false;
        TimeSpan enteredAt = default;
        TimeSpan? phaseEnteredAt = null;
        CompiledState? phase = null;
        var enteredSeq = 0L;
        var attempt = 0;
        string? outcome = null;
        TimeSpan endedAt = default;
        IReadOnlyDictionary<string, object?>? outputs = null;
        var groups = new List<(int Attempt, int Group, ProcessIdentity? Identity, string? Host)>();
        foreach (var r in own)
        {
            if (r.Seq <= afterSeq || (r.Body.String("flow") ?? "") != flow) continue;
            switch (r.Type)
            {
                case "state-entered":
                    state = StateOf(playbook, r, "state");
                    entered = true;
                    enteredAt = r.Body.Millis("at_ms");
                    enteredSeq = r.Seq;
                    if (state.Phase != phase)
                    {
                        phase = state.Phase;
                        phaseEnteredAt = enteredAt;
                    }
                    attempt = 0;
                    outcome = null;
                    outputs = null;
                    groups.Clear();
                    break;
                case "moved":
                    state = StateOf(playbook, r, "to");
                    entered = false;
                    break;
                case "attempt-started":
                    attempt = (int)(r.Body.Long("attempt") ?? 1);
                    outcome = null;
                    break;
                case "attempt-ended":
                    attempt = (int)(r.Body.Long("attempt") ?? 1);
                    outcome = r.Body.String("outcome");
                    endedAt = r.Body.Millis("at_ms") + r.Body.Millis("duration_ms");
                    outputs = ValueOf(r, "outputs", JournalValues.Invariant(attempt)) as IReadOnlyDictionary<string, object?>;
                    break;
                case "process-started":
                    var boot = r.Body.String("boot_id");
                    var ticks = r.Body.Long("start_ticks");
                    groups.Add(((int)(r.Body.Long("attempt") ?? 0), (int)(r.Body.Long("pgid") ?? 0),
                        boot is not null && ticks is { } t ? new ProcessIdentity(boot, t) { CommandLine = r.Body.String("cmdline_sha256") } : null,
                        r.Body.String("host")));
                    break;
            }
        }
        if (state is null) return null;
        if (!entered)
            return new FlowResume { State = state, Entered = false, PhaseEnteredAt = state.Phase == phase ? phaseEnteredAt : null };

        var inFlight = attempt > 0 && outcome is null;
        if (inFlight)
        {
            // Whatever it started may still be running: stop it before anything else happens.
            _processGroups.AddRange(groups.Where(g => g.Attempt == attempt && g.Group > 0).Select(g => (g.Group, g.Identity)));
        }
        var choice = InFlightChoice.Rerun;
        RunResume? callee = null;
        if (inFlight && state.Kind == StateKind.Step)
        {
            if (state.Action?.CallTarget is { } target)
            {
                // A call in flight continues inside the called playbook, whose own steps say what they did.
                var calleePlaybook = _resolveCallee(playbook, target)
                    ?? throw new JournalMismatchException($"playbook '{target}', called by '{state.Name}', cannot be loaded");
                var calleeFlow = Child(flow, $"{state.Name}#{attempt}");
                var first = _run.Records.FirstOrDefault(r => r.Seq > enteredSeq && (r.Body.String("flow") ?? "") == calleeFlow);
                if (first is not null)
                    callee = BuildRun(calleePlaybook, calleeFlow, first.At - first.Body.Millis("at_ms"), enteredSeq);
            }
            else
            {
                var attemptInFlight = new InFlightAttempt(flow, state, attempt, state.Idempotent)
                {
                    Processes = groups.Where(g => g.Attempt == attempt && g.Group > 0).Select(g => (g.Group, g.Identity)).ToList(),
                    ProcessHost = groups.LastOrDefault(g => g.Attempt == attempt && g.Group > 0).Host,
                };
                if (_settle?.Invoke(attemptInFlight) is { } settled) choice = settled;
                else if (!state.Idempotent)
                {
                    if (_choose(attemptInFlight) is { } chosen) choice = chosen;
                    else _undecided.Add(attemptInFlight);
                }
                _decisions.Add((attemptInFlight, choice));
            }
        }
        var branches = new Dictionary<string, BranchResume>(StringComparer.Ordinal);
        if (state.Kind == StateKind.Parallel)
        {
            foreach (var branch in state.Branches)
            {
                var ended = own.LastOrDefault(r => r.Seq > enteredSeq && r.Type == "branch-ended" && (r.Body.String("flow") ?? "") == flow
                    && r.Body.String("branch") == branch.Name);
                if (ended is not null)
                {
                    branches[branch.Name] = new BranchResume(ended.Body.String("outcome"), ended.Body.Millis("at_ms"), null);
                    continue;
                }
                var branchFlow = BuildFlow(playbook, prefix, Child(flow, branch.Name), own, enteredSeq);
                if (branchFlow is not null) branches[branch.Name] = new BranchResume(null, default, branchFlow);
            }
        }
        var loopResume = state.Kind == StateKind.Foreach && outcome is null ? BuildForeach(playbook, prefix, flow, state, own, enteredSeq) : null;
        return new FlowResume
        {
            Foreach = loopResume,
            State = state,
            EnteredAt = enteredAt,
            PhaseEnteredAt = phaseEnteredAt,
            Attempt = attempt,
            LastOutcome = outcome,
            LastEndedAt = endedAt,
            LastOutputs = outputs,
            InFlight = choice,
            Branches = branches,
            Callee = callee,
        };
    }

    /// <summary>Where a foreach entered at <paramref name="enteredSeq"/> stood: the list it journaled (null when it
    /// had not read it yet: the resume reads it then), each finished item with its outcome and captures, and each
    /// item in flight with where its body stood (in flow <c>NAME[i]</c>, the same rules as any flow).</summary>
    private ForeachResume? BuildForeach(CompiledPlaybook playbook, string prefix, string flow, CompiledState loop, List<JournalRecord> own, long enteredSeq)
    {
        bool Mine(JournalRecord r) => r.Seq > enteredSeq && (r.Body.String("flow") ?? "") == flow && r.Body.String("state") == loop.Name;
        var started = own.FirstOrDefault(r => r.Type == "foreach-started" && Mine(r));
        if (started is null) return null;
        if (ValueOf(started, "items", "items") is not System.Collections.IList items)
            throw new JournalMismatchException($"line {started.Line}: the journaled list of foreach '{loop.Name}' is not a list");
        var byIndex = new Dictionary<int, ItemResume>();
        foreach (var r in own.Where(r => r.Type == "item-started" && Mine(r)))
        {
            var index = (int)(r.Body.Long("index") ?? 0) - 1;
            if (index < 0 || index >= items.Count)
                throw new JournalMismatchException($"line {r.Line}: item {index + 1} of foreach '{loop.Name}', whose list has {items.Count} items");
            var itemFlow = Child(prefix, PlaybookEngine.ItemLabel(loop, index));
            var captures = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var c in own.Where(c => c.Seq > r.Seq && c.Type == "captured" && (c.Body.String("flow") ?? "") == itemFlow))
                captures[c.Body.String("name") ?? ""] = ValueOf(c, "value", c.Body.String("name") ?? "");
            var ended = own.FirstOrDefault(e => e.Type == "item-ended" && Mine(e) && e.Body.Long("index") == index + 1);
            byIndex[index] = ended is not null
                ? new ItemResume(ended.Body.String("outcome"), captures, null)
                : new ItemResume(null, captures, BuildFlow(playbook, prefix, itemFlow, own, r.Seq));
        }
        return new ForeachResume { Items = items, Started = byIndex };
    }
}
