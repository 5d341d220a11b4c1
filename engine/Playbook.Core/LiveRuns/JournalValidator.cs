using Playbook.Compiling;
using Playbook.Journal;
using Playbook.Semantics;

namespace Playbook.LiveRuns;

/// <summary>Replays a journal against the compiled playbook (and the playbooks it calls) before a resume
/// acts on it, and refuses the first record the run could not have written: a state the playbook does not
/// have or that is not in that flow, a move the playbook cannot make or that its last outcome does not take
/// (an approval skipped), attempts out of order, an answer to a step that is not manual, an outcome the
/// state cannot have, a process group of a state that is not running an action that starts processes, a
/// record of a branch or a called playbook that was not running. Its field types are <see cref="JournalSchema"/>'s.
/// Nothing here acts: a resume signals, runs or answers only after the whole journal passed.</summary>
public sealed class JournalValidator
{
    /// <summary>What one flow (the main one, a branch, a called playbook's) stood at, record by record.</summary>
    private sealed class FlowState
    {
        public required string Key { get; init; }

        public required CompiledPlaybook Playbook { get; init; }

        /// <summary>The branch this flow runs, or null for a playbook's main flow.</summary>
        public CompiledBranch? Branch { get; init; }

        /// <summary>The flow it runs inside (null for the run's own main flow), and which state of it.</summary>
        public FlowState? Parent { get; init; }

        public CompiledState? ParentState { get; init; }

        public int ParentAttempt { get; init; }

        public CompiledState? State { get; set; }

        public bool Entered { get; set; }

        public int Attempt { get; set; }

        public bool Open { get; set; }

        public string? Outcome { get; set; }

        public string? Answer { get; set; }

        /// <summary>A resume came since the last attempt started: it may start the same attempt again.</summary>
        public bool ResumedSince { get; set; }

        /// <summary>For a foreach: how many items its journaled list has (null before it journaled it), and
        /// which items (from 1) have started and ended.</summary>
        public int? ItemCount { get; set; }

        /// <summary>For a foreach: its journaled list, each item as journaled (redacted as its item-started records are).</summary>
        public System.Text.Json.JsonElement Items { get; set; }

        public HashSet<int> ItemsStarted { get; } = new();

        public HashSet<int> ItemsEnded { get; } = new();

        /// <summary>For a foreach: it ended with items unstarted, which only its phase's deadline does.</summary>
        public bool ItemsCutShort { get; set; }

        /// <summary>For an item's flow: its index (from 1).</summary>
        public int ItemIndex { get; init; }

        public void Enter(CompiledState state)
        {
            ItemCount = null;
            ItemsStarted.Clear();
            ItemsEnded.Clear();
            ItemsCutShort = false;
            State = state;
            Entered = true;
            Attempt = 0;
            Open = false;
            Outcome = null;
            Answer = null;
        }
    }

    private sealed class Refused(string why) : Exception(why);

    private readonly CompiledPlaybook _playbook;
    private readonly Func<CompiledPlaybook, string, CompiledPlaybook?> _resolveCallee;
    private readonly Dictionary<string, FlowState> _flows = new(StringComparer.Ordinal);

    private JournalValidator(CompiledPlaybook playbook, Func<CompiledPlaybook, string, CompiledPlaybook?> resolveCallee)
    {
        _playbook = playbook;
        _resolveCallee = resolveCallee;
    }

    /// <summary>The first record of <paramref name="run"/> that <paramref name="playbook"/> could not have
    /// produced, with its line and why; null when every record could have been.</summary>
    public static (int Line, string Why)? Check(JournaledRun run, CompiledPlaybook playbook, Func<CompiledPlaybook, string, CompiledPlaybook?> resolveCallee)
    {
        if (JournalSchema.Check(run.Contents) is { } bad) return bad;
        var validator = new JournalValidator(playbook, resolveCallee);
        var records = run.Records;
        for (var i = 0; i < records.Count; i++)
        {
            try
            {
                validator.Apply(records[i], last: i == records.Count - 1);
            }
            catch (Refused e)
            {
                return (records[i].Line, e.Message);
            }
        }
        return null;
    }

