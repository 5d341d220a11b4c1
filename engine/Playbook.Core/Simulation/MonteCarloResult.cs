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

internal sealed class MonteCarloCollector(CompiledPlaybook playbook, int runs, int seed)
{
    private readonly List<TimeSpan> _times = new(runs);
    private readonly Dictionary<string, int> _ends = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failurePaths = new(StringComparer.Ordinal);
    private int _successes;
    private int _withinRto;

    public void Add(RunResult result)
    {
        _times.Add(result.Elapsed);
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

    public MonteCarloResult Finish()
    {
        _times.Sort();
        TimeSpan Percentile(double p)
        {
            if (_times.Count == 0) return TimeSpan.Zero;
            // Nearest-rank: the smallest time that at least p of the runs did not exceed.
            var rank = (int)Math.Ceiling(p * _times.Count);
            return _times[Math.Clamp(rank - 1, 0, _times.Count - 1)];
        }
        return new MonteCarloResult(
            _times.Count,
            seed,
            _times.Count == 0 ? 0 : (double)_successes / _times.Count,
            _ends.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Value),
            Percentile(0.50),
            Percentile(0.90),
            Percentile(0.99),
            _times.Count == 0 ? TimeSpan.Zero : _times[^1],
            _failurePaths.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(5).Select(p => (p.Key, p.Value)).ToList(),
            _times,
            playbook.Rto,
            _withinRto);
    }
}
