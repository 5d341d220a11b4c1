using System.Diagnostics;

namespace Playbook.Fuzz;

/// <summary>How a timed piece of work ended: in its CPU budget, over it (slow), or still running at the
/// wall-clock cap (a hang).</summary>
public enum Verdict
{
    InBudget,
    Slow,
    Hang,
}

/// <summary>The verdict with what it was measured on: <paramref name="Cpu"/> is the CPU time (user + system,
/// all threads) the work used, <paramref name="Wall"/> the wall-clock time it took; <paramref name="Killed"/>
/// says the work was stopped before it ended (so <paramref name="Cpu"/> is a lower bound).</summary>
public sealed record Judgement(Verdict Verdict, TimeSpan Cpu, TimeSpan Wall, TimeSpan Budget, bool Killed)
{
    public string Describe() => Verdict switch
    {
        Verdict.Hang => $"hang: still running after {Wall.TotalSeconds:0.0} s wall ({Cpu.TotalSeconds:0.00} s CPU), killed",
        Verdict.Slow when Killed => $"slow: over {Cpu.TotalSeconds:0.00} s CPU, budget {Budget.TotalSeconds:0.00} s, killed ({Wall.TotalSeconds:0.0} s wall)",
        Verdict.Slow => $"slow: {Cpu.TotalSeconds:0.00} s CPU, budget {Budget.TotalSeconds:0.00} s ({Wall.TotalSeconds:0.0} s wall)",
        _ => $"{Cpu.TotalSeconds:0.00} s CPU ({Wall.TotalSeconds:0.0} s wall)",
    };
}

/// <summary>Judges work by the CPU time it uses, not by the wall clock: on a shared machine a loaded wall
/// clock makes a healthy mutant look slow, while the CPU a process burns is what grows with a bad
/// algorithm. The bound is 2 s of CPU per MiB plus a fixed allowance. The wall clock is kept only as a cap
/// for true hangs (a process blocked on a FIFO burns no CPU): ten times the CPU budget plus 30 s, generous
/// enough that a starved machine does not call healthy work a hang. Work that has already burned
/// <see cref="KillFactor"/> times its budget is stopped: it is slow whatever it would have taken.</summary>
public static class CpuBudget
{
    public const int KillFactor = 3;

    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>The CPU a file of <paramref name="bytes"/> may use: 2 s per MiB plus <paramref name="allowance"/>.</summary>
    public static TimeSpan For(long bytes, TimeSpan allowance) => FuzzPipeline.Allowed(bytes, allowance);

    public static TimeSpan HangCap(TimeSpan budget) => 10 * budget + TimeSpan.FromSeconds(30);

    /// <summary>The verdict on work that ended on its own after using <paramref name="cpu"/>.</summary>
    public static Judgement Finished(TimeSpan cpu, TimeSpan wall, TimeSpan budget) =>
        new(cpu > budget ? Verdict.Slow : Verdict.InBudget, cpu, wall, budget, Killed: false);

    /// <summary>Waits for <paramref name="done"/>, sampling <paramref name="cpu"/> (the CPU used so far) every
    /// <see cref="Poll"/>. Returns null when the work ended (the caller then measures its final CPU and calls
    /// <see cref="Finished"/>), or the verdict on work that must be stopped: <see cref="Verdict.Slow"/> past
    /// <see cref="KillFactor"/> times its CPU budget, <see cref="Verdict.Hang"/> past the wall-clock cap.</summary>
    public static Judgement? WaitOrStop(Task done, Func<TimeSpan> cpu, TimeSpan budget, Stopwatch clock, TimeSpan? hangCap = null)
    {
        var cap = hangCap ?? HangCap(budget);
        while (!done.Wait(Poll))
        {
            var used = cpu();
            if (used > KillFactor * budget) return new Judgement(Verdict.Slow, used, clock.Elapsed, budget, Killed: true);
            if (clock.Elapsed > cap) return new Judgement(Verdict.Hang, used, clock.Elapsed, budget, Killed: true);
        }
        return null;
    }
}
