using Playbook.Compiling;
using Playbook.Semantics;
using Playbook.Text;

namespace Playbook.EngineCore;

/// <summary>The engine core: drives a compiled playbook through its state machine, one state at a
/// time, asking an <see cref="IActionRunner"/> for each attempt. Retries and backoff (jitter from the
/// engine's seeded random source), timeouts, waits, polling, phase deadlines and parallel joins live
/// here and go through one <see cref="RunClock"/>; simulation and real runs differ only in the runner
/// and the clock. On a virtual clock the branches of a parallel run one after the other, each on its own
/// forked clock; on a real clock they run at once. An engine runs one run at a time: use one per thread,
/// and reuse it for many runs.</summary>
public sealed partial class PlaybookEngine
{
    /// <summary>A run that takes more transitions than this is stopped as aborted: it is looping.</summary>
    public const int MaxTransitions = 10_000;

    private readonly CompiledPlaybook _playbook;
    private readonly IActionRunner _runner;
    private readonly RunScope _scope;
    // The playbook's lets: the constant ones are read from one table shared by every run (see LetConstants).
    private readonly LetConstants _lets;
    // The inputs of the last run, so the next run with the very same ones can renew the scope (see RunScope.Renew).
    private IReadOnlyDictionary<string, object?>? _lastParameters;
    private readonly MachineDriver _machine;
    private readonly Dictionary<CompiledBranch, MachineDriver> _branchMachines = new();
    private readonly RunNotes _notes = new();
    private Random _random;
    // Set for a run on a real clock, whose branches run concurrently: engine state shared between
    // branches (the random source, the branch machines) is locked on it.
    private object? _sync;

    public PlaybookEngine(CompiledPlaybook playbook, IActionRunner runner, Random? random = null)
    {
        _playbook = playbook;
        _runner = runner;
        _random = random ?? new Random(0);
        _lets = LetConstants.For(playbook);
        _scope = new RunScope(new ExpressionRuntime(playbook), _lets.Values);
        _machine = new MachineDriver(playbook, playbook.States.Where(s => !s.InBranch));
    }

    public CompiledPlaybook Playbook => _playbook;

    /// <summary>The engine's expression runtime (tests read its counters).</summary>
    internal ExpressionRuntime Expressions => (ExpressionRuntime)_scope.Runtime;

    /// <summary>The random source for jitter (and for the runner, if it shares it). Monte Carlo reseeds it per run.</summary>
    public Random Random
    {
        get => _random;
        set => _random = value;
    }

    public MachineDriver Machine => _machine;

    /// <summary>Hears every event of a run (a real run journals them); null in a dry run.</summary>
    public IRunObserver? Observer { get; set; }

    /// <summary>Monte Carlo: a run on a virtual clock refills the engine's own lists (path, timeline, attempts,
    /// transitions taken), captures dictionary and child clocks instead of allocating them, so the result it
    /// returns is valid only until the engine's next run. A simulated run allocated ~38 KB, half of it these, and
    /// with two workers every gen0 collection stops both. Ignored on a real clock.</summary>
    internal bool ReuseRunBuffers { get; set; }

    /// <summary>False when nobody reads the runs' timelines (Monte Carlo without a per-run callback): the attempts
    /// are not recorded, and the result's timeline is empty. Path, attempts, transitions taken, end and time are kept.</summary>
    internal bool KeepsTimeline { get; set; } = true;

    // The buffers a run reuses when ReuseRunBuffers is set (see RunCoreAsync).
    private readonly Dictionary<CompiledState, VirtualClock> _childClocks = new(ReferenceEqualityComparer.Instance);
    private Run? _reusedRun;
    private AttemptRequest? _reusedRequest;
    private Dictionary<string, object?>? _reusedCaptures;
    private bool _reusing;

    /// <summary>Runs the playbook from its start to an end (or until it aborts).</summary>
    public ValueTask<RunResult> RunAsync(RunClock clock, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken = default) =>
        RunCoreAsync(clock, parameters, null, cancellationToken);

    /// <summary>Continues a stopped run from where its journal says it stood. <paramref name="parameters"/>
    /// are its inputs and secrets; the captures it had made come with <paramref name="resume"/>.</summary>
    public ValueTask<RunResult> ResumeAsync(RunClock clock, IReadOnlyDictionary<string, object?> parameters, RunResume resume, CancellationToken cancellationToken = default) =>
        RunCoreAsync(clock, parameters, resume, cancellationToken);