    private static string Str(JournalRecord r, string name) => r.Body.String(name) ?? "";

    private static int Int(JournalRecord r, string name) => (int)(r.Body.Long(name) ?? 0);

    private void Apply(JournalRecord r, bool last)
    {
        switch (r.Type)
        {
            case "run-started":
                if (Str(r, "name") != _playbook.Name)
                    throw new Refused($"the run is of playbook '{Str(r, "name")}', but '{_playbook.Path}' is playbook '{_playbook.Name}'");
                return;
            case "run-resumed":
                foreach (var flow in _flows.Values) flow.ResumedSince = true;
                return;
            case "run-interrupted":
                return;
            case "lock-taken":
                if (_playbook.Lock is null) throw new Refused($"the run took lock '{Str(r, "lock")}', but playbook '{_playbook.Name}' declares no lock");
                return;
            case "run-ended":
                if (!last) throw new Refused("records follow the end of the run");
                RunEnded(r);
                return;
        }

        var f = Flow(Str(r, "flow"));
        switch (r.Type)
        {
            case "state-entered":
                StateEntered(f, StateOf(f, r, "state"));
                break;
            case "attempt-started":
                AttemptStarted(f, Current(f, r, "state"), Int(r, "attempt"), r.Body.TryGetProperty("idempotent", out var i) && i.ValueKind == System.Text.Json.JsonValueKind.True);
                break;
            case "process-started":
            case "process-stopped":
            {
                var state = Current(f, r, "state");
                if (!f.Open || Int(r, "attempt") != f.Attempt)
                    throw new Refused($"a process group for attempt {Int(r, "attempt")} of '{state.Name}', which is not running");
                if (!StartsProcesses(state))
                    throw new Refused($"a process group for '{state.Name}', a {Describe(state)}, which starts no process");
                break;
            }
            case "request-sent":
            {
                var state = Current(f, r, "state");
                if (state.Action?.Kind != "http" || !f.Open || Int(r, "attempt") != f.Attempt)
                    throw new Refused($"a request for attempt {Int(r, "attempt")} of '{state.Name}', which was not sending one");
                break;
            }
            case "attempt-ended":
            {
                var state = Current(f, r, "state");
                if (f.ItemsCutShort && Str(r, "outcome") != "deadline")
                    throw new Refused($"foreach '{state.Name}' ended '{Str(r, "outcome")}' with items it never started: only its phase's deadline leaves items unstarted");
                AttemptEnded(f, state, Int(r, "attempt"), Str(r, "outcome"));
                break;
            }
            case "captured":
            {
                var state = Current(f, r, "state");
                var name = Str(r, "name");
                if (!state.Captures.Any(c => c.Name == name))
                    throw new Refused($"a capture '{name}' by '{state.Name}', which captures no '{name}'");
                break;
            }
            case "answered":
            {
                var state = Current(f, r, "state");
                if (state.Kind != StateKind.Manual) throw new Refused($"an answer to '{state.Name}', a {Describe(state)}: only manual steps are answered");
                if (!f.Open) throw new Refused($"an answer to '{state.Name}', which was not asking");
                var answer = Str(r, "answer");
                if (answer is not ("approve" or "reject" or "timeout")) throw new Refused($"the answer '{answer}' to '{state.Name}': a manual step is answered approve or reject (or times out)");
                f.Answer = answer;
                break;
            }
            case "asked":
            {
                // The question as the runner put it (its holes filled, redacted): only a manual step that is asking asks.
                var state = Current(f, r, "state");
                if (state.Kind != StateKind.Manual || !f.Open) throw new Refused($"a question from '{state.Name}', which was not asking");
                break;
            }
            case "voted":
            {
                // One approval of several a quorum needs: it answers nothing by itself, and comes only while the step asks.
                var state = Current(f, r, "state");
                if (state.Kind != StateKind.Manual || !f.Open) throw new Refused($"an approval of '{state.Name}', which was not asking");
                if (Str(r, "answer") != "approve") throw new Refused($"a vote '{Str(r, "answer")}' on '{state.Name}': only approvals are counted towards a quorum");
                break;
            }
            case "notified":
            {
                var state = Current(f, r, "state");
                if (state.Action?.Kind != "notify" || !f.Open) throw new Refused($"a notification from '{state.Name}', which was not running a notify");
                break;
            }
            case "moved":
                Moved(f, r);
                break;
            case "branch-ended":
                BranchEnded(f, r);
                break;
            case "foreach-started":
            {
                var loop = RunningForeach(f, r);
                if (f.ItemCount is not null) throw new Refused($"foreach '{loop.Name}' journaled its list twice");
                if (!r.Body.TryGetProperty("items", out var items) || items.ValueKind != System.Text.Json.JsonValueKind.Array)
                    throw new Refused($"the list of foreach '{loop.Name}' is not a list");
                var count = items.GetArrayLength();
                if (loop.Foreach!.Max is { } max && count > max) throw new Refused($"foreach '{loop.Name}' started with {count} items, more than its max {max}");
                f.ItemCount = count;
                f.Items = items.Clone();
                f.ItemsCutShort = false;
                break;
            }
            case "item-started":
            case "item-ended":
            {
                var loop = RunningForeach(f, r);
                var index = Int(r, "index");
                if (f.ItemCount is not { } count) throw new Refused($"item {index} of foreach '{loop.Name}' before its list was journaled");
                if (index > count) throw new Refused($"item {index} of foreach '{loop.Name}', whose list has {count} item{(count == 1 ? "" : "s")}");
                if (r.Type == "item-started")
                {
                    if (!f.ItemsStarted.Add(index)) throw new Refused($"item {index} of foreach '{loop.Name}' started twice");
                    // The item must be the list's: a resume would run the body with the list's value, not this one.
                    var listed = f.Items[index - 1];
                    if (!r.Body.TryGetProperty("item", out var item) || !System.Text.Json.JsonElement.DeepEquals(item, listed))
                        throw new Refused($"item {index} of foreach '{loop.Name}' is {Shown(item)}, but its journaled list has {Shown(listed)} there");
                    var inFlight = f.ItemsStarted.Count - f.ItemsEnded.Count;
                    if (inFlight > loop.Foreach!.Parallel)
                        throw new Refused($"item {index} of foreach '{loop.Name}' started with {inFlight - 1} of its items already in flight, but it runs at most {loop.Foreach.Parallel} at once (parallel {loop.Foreach.Parallel})");
                }
                else
                {
                    if (!f.ItemsStarted.Contains(index) || !f.ItemsEnded.Add(index))
                        throw new Refused($"item {index} of foreach '{loop.Name}' ended, but it {(f.ItemsEnded.Contains(index) ? "had already ended" : "had not started")}");
                    var o = Str(r, "outcome");
                    if (o is not ("ok" or "fail" or "cancelled")) throw new Refused($"item {index} of foreach '{loop.Name}' ended '{o}': an item ends ok, fail or cancelled");
                    // Only a phase's deadline cuts an item off.
                    if (o == "cancelled" && loop.Phase?.Budget is null)
                        throw new Refused($"item {index} of foreach '{loop.Name}' ended cancelled, but the foreach is in no phase with a budget to cut it off");
                    if (r.Body.String("given") is { } given && given != "scenario")
                        throw new Refused($"item {index} of foreach '{loop.Name}' has its outcome given by '{given}': only a rehearsal's scenario gives one");
                }
                break;
            }
            case "foreach-ended":
            {
                var loop = RunningForeach(f, r);
                if (f.ItemsStarted.Count != f.ItemsEnded.Count)
                    throw new Refused($"foreach '{loop.Name}' ended with {f.ItemsStarted.Count - f.ItemsEnded.Count} of its items still in flight");
                // Items left unstarted are what a phase's deadline does: the foreach's own outcome must then be that deadline.
                if (f.ItemCount is { } count && f.ItemsEnded.Count != count)
                {
                    if (loop.Phase?.Budget is null) throw new Refused($"foreach '{loop.Name}' ended after {f.ItemsEnded.Count} of its {count} items");
                    f.ItemsCutShort = true;
                }
                break;
            }
            case "cleanup-started":
            case "cleanup-ended":
                if (f.Branch is null || f.Branch != f.Playbook.Cleanup) throw new Refused($"a '{r.Type}' in {Where(f)}, which is not a cleanup");
                break;
        }
    }

