using System.Collections.Concurrent;
using Playbook.LiveRuns;
using Playbook.Web.Live;
using Playbook.Web.Pages;
using Playbook.Web.Playbooks;

namespace Playbook.Web.Endpoints;

/// <summary>A run's journal as the open pages follow it, read once per change however many pages are open: when
/// the runner appends a record every page's stream wakes, and without this each would parse the whole journal again
/// and hash the playbook (50 pages: 50 reads of a journal that grows with the run). A snapshot is reused while the
/// run's source stamp (journal length and time, or the store's announcements) is the same and it is younger than <see cref="JournalWatch.PollInterval"/> — so a change
/// that writes nothing (the runner dies, its lock goes) still shows within a poll or two.</summary>
internal sealed class RunSnapshots
{
    private readonly ConcurrentDictionary<string, Snapshot> _byRun = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public RunSnapshots(TimeProvider time) => _time = time;

    /// <param name="Stamp">What the run's source said about it when it was read (<see cref="RunSource.Stamp"/>).</param>
    /// <param name="Key">Where the run is (<see cref="RunPage.Key"/>): a page reloads when it changes.</param>
    public sealed record Snapshot((long, DateTime) Stamp, DateTimeOffset Read, JournaledRun Run, string Key);

    /// <summary>The run as it is now, read again only when its source says it may have changed; null when there is no such run.</summary>
    public Snapshot? Read(string runId, RunSource source, PlaybookCatalog catalog)
    {
        var stamp = source.Stamp(runId);
        var now = _time.GetUtcNow();
        if (_byRun.TryGetValue(runId, out var cached) && cached.Stamp == stamp && now - cached.Read < JournalWatch.PollInterval)
            return cached;
        // Read after the stamp was taken: if the run changed meanwhile, the next call sees another stamp.
        if (source.Find(runId) is not { } run) return null;
        var key = run.Problem is null ? RunPage.Key(RunView.Of(run, catalog.For(run))) : "";
        var snapshot = new Snapshot(stamp, now, run, key);
        _byRun[runId] = snapshot;
        return snapshot;
    }
}
