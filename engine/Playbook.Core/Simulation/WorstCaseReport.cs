using Playbook.Semantics;
using Playbook.Timing;

namespace Playbook.Simulation;

/// <summary>One state on a worst-case path, with its share of the path's total time (null when the total
/// is unbounded, so no share can be given).</summary>
public sealed record WorstCaseStep(string State, TimeSpan Time, double? Share);

/// <summary>The worst-case path to one end: the figures the checker's PB4001/PB4002 use, laid out per state.</summary>
public sealed record WorstCaseEnd(string End, bool Success, TimeBound Total, IReadOnlyList<WorstCaseStep> Path)
{
    public string StatusText => Success ? "success" : "failure";

    public string PathText => string.Join(" → ", Path.Select(p => p.State).Append(End));
}

/// <summary>Builds <c>playbook simulate --worst-case</c>: <see cref="WorstCaseAnalysis"/> per end (the same
/// analysis, with the same callee worst cases, that the checker compares with the rto), with each state's
/// share of the total.</summary>
public static class WorstCaseReport
{
    public static IReadOnlyList<WorstCaseEnd> Build(PlaybookModel model, Func<string, TimeBound> calleeWorstCase)
    {
        var result = new List<WorstCaseEnd>();
        foreach (var worst in WorstCaseAnalysis.Analyze(model, calleeWorstCase))
        {
            var success = worst.End.Syntax is Syntax.EndSyntax { IsSuccess: true };
            var total = worst.Total;
            var steps = worst.Path
                .Select(p => new WorstCaseStep(p.State, p.Time, Share(p.Time, total)))
                .ToList();
            result.Add(new WorstCaseEnd(worst.End.Name, success, total, steps));
        }
        return result;
    }

    private static double? Share(TimeSpan time, TimeBound total)
    {
        if (total.IsUnbounded) return null;
        if (total.Value <= TimeSpan.Zero) return 0;
        return time.Ticks / (double)total.Value.Ticks;
    }
}