    /// <summary>A journaled value as a message shows it: its JSON, cut at 40 characters.</summary>
    private static string Shown(System.Text.Json.JsonElement value)
    {
        var text = value.ValueKind == System.Text.Json.JsonValueKind.Undefined ? "missing" : value.GetRawText();
        return text.Length > 40 ? text[..40] + "…" : text;
    }

    /// <summary>The foreach the record names, which its flow must be in and not yet have ended.</summary>
    private CompiledState RunningForeach(FlowState f, JournalRecord r)
    {
        var state = Current(f, r, "state");
        if (state.Kind != StateKind.Foreach || f.Outcome is not null)
            throw new Refused($"a '{r.Type}' of '{state.Name}', a {Describe(state)}{(state.Kind == StateKind.Foreach ? " that had ended" : "")}");
        return state;
    }

    private static string Describe(CompiledState state) =>
        state.Action is { } action ? $"{state.Symbol.KindName} that runs '{action.Kind}'" : state.Symbol.KindName;

    /// <summary>Actions that run a program (and so leave a process group behind): anything but those that
    /// run in the runner's own process.</summary>
    private static bool StartsProcesses(CompiledState state) =>
        state.Kind is StateKind.Step or StateKind.Wait && state.Action is { } action && action.Kind is not ("http" or "script" or "notify" or "call");

