using Playbook.Journal;
using Playbook.LiveRuns;
using Playbook.Semantics;

namespace Playbook.Reporting;

/// <summary>What a bar on the timeline is: an attempt (step, probe, parallel, foreach), the pause before a
/// retry (backoff, or a wait's interval), a person's answer being waited for, or an attempt the run was
/// stopped in the middle of.</summary>
public enum BarKind
{
    Attempt,
    Backoff,
    Approval,
    Unfinished,
}

/// <summary>One bar: in lane <paramref name="Lane"/>, from <paramref name="Start"/> to <paramref name="End"/> (offsets from the run's start).</summary>
public sealed record TimelineBar(int Lane, string State, int Attempt, string Outcome, BarKind Kind, TimeSpan Start, TimeSpan End);

/// <summary>A phase's budget from the moment its first state was entered.</summary>
public sealed record TimelineBand(string Phase, TimeSpan Start, TimeSpan End);

/// <summary>A time nothing ran: between the last record a stopped run wrote and the resume.</summary>
public sealed record TimelineGap(TimeSpan Start, TimeSpan End);

/// <summary>A run laid out on a time axis from its journal: one lane per flow (the main flow, each parallel branch,
/// each foreach item, a called playbook, the cleanup), so what ran at the same time is drawn at the same time.
/// Pure data; <see cref="TimelineSvg"/> and <see cref="TimelineGantt"/> draw it. Built only from offsets the
/// journal holds, so the same journal always gives the same layout.</summary>
public sealed class RunTimeline
{
    public const string MainLane = "main";

    private RunTimeline(IReadOnlyList<string> lanes, IReadOnlyList<TimelineBar> bars, IReadOnlyList<TimelineBand> bands, IReadOnlyList<TimelineGap> gaps,
        TimeSpan end, TimeSpan? rto)
    {
        Lanes = lanes;
        Bars = bars;
        Bands = bands;
        Gaps = gaps;
        End = end;
        Rto = rto;
    }

    /// <summary>Lane names: <see cref="MainLane"/> first, then flows in the order they first ran.</summary>
    public IReadOnlyList<string> Lanes { get; }

    public IReadOnlyList<TimelineBar> Bars { get; }

    public IReadOnlyList<TimelineBand> Bands { get; }

    public IReadOnlyList<TimelineGap> Gaps { get; }

    /// <summary>Where the run's time ends: its elapsed time, or the last thing drawn if that is later.</summary>
    public TimeSpan End { get; }

    public TimeSpan? Rto { get; }

    public static RunTimeline Of(JournaledRun run, ReportPlan plan)
    {
        var lanes = new List<string> { MainLane };
        int Lane(string flow)
        {
            var name = flow.Length == 0 ? MainLane : flow;
            var index = lanes.IndexOf(name);
            if (index >= 0) return index;
            lanes.Add(name);
            return lanes.Count - 1;
        }

        var records = run.Records;
        var bars = new List<TimelineBar>();
        var gaps = FindGaps(run);
        // Attempts started and not (yet) ended: drawn up to where the run stopped.
        var open = new Dictionary<(string Flow, string State), (int Attempt, TimeSpan Start)>();
        var lastEnd = new Dictionary<(string Flow, string State), TimeSpan>();
        var manual = new HashSet<(string, string)>(records.Where(r => r.Type == "answered").Select(r => (r.Body.String("flow") ?? "", r.Body.String("state") ?? "")));
        foreach (var r in records)
        {
            var flow = r.Body.String("flow") ?? "";
            var state = r.Body.String("state") ?? "";
            switch (r.Type)
            {
                case "attempt-started":
                {
                    var at = r.Body.Millis("at_ms");
                    // The time between an attempt's end and the next one's start is the backoff (or a wait's interval).
                    if (lastEnd.TryGetValue((flow, state), out var ended) && at > ended)
                        bars.Add(new TimelineBar(Lane(flow), state, (int)(r.Body.Long("attempt") ?? 1), "", BarKind.Backoff, ended, at));
                    open[(flow, state)] = ((int)(r.Body.Long("attempt") ?? 1), at);
                    Lane(flow);
                    break;
                }
                case "attempt-ended":
                {
                    var at = r.Body.Millis("at_ms");
                    var end = at + r.Body.Millis("duration_ms");
                    var kind = manual.Contains((flow, state)) || plan.Kinds.GetValueOrDefault(state) == StateKind.Manual ? BarKind.Approval : BarKind.Attempt;
                    bars.Add(new TimelineBar(Lane(flow), state, (int)(r.Body.Long("attempt") ?? 1), r.Body.String("outcome") ?? "", kind, at, end));
                    open.Remove((flow, state));
                    lastEnd[(flow, state)] = end;
                    break;
                }
                case "run-resumed" or "run-interrupted":
                    // What was in flight when the run stopped ends at the stop; a resume starts it again (or adopts it).
                    foreach (var ((f, s), (attempt, start)) in open)
                        bars.Add(new TimelineBar(Lane(f), s, attempt, "unfinished", BarKind.Unfinished, start, Offset(run, LastBefore(records, r))));
                    open.Clear();
                    break;
            }
        }
        var stop = records.Count == 0 ? TimeSpan.Zero : Offset(run, records[^1]);
        foreach (var ((f, s), (attempt, start)) in open)
            bars.Add(new TimelineBar(Lane(f), s, attempt, "unfinished", BarKind.Unfinished, start, Max(start, stop)));

        var bands = new List<TimelineBand>();
        foreach (var phase in plan.Phases.Where(p => p.Budget is not null))
        {
            var entered = records.Where(r => r.Type == "state-entered" && (phase.Members.Contains(r.Body.String("state") ?? "") || r.Body.String("state") == phase.Name))
                .Select(r => r.Body.Millis("at_ms")).ToList();
            if (entered.Count > 0) bands.Add(new TimelineBand(phase.Name, entered.Min(), entered.Min() + phase.Budget!.Value));
        }

        var last = new[] { run.Elapsed }.Concat(bars.Select(b => b.End)).Concat(gaps.Select(g => g.End)).Max();
        // Bars in lane order, then time: the drawing and the Mermaid text list them in this order.
        var ordered = bars.OrderBy(b => b.Lane).ThenBy(b => b.Start).ThenBy(b => b.Attempt).ToList();
        return new RunTimeline(lanes, ordered, bands, gaps, last, run.Rto);
    }

    private static List<TimelineGap> FindGaps(JournaledRun run)
    {
        var gaps = new List<TimelineGap>();
        var records = run.Records;
        for (var i = 1; i < records.Count; i++)
            if (records[i].Type == "run-resumed")
            {
                var from = Offset(run, LastBefore(records, records[i]));
                var to = Offset(run, records[i]);
                if (to > from) gaps.Add(new TimelineGap(from, to));
            }
        return gaps;
    }

    /// <summary>The last record a run wrote before <paramref name="record"/> that is not itself the stop (an interrupt is written as it stops).</summary>
    private static JournalRecord LastBefore(IReadOnlyList<JournalRecord> records, JournalRecord record)
    {
        var index = (int)record.Seq - 2;
        return index >= 0 ? records[index] : record;
    }

    private static TimeSpan Offset(JournaledRun run, JournalRecord record) => Max(TimeSpan.Zero, record.At - run.StartedAt);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
