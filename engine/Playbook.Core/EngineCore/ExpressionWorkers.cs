using System.Runtime.ExceptionServices;

namespace Playbook.EngineCore;

/// <summary>Threads that run C# evaluations, each with a stack of a known size, so the budget's stack check
/// (<see cref="ExpressionBudget"/>) leaves room to stop deep recursion with an error instead of a crashed
/// process, and so the caller can stop waiting for an evaluation that outlives its time inside a single
/// framework call (the caller's step timeout and Ctrl+C/SIGTERM still act). Idle threads are reused and
/// end after a while; one that overran is abandoned (it stops at its next check or when its framework call
/// returns), and while <see cref="ExpressionLimits.Runaways"/> of them still run, no evaluation starts.</summary>
internal static class ExpressionWorkers
{
    private const int StackSize = 16 * 1024 * 1024;
    private static readonly TimeSpan IdleLifetime = TimeSpan.FromSeconds(10);

    /// <summary>How long past its deadline (or the run's stop) an evaluation gets to notice the breach
    /// at its next check before it is abandoned.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(250);

    private static readonly List<Worker> Idle = new();
    private static readonly object Gate = new();
    private static int s_runaways;

    /// <summary>Evaluations abandoned and still running (tests read it).</summary>
    internal static int Runaways => Volatile.Read(ref s_runaways);

    /// <summary>Runs <paramref name="work"/> on a worker under <paramref name="budget"/>. Throws
    /// <see cref="ExpressionLimitException"/> on a breach, <see cref="OperationCanceledException"/> when the
    /// run was stopped, or what the work threw.</summary>
    public static object? Run(Func<object?> work, ExpressionBudget budget, CancellationToken cancellation)
    {
        if (Runaways >= ExpressionLimits.Runaways)
            throw new ExpressionLimitException($"{Runaways} earlier C# expressions are still running past their time limit; no other starts until they end");
        var worker = Take();
        var job = new Job(work, budget);
        worker.Start(job);
        var finished = false;
        try
        {
            finished = job.Done.Wait(ExpressionLimits.Time + Grace, cancellation);
        }
        catch (OperationCanceledException)
        {
            budget.Stop(ExpressionBudget.StoppedMessage);
            finished = job.Done.Wait(Grace);
        }
        if (!finished)
        {
            budget.Stop(ExpressionBudget.TimeMessage);
            // The worker may still finish between the check above and now: it then counts itself out.
            worker.Abandon();
            if (cancellation.IsCancellationRequested) throw new OperationCanceledException(cancellation);
            throw new ExpressionLimitException(ExpressionBudget.TimeMessage);
        }
        Return(worker);
        if (cancellation.IsCancellationRequested && budget.Breach == ExpressionBudget.StoppedMessage) throw new OperationCanceledException(cancellation);
        if (job.Error is { } error) error.Throw();
        // A breach that the expression caught and did not rethrow still fails it.
        if (budget.Breach is { } breach) throw new ExpressionLimitException(breach);
        return job.Result;
    }

    private static Worker Take()
    {
        lock (Gate)
        {
            if (Idle.Count > 0)
            {
                var worker = Idle[^1];
                Idle.RemoveAt(Idle.Count - 1);
                return worker;
            }
        }
        return new Worker();
    }

    private static void Return(Worker worker)
    {
        lock (Gate) Idle.Add(worker);
    }

    private sealed class Job(Func<object?> work, ExpressionBudget budget)
    {
        public ManualResetEventSlim Done { get; } = new();
        public object? Result { get; private set; }
        public ExceptionDispatchInfo? Error { get; private set; }

        public void Run()
        {
            budget.Begin();
            try
            {
                Result = work();
            }
            catch (Exception e)
            {
                // Everything, including OutOfMemoryException from one huge allocation and
                // InsufficientExecutionStackException from deep framework recursion: the thread must live on.
                Error = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                budget.End();
            }
        }
    }

    private sealed class Worker
    {
        private readonly SemaphoreSlim _wake = new(0);
        private Job? _job;
        private bool _abandoned;
        private bool _running;

        public Worker()
        {
            var thread = new Thread(Loop, StackSize) { IsBackground = true, Name = "playbook-expression" };
            thread.Start();
        }

        public void Start(Job job)
        {
            lock (this)
            {
                _job = job;
                _running = true;
            }
            _wake.Release();
        }

        public void Abandon()
        {
            lock (this)
            {
                _abandoned = true;
                if (_running) Interlocked.Increment(ref s_runaways);
                else _wake.Release(); // it finished just now: wake it so it ends
            }
        }

        private void Loop()
        {
            while (true)
            {
                if (!_wake.Wait(IdleLifetime))
                {
                    // Idle for a while: leave the pool, unless someone took this worker just now.
                    lock (Gate)
                    {
                        if (Idle.Remove(this)) return;
                    }
                    continue;
                }
                Job job;
                lock (this)
                {
                    if (_abandoned) return;
                    job = _job!;
                }
                job.Run();
                bool leave;
                lock (this)
                {
                    _running = false;
                    leave = _abandoned;
                    if (leave) Interlocked.Decrement(ref s_runaways);
                }
                // Only now may the caller hand this worker to the next evaluation.
                job.Done.Set();
                if (leave) return;
            }
        }
    }
}