    private static string Where(FlowState f) => f.Key.Length == 0 ? "the main flow" : $"flow '{f.Key}'";

    private CompiledState StateOf(FlowState f, JournalRecord r, string field)
    {
        var name = Str(r, field);
        if (!f.Playbook.ByName.TryGetValue(name, out var state))
            throw new Refused($"state '{name}', which playbook '{f.Playbook.Name}' does not have");
        return state;
    }

    /// <summary>The state the record names, which must be the one its flow is in.</summary>
    private CompiledState Current(FlowState f, JournalRecord r, string field)
    {
        var state = StateOf(f, r, field);
        if (!f.Entered || f.State != state)
            throw new Refused($"a '{r.Type}' of '{state.Name}', but {Where(f)} is {(f.State is null ? "in no state yet" : f.Entered ? $"in '{f.State.Name}'" : $"on its way to '{f.State.Name}'")}");
        return state;
    }

    private void StateEntered(FlowState f, CompiledState state)
    {
        if (f.Branch is { } branch ? !branch.States.Contains(state) : state.InBranch)
            throw new Refused($"state '{state.Name}' entered in {Where(f)}, which it is not part of");
        if (f.State is null)
        {
            var start = f.Branch?.Entry ?? f.Playbook.Start;
            if (state != start) throw new Refused($"{Where(f)} starts at '{state.Name}', but it starts at '{start.Name}'");
        }
        else if (f.Entered || f.State != state)
        {
            throw new Refused($"'{state.Name}' entered without a move to it (the flow is {(f.Entered ? "in" : "on its way to")} '{f.State.Name}')");
        }
        f.Enter(state);
        if (state.Kind == StateKind.Parallel)
        {
            // Entered again: its branches start over.
            foreach (var b in state.Branches) Forget(Child(f.Key, b.Name));
        }
        if (state.Kind == StateKind.Foreach)
        {
            // Entered again: its items start over.
            var items = Child(f.Key, state.Name + "[");
            foreach (var k in _flows.Keys.Where(k => k.StartsWith(items, StringComparison.Ordinal)).ToList()) _flows.Remove(k);
        }
    }