    private async ValueTask<RunResult> RunCoreAsync(RunClock clock, IReadOnlyDictionary<string, object?> parameters, RunResume? resume, CancellationToken cancellationToken)
    {
        _sync = clock.IsRealTime ? new object() : null;
        _itemsAtOnce = false;
        _scope.Sync = _sync;
        _scope.Cancellation = cancellationToken;
        // The same inputs as the last run (Monte Carlo): start from its values, so constant lets are not set
        // again and the expression engine reloads only what differs. Anything else starts from nothing.
        if (ReferenceEquals(parameters, _lastParameters) && _scope.CanRenew) _scope.Renew();
        else _scope.Clear();
        _lastParameters = parameters;
        // Every capture exists from the start, as null until a step sets it: a guard that reads a capture
        // of a step that did not run (or ran without output, in a dry run) sees null, not an error.
        foreach (var name in _playbook.CaptureNames) _scope.Set(name, null);
        // Constant lets are not set: the scope reads them beneath its values. A parameter of the same name would
        // hide one, where the let, set after it, replaces it: the let is set in its place.
        if (parameters is Dictionary<string, object?> given)
        {
            // The dictionary's own enumerator, not the interface's: that one is boxed, for every run and every call.
            foreach (var (name, value) in given) SetInput(name, value);
        }
        else
        {
            foreach (var (name, value) in parameters) SetInput(name, value);
        }
        foreach (var let in _lets.Computed)
        {
            try
            {
                _scope.Set(let.Name, let.Value switch
                {
                    CompiledExpression e => _scope.Evaluate(e),
                    CompiledTemplate t => _scope.Render(t),
                    var v => v,
                });
            }
            catch (ExpressionFailedException e)
            {
                return new RunResult(null, RunStatus.Aborted, Array.Empty<string>(), Array.Empty<TimelineEntry>(), TimeSpan.Zero,
                    _scope.Captures, new Dictionary<string, int>(), $"{Where(e.Expression)}: let '{let.Name}' failed: {e.Message}");
            }
        }
        _scope.EndPrologue();
        _reusing = ReuseRunBuffers && _sync is null;
        var run = _reusing ? (_reusedRun ??= new Run(clock, null)).Renew(clock, KeepsTimeline) : new Run(clock, _sync) { KeepsTimeline = KeepsTimeline };
        var start = _playbook.Start;
        if (resume is not null)
        {
            foreach (var (name, value) in resume.Captures) _scope.Capture(name, value);
            run.Restore(resume);
            start = resume.Main.State;
        }
        if (resume?.Cleanup is { } inCleanup)
        {
            // The run had reached its end: only its cleanup is left.
            var before = new RunResult(inCleanup.End is AbortedEnd or InterruptedEnd ? null : inCleanup.End, inCleanup.Status, run.Path, run.Timeline,
                inCleanup.StartedAt, _scope.Captures, run.Attempts, inCleanup.Reason)
            {
                Taken = run.Taken,
                Interrupted = inCleanup.End == InterruptedEnd,
                EndMessage = inCleanup.End is AbortedEnd or InterruptedEnd ? null : RenderEndMessage(_playbook.ByName.GetValueOrDefault(inCleanup.End), clock),
            };
            return Finish(await CleanupAsync(_playbook.Cleanup!, before, inCleanup.End, run, clock, inCleanup, cancellationToken).ConfigureAwait(false), run);
        }
        _machine.Reset(start);
        Flow flow;
        var end = AbortedEnd;
        try
        {
            flow = await RunStatesAsync(start, run, clock, branch: null, _machine, cancellationToken, resume?.Main).ConfigureAwait(false);
            if (flow.End is { } reached) end = reached.Name;
        }
        catch (OperationCanceledException) when (InterruptEndsRun(cancellationToken))
        {
            flow = Flow.Aborted("interrupted by a stop signal");
            end = InterruptedEnd;
        }
        var result = new RunResult(
            flow.End?.Name,
            flow.End is null ? RunStatus.Aborted : flow.End.Success ? RunStatus.Success : RunStatus.Failure,
            run.Path,
            run.Timeline,
            clock.Elapsed,
            NoCaptures, // Finish copies them, after the cleanup: copying them here too cost a dictionary per run
            run.Attempts,
            flow.Reason) { Taken = run.Taken, Interrupted = end == InterruptedEnd, EndMessage = RenderEndMessage(flow.End, clock) };
        if (_playbook.Cleanup is { } cleanup)
            result = await CleanupAsync(cleanup, result, end, run, clock, null, cancellationToken).ConfigureAwait(false);
        return Finish(result, run);
    }

