using System.Globalization;
using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.Simulation;
using Playbook.Text;

namespace Playbook.Cli.Output;

/// <summary>The text output of <c>playbook simulate</c>: a dry run's timeline, a worst-case report, or
/// Monte Carlo statistics. Plain text, no terminal-dependent layout, so the same run prints the same
/// bytes everywhere; colour (status words only) when <paramref name="color"/> is set.</summary>
internal sealed class SimulationText(bool color)
{
    private const string Reset = "\e[0m";
    private const string Bold = "\e[1m";
    private const string Green = "\e[1;32m";
    private const string Red = "\e[1;31m";
    private const string Yellow = "\e[1;33m";

    /// <summary>Width of the longest bar, in characters.</summary>
    public const int BarWidth = 30;

    public void WriteRun(CompiledPlaybook playbook, RunResult run, int seed, TextWriter output)
    {
        output.Write(Paint(Bold, $"Dry run of {playbook.Name}") + $" (seed {Number(seed)})\n\n");
        var table = new TextTable("at", "state", "attempt", "outcome", "duration", "note").AlignRight(0, 2, 4);
        foreach (var entry in run.Timeline)
        {
            table.Add("+" + DurationText.Format(entry.At),
                entry.Branch is null ? entry.State : entry.Branch == Semantics.CleanupSymbol.FlowName ? $"{entry.State} (cleanup)" : $"{entry.State} (branch {entry.Branch})",
                Number(entry.Attempt),
                entry.Outcome,
                DurationText.Format(entry.Duration),
                entry.Note);
        }
        table.Write(output, "  ");
        output.Write('\n');

        var end = run.End is null ? "(none)" : run.End;
        output.Write($"end:      {end} ({Status(run.StatusText)})");
        if (run.End is not null && playbook.ByName.TryGetValue(run.End, out var endState) && endState.Message is { } message)
        {
            var text = string.Concat(message.Parts.Select(p => p as string ?? "${" + ((CompiledExpression)p).Code + "}"));
            if (text.Length > 0) output.Write(": " + TextFormatter.Sanitize(text));
        }
        output.Write('\n');
        if (run.Reason is not null) output.Write($"reason:   {TextFormatter.Sanitize(run.Reason)}\n");
        // Next to the end, which it never changes.
        if (run.Cleanup is { } cleanup)
            output.Write($"cleanup:  {Status(cleanup.Outcome)}" + (cleanup.Reason is null ? "" : $" ({TextFormatter.Sanitize(cleanup.Reason)})") + "\n");
        var (main, flows) = PathText.Of(run);
        output.Write($"path:     {main}\n");
        foreach (var flow in flows) output.Write($"          {TextFormatter.Sanitize(flow)}\n");
        output.Write($"time:     {AgainstRto(run.Elapsed, playbook.Rto)}\n");
        var captures = run.Captures.Where(c => c.Value is not null).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        if (captures.Count > 0)
        {
            output.Write("captures: ");
            output.Write(string.Join(", ", captures.Select(c => $"{c.Key} = {TextFormatter.Sanitize(Shorten(RunScope.Display(c.Value)))}")));
            output.Write('\n');
        }
    }

    /// <summary><c>12m30s of rto 15m</c>, <c>18m: over the rto 15m by 3m</c>, or <c>1m (no rto)</c>.</summary>
    public string AgainstRto(TimeSpan elapsed, TimeSpan? rto)
    {
        var time = DurationText.Format(elapsed);
        if (rto is not { } r) return $"{time} (no rto)";
        if (elapsed <= r) return $"{time} of rto {DurationText.Format(r)}";
        return $"{time}: " + Paint(Red, $"over the rto {DurationText.Format(r)} by {DurationText.Format(elapsed - r)}");
    }

    public void WriteWorstCase(CompiledPlaybook playbook, IReadOnlyList<WorstCaseEnd> ends, TextWriter output)
    {
        var rto = playbook.Rto is { } r ? $"rto {DurationText.Format(r)}" : "no rto";
        output.Write(Paint(Bold, $"Worst case of {playbook.Name}") + $" ({rto})\n");
        if (ends.Count == 0) output.Write("\nno end can be reached from the start\n");
        foreach (var end in ends)
        {
            output.Write('\n');
            output.Write($"{Paint(Bold, end.End)} ({Status(end.StatusText)}): ");
            if (end.Total.IsUnbounded)
            {
                output.Write(Paint(Yellow, "unbounded") + $": {TextFormatter.Sanitize(end.Total.UnboundedBecause!)}\n");
            }
            else
            {
                output.Write(DurationText.Format(end.Total.Value));
                if (playbook.Rto is { } limit && end.Success)
                    output.Write(end.Total.Value <= limit ? $", within the rto {DurationText.Format(limit)}" : ", " + Paint(Red, $"over the rto {DurationText.Format(limit)} by {DurationText.Format(end.Total.Value - limit)}"));
                output.Write('\n');
            }
            var table = new TextTable("state", "time", "share", "").AlignRight(1, 2);
            foreach (var step in end.Path)
            {
                table.Add(step.State, DurationText.Format(step.Time), step.Share is { } s ? Percent(s) : "", step.Share is { } b ? Bar(b, 1) : "");
            }
            table.Add("total", end.Total.IsUnbounded ? "unbounded" : DurationText.Format(end.Total.Value), end.Total.IsUnbounded ? "" : "100.0%", "");
            table.Write(output, "  ");
            output.Write($"  path: {end.PathText}\n");
        }
    }