    private static string Child(string key, string name) => key.Length == 0 ? name : $"{key}/{name}";

    private void Forget(string key)
    {
        foreach (var k in _flows.Keys.Where(k => k == key || k.StartsWith(key + "/", StringComparison.Ordinal)).ToList()) _flows.Remove(k);
    }

    private void AttemptStarted(FlowState f, CompiledState state, int attempt, bool idempotent)
    {
        if (state.Kind is not (StateKind.Step or StateKind.Wait or StateKind.Manual))
            throw new Refused($"an attempt of '{state.Name}', a {Describe(state)}, which makes none");
        var again = f.Open && f.ResumedSince && attempt == f.Attempt;
        if (!again && (f.Open || attempt != f.Attempt + 1))
            throw new Refused($"attempt {attempt} of '{state.Name}' after attempt {f.Attempt}{(f.Open ? " that had not ended" : "")}");
        var max = state.Kind switch
        {
            StateKind.Step => state.Retry.MaxAttempts,
            StateKind.Manual => 1,
            _ => int.MaxValue,
        };
        if (attempt > max) throw new Refused($"attempt {attempt} of '{state.Name}', which makes at most {max}");
        if (idempotent != state.Idempotent)
            throw new Refused($"attempt {attempt} of '{state.Name}' journaled as {(idempotent ? "" : "not ")}idempotent, which it is {(state.Idempotent ? "" : "not")}");
        if (!again && state.Action?.CallTarget is not null) Forget(Child(f.Key, $"{state.Name}#{attempt}"));
        f.Attempt = attempt;
        f.Open = true;
        f.Outcome = null;
        f.Answer = null;
        f.ResumedSince = false;
    }

    private static readonly string[] StepOutcomes = ["ok", "fail", "timeout", "deadline"];
    private static readonly string[] WaitOutcomes = ["ok", "not yet", "timeout", "deadline"];
    private static readonly string[] ManualOutcomes = ["approve", "reject", "timeout", "deadline"];

    private static void AttemptEnded(FlowState f, CompiledState state, int attempt, string outcome)
    {
        if (f.Open ? attempt != f.Attempt : !(attempt == f.Attempt + 1 || (attempt == f.Attempt && f.ResumedSince)))
            throw new Refused($"attempt {attempt} of '{state.Name}' ended, but {(f.Open ? $"attempt {f.Attempt} was running" : "it had not started")}");
        if (f.Open ? false : state.Kind is StateKind.Step or StateKind.Manual)
            throw new Refused($"attempt {attempt} of '{state.Name}' ended without having started");
        var allowed = state.Kind switch
        {
            StateKind.Step or StateKind.Parallel or StateKind.Foreach => StepOutcomes,
            StateKind.Wait => WaitOutcomes,
            StateKind.Manual => ManualOutcomes,
            StateKind.Decide => ["none", .. state.TransitionsFor("decide").Select(t => "-> " + t.TargetName)],
            _ => [],
        };
        if (!allowed.Contains(outcome))
            throw new Refused($"'{state.Name}', a {Describe(state)}, ended '{outcome}', which it cannot");
        if (state.Kind == StateKind.Manual && outcome != "deadline" && f.Answer != outcome)
            throw new Refused(f.Answer is null
                ? $"'{state.Name}' ended '{outcome}' without an answer"
                : $"'{state.Name}' ended '{outcome}', but it was answered '{f.Answer}'");
        f.Attempt = attempt;
        f.Open = false;
        f.Outcome = outcome;
    }