    private void SetInput(string name, object? value) => _scope.Set(name, _lets.Values.TryGetValue(name, out var constant) ? constant : value);

    private static readonly IReadOnlyDictionary<string, object?> NoCaptures = new Dictionary<string, object?>();

    /// <summary>The result with its timeline in order (the cleanup adds to it after the end) and the run's captures.</summary>
    private RunResult Finish(RunResult result, Run run) => result with
    {
        Timeline = TimelineEntry.InOrder(run.Timeline),
        Captures = _reusing ? _scope.CopyCaptures(_reusedCaptures ??= new Dictionary<string, object?>(StringComparer.Ordinal)) : _scope.Captures,
    };

    /// <summary>The values the last run's expressions read (inputs, secrets, lets, captures).</summary>
    public RunScope Scope => _scope;

    // The scope of the foreach item this flow runs, when items run at once (a real run); unset elsewhere.
    private readonly AsyncLocal<RunScope?> _itemScope = new();
    // Set while a foreach runs its items at once, so a dry run never pays for reading the async-local.
    private bool _itemsAtOnce;

    /// <summary>The scope the current flow reads and captures into: its item's when it runs inside a foreach item
    /// of a real run, else the run's.</summary>
    private RunScope Here => _itemsAtOnce ? _itemScope.Value ?? _scope : _scope;

    /// <summary>What a run has done so far. On a real clock several branches add to it at once, so every
    /// change goes through a method that locks then.</summary>
    private sealed class Run(RunClock clock, object? sync)
    {
        private int _transitions;

        public RunClock Clock { get; private set; } = clock;

        /// <summary>False: <see cref="Add"/> drops the entry (see <see cref="KeepsTimeline"/>).</summary>
        public bool KeepsTimeline { get; set; } = true;

        /// <summary>Empties this run for the engine's next one (<see cref="ReuseRunBuffers"/>: one thread, no lock).</summary>
        public Run Renew(RunClock runClock, bool keepsTimeline)
        {
            Clock = runClock;
            KeepsTimeline = keepsTimeline;
            _transitions = 0;
            Path.Clear();
            Timeline.Clear();
            Attempts.Clear();
            Taken.Clear();
            return this;
        }
        // Sized for a typical run, so a Monte Carlo loop does not regrow them every time.
        public List<string> Path { get; } = new(32);
        public List<TimelineEntry> Timeline { get; } = new(32);
        public Dictionary<string, int> Attempts { get; } = new(32, StringComparer.Ordinal);
        public List<(string From, int Index)> Taken { get; } = new(32);

        /// <summary>Counts a transition; true when the run has taken too many.</summary>
        public bool Step()
        {
            if (sync is null) return ++_transitions > MaxTransitions;
            return Interlocked.Increment(ref _transitions) > MaxTransitions;
        }

        public void Enter(string state)
        {
            if (sync is null) Path.Add(state);
            else lock (sync) Path.Add(state);
        }

        public void Add(TimelineEntry entry)
        {
            if (!KeepsTimeline) return;
            if (sync is null) Timeline.Add(entry);
            else lock (sync) Timeline.Add(entry);
        }

        public void SetAttempt(string state, int attempt)
        {
            if (sync is null) Attempts[state] = attempt;
            else lock (sync) Attempts[state] = attempt;
        }

        public void Took(string from, int index)
        {
            if (sync is null) Taken.Add((from, index));
            else lock (sync) Taken.Add((from, index));
        }

        public void Restore(RunResume resume)
        {
            Path.AddRange(resume.Path);
            Timeline.AddRange(resume.Timeline);
            foreach (var (name, n) in resume.Attempts) Attempts[name] = n;
            Taken.AddRange(resume.Taken);
            _transitions = resume.Taken.Count;
        }
    }