    /// <summary>The cleanup's worst case, on its own: it runs after the end, so it is in no end's total nor the rto.</summary>
    public void WriteCleanupWorstCase(Timing.TimeBound total, IReadOnlyList<Timing.PathStep> path, TextWriter output)
    {
        output.Write($"\n{Paint(Bold, "cleanup")} (after the end; not in the ends' totals nor the rto): ");
        output.Write(total.IsUnbounded ? Paint(Yellow, "unbounded") + $": {TextFormatter.Sanitize(total.UnboundedBecause!)}\n" : DurationText.Format(total.Value) + "\n");
        output.Write($"  path: {string.Join(" → ", path.Select(p => p.State))}\n");
    }

    public void WriteMonteCarlo(CompiledPlaybook playbook, MonteCarloResult result, TextWriter output)
    {
        output.Write(Paint(Bold, $"Monte Carlo of {playbook.Name}") + $": {Number(result.Runs)} runs, seed {Number(result.Seed)}\n\n");
        output.Write($"success rate:  {Percent(result.SuccessRate)}\n");
        output.Write($"time to end:   p50 {DurationText.Format(result.P50)}, p90 {DurationText.Format(result.P90)}, p99 {DurationText.Format(result.P99)}, max {DurationText.Format(result.Max)}\n");
        if (result.Rto is { } rto)
        {
            output.Write($"within rto:    {Number(result.WithinRto)} of {Number(result.Runs)} runs ({Percent(Share(result.WithinRto, result.Runs))}) ended in success within the rto {DurationText.Format(rto)}\n");
        }
        else
        {
            output.Write("within rto:    (no rto)\n");
        }

        output.Write("\nends\n");
        var ends = new TextTable("end", "status", "runs", "share").AlignRight(2, 3);
        foreach (var (name, count) in result.Ends)
        {
            var status = playbook.ByName.TryGetValue(name, out var s) && s.Kind == Semantics.StateKind.End ? (s.Success ? "success" : "failure") : "aborted";
            ends.Add(name, status, Number(count), Percent(Share(count, result.Runs)));
        }
        ends.Write(output, "  ");

        output.Write("\nmost frequent failure paths\n");
        if (result.FailurePaths.Count == 0)
        {
            output.Write("  (none: every run ended in success)\n");
        }
        else
        {
            var paths = new TextTable("runs", "path").AlignRight(0);
            foreach (var (path, count) in result.FailurePaths) paths.Add(Number(count), path);
            paths.Write(output, "  ");
        }

        output.Write("\ntime to end\n");
        var histogram = Histogram.Of(result.SortedTimes);
        var table = new TextTable("from", "to", "runs", "").AlignRight(0, 1, 2);
        var most = histogram.Count == 0 ? 0 : histogram.Max(b => b.Count);
        foreach (var bin in histogram)
        {
            table.Add(DurationText.Format(bin.From), DurationText.Format(bin.To), Number(bin.Count), Bar(bin.Count, most));
        }
        table.Write(output, "  ");
    }

    internal static string Bar(double value, double max)
    {
        if (max <= 0 || value <= 0) return "";
        var eighths = (int)Math.Round(value / max * BarWidth * 8);
        if (eighths == 0) return "▏";
        var full = eighths / 8;
        var rest = eighths % 8;
        return new string('█', full) + (rest == 0 ? "" : "▏▎▍▌▋▊▉"[rest - 1].ToString());
    }

    internal static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    internal static double Share(int count, int total) => total == 0 ? 0 : (double)count / total;

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private string Status(string status) => status switch
    {
        "success" => Paint(Green, status),
        "failure" => Paint(Red, status),
        _ => Paint(Yellow, status),
    };

    private string Paint(string code, string text) => color ? code + text + Reset : text;
}

/// <summary>Times to end grouped into equal bins of a round width (1s, 2s, 5s, 10s, 15s, 30s, 1m, …),
/// the narrowest that needs at most <see cref="MaxBins"/> bins.</summary>
internal static class Histogram
{
    public const int MaxBins = 12;

    public sealed record Bin(TimeSpan From, TimeSpan To, int Count);

    private static readonly TimeSpan[] Widths = new[]
    {
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
    }.Select(s => TimeSpan.FromSeconds(s)).ToArray();

    public static IReadOnlyList<Bin> Of(IReadOnlyList<TimeSpan> sorted)
    {
        if (sorted.Count == 0) return Array.Empty<Bin>();
        var min = sorted[0];
        var max = sorted[^1];
        var width = Widths.FirstOrDefault(w => Floor(max, w) - Floor(min, w) < w * MaxBins, TimeSpan.Zero);
        if (width == TimeSpan.Zero)
        {
            // Longer than 12 days: fall back to twelve equal bins of whole days.
            width = TimeSpan.FromDays(Math.Ceiling((max - min).TotalDays / MaxBins) + 1);
        }
        var start = Floor(min, width);
        var count = (int)((Floor(max, width) - start).Ticks / width.Ticks) + 1;
        var bins = new int[count];
        foreach (var t in sorted) bins[(int)((t - start).Ticks / width.Ticks)]++;
        return bins.Select((n, i) => new Bin(start + width * i, start + width * (i + 1), n)).ToList();
    }

    private static TimeSpan Floor(TimeSpan t, TimeSpan width) => TimeSpan.FromTicks(t.Ticks / width.Ticks * width.Ticks);
}