    private void Moved(FlowState f, JournalRecord r)
    {
        var from = StateOf(f, r, "from");
        var index = Int(r, "index");
        var to = Str(r, "to");
        if (!f.Entered || f.State is null || (from != f.State && from != f.State.Phase))
            throw new Refused($"a move from '{from.Name}', but {Where(f)} is {(f.State is null ? "in no state yet" : f.Entered ? $"in '{f.State.Name}'" : $"on its way to '{f.State.Name}'")}");
        if (f.Open) throw new Refused($"a move from '{from.Name}' while attempt {f.Attempt} of '{f.State.Name}' was running");
        var transition = from.Transitions.Values.SelectMany(t => t).FirstOrDefault(t => t.Index == index);
        if (transition is null || transition.Target?.Name != to)
            throw new Refused($"a move from '{from.Name}' to '{to}' (transition {index}), which playbook '{f.Playbook.Name}' does not have");
        var trigger = from.Kind == StateKind.Phase ? "timeout" : from.Kind == StateKind.Decide ? "decide" : f.Outcome;
        var taken = from.Kind switch
        {
            StateKind.Phase => true,
            StateKind.Decide => f.Outcome == "-> " + transition.TargetName,
            _ => f.Outcome is { } o && o != "deadline" && from.TransitionsFor(o).Contains(transition),
        };
        if (!taken || trigger is null)
            throw new Refused($"a move from '{from.Name}' to '{to}', which {(f.Outcome is null ? "it had no outcome for" : $"its outcome '{f.Outcome}' does not take")}");
        if (from.Kind == StateKind.Phase && !from.TransitionsFor("timeout").Contains(transition))
            throw new Refused($"a move from phase '{from.Name}' to '{to}', which is not where its deadline goes");
        f.State = transition.Target;
        f.Entered = false;
    }

    private static void BranchEnded(FlowState f, JournalRecord r)
    {
        var name = Str(r, "parallel");
        var branch = Str(r, "branch");
        if (f.Branch is not null || !f.Entered || f.State?.Name != name || f.State.Kind != StateKind.Parallel || f.Outcome is not null)
            throw new Refused($"branch '{branch}' of '{name}' ended, but {Where(f)} is not running parallel '{name}'");
        if (!f.State.Branches.Any(b => b.Name == branch)) throw new Refused($"parallel '{name}' has no branch '{branch}'");
        if (Str(r, "outcome") is not ("ok" or "fail" or "cancelled") and var outcome) throw new Refused($"branch '{branch}' ended '{outcome}', which a branch cannot");
    }

    private void RunEnded(JournalRecord r)
    {
        var status = Str(r, "status");
        if (status is not ("success" or "failure" or "aborted")) throw new Refused($"the run ended '{status}', which is not success, failure or aborted");
        if (r.Body.String("end") is not { } end) return;
        var main = Flow("");
        if (!main.Entered || main.State?.Name != end || main.State.Kind != StateKind.End || status != (main.State.Success ? "success" : "failure"))
            throw new Refused($"the run ended at '{end}' ({status}), which is not where its main flow was");
    }

    /// <summary>The flow a record's <c>flow</c> field names, made when its first record comes: "" the main
    /// flow; "NAME" (last part without '#') a branch of the parallel its parent flow is running; "STEP#N"
    /// the playbook that attempt N of call step STEP of its parent flow is running. Every record of a
    /// branch or a called playbook must come while that parallel or that call is running.</summary>
    private FlowState Flow(string key)
    {
        if (!_flows.TryGetValue(key, out var flow))
        {
            flow = Create(key);
            _flows[key] = flow;
        }
        for (var f = flow; f.Parent is { } parent; f = parent)
        {
            // The cleanup runs after its playbook's main flow has stopped, wherever that was.
            if (f.Branch is { } b && b == f.Playbook.Cleanup) continue;
            var running = f.ParentState!.Kind == StateKind.Foreach
                ? parent.Entered && parent.State == f.ParentState && parent.Outcome is null && parent.ItemsStarted.Contains(f.ItemIndex) && !parent.ItemsEnded.Contains(f.ItemIndex)
                : f.ParentState!.Kind == StateKind.Parallel
                ? parent.Entered && parent.State == f.ParentState && parent.Outcome is null
                : parent.Entered && parent.State == f.ParentState && parent.Open && parent.Attempt == f.ParentAttempt;
            if (!running) throw new Refused($"a record of {Where(f)}, but '{f.ParentState.Name}' in {Where(parent)} was not running it");
        }
        return flow;
    }

