using Playbook.Compiling;
using Playbook.EngineCore;

namespace Playbook.Simulation;

/// <summary>What many seeded dry runs found: how often the run recovers, how long it takes (percentiles
/// of the time to any end) and which failure paths are most common.</summary>
public sealed record MonteCarloResult(
    int Runs,
    int Seed,
    double SuccessRate,
    IReadOnlyDictionary<string, int> Ends,
    TimeSpan P50,
    TimeSpan P90,
    TimeSpan P99,
    TimeSpan Max,
    IReadOnlyList<(string Path, int Count)> FailurePaths,
    IReadOnlyList<TimeSpan> SortedTimes,
    TimeSpan? Rto,
    int WithinRto);

/// <summary>Counts runs: one for all of them, or one per chunk of run indices (<see cref="MonteCarloWorkers"/>),
/// merged into the first. Every run's time goes into its own slot of <paramref name="times"/>, shared by all.</summary>
internal sealed class MonteCarloCollector(CompiledPlaybook playbook, int seed, TimeSpan[] times)
{
    private readonly Dictionary<string, int> _ends = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failurePaths = new(StringComparer.Ordinal);
    private int _runs;
    private int _successes;
    private int _withinRto;

    public void Add(int index, RunResult result)
    {
        times[index] = result.Elapsed;
        _runs++;
        var end = result.End ?? "aborted";
        _ends[end] = _ends.GetValueOrDefault(end) + 1;
        if (result.Status == RunStatus.Success)
        {
            _successes++;
            if (playbook.Rto is { } rto && result.Elapsed <= rto) _withinRto++;
        }
        else
        {
            var path = string.Join(" → ", result.Path);
            _failurePaths[path] = _failurePaths.GetValueOrDefault(path) + 1;
        }
    }

    public void Merge(MonteCarloCollector part)
    {
        _runs += part._runs;
        _successes += part._successes;
        _withinRto += part._withinRto;
        foreach (var (end, count) in part._ends) _ends[end] = _ends.GetValueOrDefault(end) + count;
        foreach (var (path, count) in part._failurePaths) _failurePaths[path] = _failurePaths.GetValueOrDefault(path) + count;
    }

    public MonteCarloResult Finish()
    {
        // Every slot is filled: a run that threw or was cancelled throws before the result is built.
        Array.Sort(times);
        TimeSpan Percentile(double p)
        {
            if (times.Length == 0) return TimeSpan.Zero;
            // Nearest-rank: the smallest time that at least p of the runs did not exceed.
            var rank = (int)Math.Ceiling(p * times.Length);
            return times[Math.Clamp(rank - 1, 0, times.Length - 1)];
        }
        return new MonteCarloResult(
            _runs,
            seed,
            _runs == 0 ? 0 : (double)_successes / _runs,
            _ends.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Value),
            Percentile(0.50),
            Percentile(0.90),
            Percentile(0.99),
            times.Length == 0 ? TimeSpan.Zero : times[^1],
            _failurePaths.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(5).Select(p => (p.Key, p.Value)).ToList(),
            times,
            playbook.Rto,
            _withinRto);
    }
}
