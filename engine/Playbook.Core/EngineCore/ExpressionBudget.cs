using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Playbook.EngineCore;

/// <summary>The budget of one C# evaluation: a deadline, the run's cancellation, the bytes allocated and
/// the depth of nested calls. The compiled expression calls <see cref="Tick"/> at every loop iteration,
/// <c>goto</c> and <c>catch</c>, and <see cref="Enter"/>/<see cref="Exit"/> around every lambda and local
/// function (see <see cref="CSharpBudgetRewriter"/>), so a breach stops it where it stands. A breach is
/// sticky: once spent, every later check throws again, so a <c>catch</c> in the expression cannot swallow it.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ExpressionBudget
{
    // One evaluation runs on one worker thread at a time; the generated code finds its budget here.
    [ThreadStatic] private static ExpressionBudget? t_current;

    private readonly long _deadline;
    private readonly CancellationToken _cancellation;
    private long _allocatedAtStart;
    private int _depth;
    private volatile string? _breach;

    internal ExpressionBudget(CancellationToken cancellation)
    {
        _deadline = Environment.TickCount64 + (long)ExpressionLimits.Time.TotalMilliseconds;
        _cancellation = cancellation;
    }

    /// <summary>Why the evaluation was stopped, or null while it is within its budget.</summary>
    internal string? Breach => _breach;

    internal bool Cancelled => _cancellation.IsCancellationRequested;

    /// <summary>Makes this the budget of the calling thread (the worker) and starts counting its allocations.</summary>
    internal void Begin()
    {
        _allocatedAtStart = GC.GetAllocatedBytesForCurrentThread();
        t_current = this;
    }

    internal void End()
    {
        // Bytes allocated by a last framework call (no tick after it) count as well.
        if (_breach is null && GC.GetAllocatedBytesForCurrentThread() - _allocatedAtStart > ExpressionLimits.MemoryBytes)
            _breach = MemoryMessage;
        t_current = null;
    }

    /// <summary>Stops the evaluation from outside (its time ran out while it was inside a framework call,
    /// or the run was stopped): its next check throws.</summary>
    internal void Stop(string reason) => _breach ??= reason;

    internal static string TimeMessage => $"the expression ran longer than {(long)ExpressionLimits.Time.TotalMilliseconds} ms";

    private static string MemoryMessage => $"the expression allocated more than {ExpressionLimits.MemoryBytes / 1_000_000} MB";

    private static string RecursionMessage => $"the expression's calls nested more than {ExpressionLimits.Recursion} deep";

    internal const string StoppedMessage = "the run was stopped while the expression ran";

    /// <summary>A loop iteration, <c>goto</c> or <c>catch</c> of the expression.</summary>
    public static void Tick() => t_current?.Check();

    /// <summary>The same check, usable in a <c>catch … when</c> filter.</summary>
    public static bool Ok()
    {
        t_current?.Check();
        return true;
    }

    /// <summary>Entry into one of the expression's lambdas or local functions.</summary>
    public static void Enter()
    {
        var budget = t_current;
        if (budget is null) return;
        if (++budget._depth > ExpressionLimits.Recursion) budget._breach ??= RecursionMessage;
        budget.Check();
    }

    public static void Exit()
    {
        var budget = t_current;
        if (budget is not null) budget._depth--;
    }

    /// <summary>The match timeout every Regex of an expression gets: the one it asked for, but never more
    /// than <see cref="ExpressionLimits.RegexMatch"/> (nor infinite).</summary>
    public static TimeSpan RegexTimeout(TimeSpan requested) =>
        requested > TimeSpan.Zero && requested < ExpressionLimits.RegexMatch ? requested : ExpressionLimits.RegexMatch;

    public static TimeSpan RegexTimeout() => ExpressionLimits.RegexMatch;

    private void Check()
    {
        if (_breach is null)
        {
            if (Environment.TickCount64 > _deadline) _breach = TimeMessage;
            else if (_cancellation.IsCancellationRequested) _breach = StoppedMessage;
            else if (GC.GetAllocatedBytesForCurrentThread() - _allocatedAtStart > ExpressionLimits.MemoryBytes) _breach = MemoryMessage;
            // The depth bound keeps the expression's own recursion far from the end of the worker's stack;
            // this catches deep recursion through framework code between two of the expression's calls.
            else if (!RuntimeHelpers.TryEnsureSufficientExecutionStack()) _breach = RecursionMessage;
            else return;
        }
        throw new ExpressionLimitException(_breach);
    }
}

/// <summary>An evaluation stopped by its budget.</summary>
public sealed class ExpressionLimitException(string message) : Exception(message);