    /// <summary>How a sequence of states finished: at an end state, by leaving a branch with an outcome, or aborted.</summary>
    private readonly record struct Flow(CompiledState? End, string? BranchOutcome, string? Reason)
    {
        public static Flow Aborted(string reason) => new(null, null, reason);
    }

    /// <summary>The result of one state: its outcome, or that its phase's deadline passed, or the decide's choice.</summary>
    private readonly record struct StepOutcome(string Outcome, bool DeadlineHit = false, CompiledTransition? Chosen = null, string? AbortReason = null,
        IReadOnlyDictionary<string, object?>? Outputs = null);

    /// <summary>The outcome a child flow ends with when <c>outerDeadline</c> passed inside it: a foreach item cut off by its phase's budget.</summary>
    private const string CutOff = "deadline";

    /// <summary>Runs states from <paramref name="start"/> to an end, or (in a child flow) to an outcome with no transition.
    /// <paramref name="outerDeadline"/> is the deadline of the phase a child flow's parent sits in (a foreach item's): its
    /// states belong to no phase, so without it they would run on past the budget; when it passes, the flow ends <see cref="CutOff"/>.</summary>
    private async ValueTask<Flow> RunStatesAsync(CompiledState start, Run run, RunClock clock, string? branch, MachineDriver machine, CancellationToken ct,
        FlowResume? resume = null, TimeSpan? outerDeadline = null)
    {
        var state = start;
        CompiledState? phase = null;
        TimeSpan? deadline = outerDeadline;
        var flowName = branch ?? "";
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (resume is null && run.Step())
                return Flow.Aborted($"the run took more than {MaxTransitions} transitions: it is looping (last state '{state.Name}')");
            if (state.Phase != phase)
            {
                phase = state.Phase;
                // A resumed flow keeps the deadline its phase had: the time it was down counts.
                var enteredAt = resume?.PhaseEnteredAt ?? clock.Elapsed;
                deadline = phase?.Budget is { } budget ? enteredAt + budget : null;
            }
            if (resume is not { Entered: true })
            {
                run.Enter(state.Name);
                Observer?.StateEntered(flowName, state, clock.Elapsed);
                if (resume is not null) resume = null;
            }
            if (state.Kind == StateKind.End) return new Flow(state, null, null);

            var result = await ExecuteAsync(state, run, clock, branch, deadline, ct, resume).ConfigureAwait(false);
            resume = null;
            if (result.AbortReason is not null) return Flow.Aborted(result.AbortReason);

            CompiledState from;
            CompiledTransition? transition;
            if (result.DeadlineHit && phase is null)
            {
                // The parent's phase ran out (only a foreach item's flow has a deadline without a phase of its own).
                return new Flow(null, CutOff, null);
            }
            if (result.DeadlineHit)
            {
                from = phase!;
                transition = Choose(phase!.TransitionsFor("timeout"), null, out var why);
                if (why is not null) return Flow.Aborted(why);
                if (transition is null)
                    return Flow.Aborted($"phase '{phase.Name}' ran out of its {DurationText.Format(phase.Budget!.Value)} budget in '{state.Name}' and has no 'on timeout'");
            }
            else
            {
                from = state;
                if (state.Kind == StateKind.Decide)
                {
                    transition = result.Chosen;
                }
                else
                {
                    // 'on … when' guards read the result of the state's last attempt.
                    transition = Choose(state.TransitionsFor(result.Outcome), result.Outputs, out var why);
                    if (why is not null) return Flow.Aborted(why);
                }
                if (transition is null)
                {
                    if (branch is not null) return new Flow(null, result.Outcome, null);
                    return Flow.Aborted(state.Kind == StateKind.Decide
                        ? $"decide '{state.Name}': no guard held and it has no 'else'"
                        : $"{state.Symbol.KindName} '{state.Name}' ended '{result.Outcome}' and has no transition for it");
                }
            }
            await machine.MoveAsync(from, transition).ConfigureAwait(false);
            run.Took(from.Name, transition.Index);
            Observer?.Moved(flowName, from, transition, clock.Elapsed);
            state = transition.Target!;
        }
    }

    /// <summary>The first transition whose guard holds. A guard that fails to evaluate stops the run
    /// with a message pointing at the guard.</summary>
    private CompiledTransition? Choose(IReadOnlyList<CompiledTransition> transitions, IReadOnlyDictionary<string, object?>? outputs, out string? failure)
    {
        failure = null;
        for (var i = 0; i < transitions.Count; i++) // not foreach: the interface's enumerator would be boxed
        {
            var t = transitions[i];
            if (t.Guard is null) return t;
            try
            {
                if (Here.Test(t.Guard, outputs)) return t;
            }
            catch (ExpressionFailedException e)
            {
                failure = $"{Where(e.Expression)}: the guard `{e.Expression.Code}` failed: {e.Message}";
                return null;
            }
        }
        return null;
    }

    private string Where(CompiledExpression expression)
    {
        var p = _playbook.Model.Source.GetPosition(expression.Syntax.CodeSpan.Start);
        return $"{DisplayPath.Escape(_playbook.Path)}:{p.Line}:{p.Column}";
    }

    private static TimeSpan? Remaining(RunClock clock, TimeSpan? deadline) => deadline is { } d ? d - clock.Elapsed : null;

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static TimeSpan NotNegative(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t;

    /// <summary>The clock a parallel's branches (one after the other) or a foreach's items run on, reused from run to run
    /// when <see cref="ReuseRunBuffers"/> is set: only one of them runs at a time, and nothing keeps it after.</summary>
    private VirtualClock ChildClock(CompiledState state)
    {
        if (!_childClocks.TryGetValue(state, out var clock)) _childClocks[state] = clock = new VirtualClock();
        return clock;
    }

    /// <summary>Whether an attempt's timeline entry is wanted (kept, or heard by an observer): when not, the hot paths
    /// do not even build it (Monte Carlo without a per-run callback).</summary>
    private bool Recording(Run run) => run.KeepsTimeline || Observer is not null;

    /// <summary>Adds a timeline entry and tells the observer: the completion record of an attempt.</summary>
    private void Record(Run run, CompiledState state, TimelineEntry entry, IReadOnlyDictionary<string, object?>? outputs = null)
    {
        run.Add(entry);
        Observer?.AttemptEnded(entry.Branch ?? "", state, entry, outputs);
    }

    private void Capture(CompiledState state, string? branch, string name, object? value)
    {
        Here.Capture(name, value);
        Observer?.Captured(branch ?? "", state, name, value);
    }

    private TimeSpan WaitBefore(CompiledState state, int attempt)
    {
        if (_sync is null) return state.Retry.WaitBefore(attempt, _random);
        lock (_sync) return state.Retry.WaitBefore(attempt, _random);
    }

    private ValueTask<StepOutcome> ExecuteAsync(CompiledState state, Run run, RunClock clock, string? branch, TimeSpan? deadline, CancellationToken ct, FlowResume? resume) =>
        state.Kind switch
        {
            StateKind.Step => StepAsync(state, run, clock, branch, deadline, ct, resume),
            StateKind.Decide => ValueTask.FromResult(Decide(state, run, clock, branch)),
            StateKind.Wait => state.Until is null ? PauseAsync(state, run, clock, branch, deadline, ct, resume) : PollAsync(state, run, clock, branch, deadline, ct, resume),
            StateKind.Manual => ManualAsync(state, run, clock, branch, deadline, ct, resume),
            StateKind.Foreach => ForeachAsync(state, run, clock, branch, deadline, ct, resume),
            StateKind.Parallel => clock.IsRealTime ? ParallelAtOnceAsync(state, run, clock, deadline, ct, resume) : ParallelAsync(state, run, clock, deadline, ct),
            _ => ValueTask.FromResult(new StepOutcome("ok")),
        };

    /// <summary>A resumed state whose journal already has its result: that result, not a second go.</summary>
    private static StepOutcome? Finished(FlowResume? resume) => resume?.LastOutcome switch
    {
        null => null,
        "deadline" => new StepOutcome("timeout", DeadlineHit: true),
        var outcome => new StepOutcome(outcome, Outputs: resume.LastOutputs),
    };

    /// <summary>The end's message as the run ended, with its captures and inputs; the caller redacts it.</summary>
    private string? RenderEndMessage(CompiledState? end, RunClock clock) =>
        clock.IsRealTime && end is { Kind: StateKind.End, Message: { } message } ? SafeRender(message) : null;

    private string SafeRender(CompiledTemplate? template)
    {
        try
        {
            return Here.Render(template);
        }
        catch (ExpressionFailedException e)
        {
            return $"(could not render: {e.Message})";
        }
    }

}