    private FlowState Create(string key)
    {
        if (key.Length == 0) return new FlowState { Key = "", Playbook = _playbook };
        var slash = key.LastIndexOf('/');
        var parentKey = slash < 0 ? "" : key[..slash];
        var segment = key[(slash + 1)..];
        if (segment.Length == 0 || (slash >= 0 && parentKey.Length == 0)) throw new Refused($"flow '{key}', which names no flow");
        var parent = Flow(parentKey);
        var hash = segment.IndexOf('#', StringComparison.Ordinal);
        if (segment == Semantics.CleanupSymbol.FlowName)
        {
            var cleanup = parent.Branch is null ? parent.Playbook.Cleanup : null;
            if (cleanup is null) throw new Refused($"a record of the cleanup of {Where(parent)}, which has none");
            return new FlowState { Key = key, Playbook = parent.Playbook, Branch = cleanup, Parent = parent, ParentState = parent.State };
        }
        if (hash < 0 && segment.IndexOf('[', StringComparison.Ordinal) is var open and > 0 && segment[^1] == ']')
        {
            // An item of a foreach: NAME[i], i from 1, while that foreach runs it.
            var loopName = segment[..open];
            if (!int.TryParse(segment.AsSpan(open + 1, segment.Length - open - 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) || index < 1)
                throw new Refused($"flow '{key}', which names no item of '{loopName}'");
            if (parent.Branch is not null || !parent.Entered || parent.State is not { Kind: StateKind.Foreach } loop || loop.Name != loopName)
                throw new Refused($"a record of item {index} of foreach '{loopName}', but {Where(parent)} is not running that foreach");
            if (parent.ItemCount is not { } count || index > count)
                throw new Refused($"a record of item {index} of foreach '{loopName}', whose list has {(parent.ItemCount is { } c ? $"{c} item{(c == 1 ? "" : "s")}" : "not been journaled")}");
            if (!parent.ItemsStarted.Contains(index) || parent.ItemsEnded.Contains(index))
                throw new Refused($"a record of item {index} of foreach '{loopName}', which {(parent.ItemsEnded.Contains(index) ? "had ended" : "had not started")}");
            return new FlowState { Key = key, Playbook = parent.Playbook, Branch = loop.Branches[0], Parent = parent, ParentState = loop, ItemIndex = index };
        }
        if (hash < 0)
        {
            var owner = parent.Branch is null ? parent : throw new Refused($"flow '{key}': a branch inside branch '{parent.Key}'");
            var parallel = owner.State is { Kind: StateKind.Parallel } p && owner.Entered ? p : null;
            var branch = parallel?.Branches.FirstOrDefault(b => b.Name == segment)
                ?? throw new Refused($"a record of branch '{segment}', but {Where(owner)} is not running a parallel with that branch");
            return new FlowState { Key = key, Playbook = owner.Playbook, Branch = branch, Parent = owner, ParentState = parallel };
        }
        var stepName = segment[..hash];
        if (!int.TryParse(segment.AsSpan(hash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var attempt) || attempt < 1)
            throw new Refused($"flow '{key}', which names no attempt of '{stepName}'");
        if (!parent.Playbook.ByName.TryGetValue(stepName, out var step) || step.Action?.CallTarget is not { } target)
            throw new Refused($"a record of a playbook called by '{stepName}', which is not a call step of playbook '{parent.Playbook.Name}'");
        if (!parent.Entered || parent.State != step || !parent.Open || parent.Attempt != attempt)
            throw new Refused($"a record of the playbook called by attempt {attempt} of '{stepName}', which was not running");
        var callee = _resolveCallee(parent.Playbook, target) ?? throw new Refused($"playbook '{target}', called by '{stepName}', cannot be loaded");
        return new FlowState { Key = key, Playbook = callee, Parent = parent, ParentState = step, ParentAttempt = attempt };
    }
}
