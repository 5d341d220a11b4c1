using Playbook.Compiling;
using Playbook.Semantics;

namespace Playbook.EngineCore;

/// <summary>The cleanup: a child machine run once after the main flow reaches any end — an end state, an
/// abort, or an interruption when <see cref="CleanupCancellation"/> is set. Its outcome is reported in
/// <see cref="RunResult.Cleanup"/> and never changes how the run ended.</summary>
public sealed partial class PlaybookEngine
{
    private MachineDriver? _cleanupMachine;

    /// <summary>What <c>run.id</c> reads in the cleanup: the run's id in a real run.</summary>
    public string RunId { get; set; } = "dry-run";

    /// <summary>When set (a real run that can be interrupted), cancelling the run's own token ends the run
    /// <c>interrupted</c> and runs the cleanup, which this second token stops (a second Ctrl+C). When not
    /// set, cancelling the run stops it where it stands, cleanup included, for a later resume.</summary>
    public CancellationToken? CleanupCancellation { get; set; }

    /// <summary>What <c>run.end</c> reads when the run stopped without reaching an end state.</summary>
    public const string AbortedEnd = "aborted";

    public const string InterruptedEnd = "interrupted";

    private bool InterruptEndsRun(CancellationToken ct) =>
        _playbook.Cleanup is not null && CleanupCancellation is not null && ct.IsCancellationRequested;

    private async ValueTask<RunResult> CleanupAsync(CompiledBranch cleanup, RunResult ended, string end, Run run, RunClock clock,
        CleanupResume? resume, CancellationToken runToken)
    {
        var startedAt = resume?.StartedAt ?? clock.Elapsed;
        var flowName = CleanupSymbol.FlowName;
        if (resume?.Outcome is { } finished)
            return ended with { Cleanup = new CleanupResult(finished, null, startedAt, NotNegative(clock.Elapsed - startedAt)) };
        // run.* is set once, before the first cleanup state: every expression in the cleanup reads the same values.
        _scope.Set("run", new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["end"] = end,
            ["elapsed"] = ended.Elapsed,
            ["id"] = RunId,
            ["status"] = ended.StatusText,
        });
        if (resume is null) Observer?.CleanupStarted(flowName, end, ended.Status, ended.Reason, startedAt);
        // Which signal stops the cleanup: after an interruption the run's token is already cancelled, so only the
        // second one (CleanupCancellation) does; after an end, the first signal the operator sends stops it.
        using var linked = CleanupCancellation is { } second && end != InterruptedEnd
            ? CancellationTokenSource.CreateLinkedTokenSource(runToken, second) : null;
        var ct = linked?.Token ?? CleanupCancellation ?? runToken;
        _scope.Cancellation = ct;
        _cleanupMachine ??= new MachineDriver(_playbook, cleanup.States);
        var flowResume = resume?.Flow;
        var state = flowResume?.State ?? cleanup.Entry;
        _cleanupMachine.Reset(state);
        string outcome;
        string? reason;
        try
        {
            var flow = await RunStatesAsync(state, run, clock, flowName, _cleanupMachine, ct, flowResume).ConfigureAwait(false);
            outcome = flow.Reason is not null ? "aborted" : BranchSucceeded(flow.BranchOutcome) ? "ok" : "fail";
            reason = flow.Reason ?? (outcome == "ok" ? null : $"the cleanup ended '{flow.BranchOutcome}' in '{LastState(run)}'");
        }
        catch (OperationCanceledException) when (CleanupCancellation is not null && ct.IsCancellationRequested)
        {
            outcome = InterruptedEnd;
            reason = end == InterruptedEnd ? "the cleanup was interrupted by a second stop signal" : "the cleanup was interrupted by a stop signal";
        }
        Observer?.CleanupEnded(flowName, outcome, reason, clock.Elapsed);
        return ended with { Cleanup = new CleanupResult(outcome, reason, startedAt, NotNegative(clock.Elapsed - startedAt)) };
    }

    private static string LastState(Run run) => run.Path.Count == 0 ? "" : run.Path[^1];
}
