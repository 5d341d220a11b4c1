using System.Collections.Concurrent;
using Playbook.LiveRuns;
using Playbook.Web.Live;
using Playbook.Web.Pages;
using Playbook.Web.Playbooks;

namespace Playbook.Web.Endpoints;

/// <summary>A run's journal as the open pages follow it, read once per change however many pages are open: when
/// the runner appends a record every page's stream wakes, and without this each would parse the whole journal again
/// and hash the playbook (50 pages: 50 reads of a journal that grows with the run). A snapshot is reused while the
/// file has the same length and time and is younger than <see cref="JournalWatch.PollInterval"/> — so a change
/// that writes nothing (the runner dies, its lock goes) still shows within a poll or two.</summary>
internal sealed class RunSnapshots
{
    private readonly ConcurrentDictionary<string, Snapshot> _byPath = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public RunSnapshots(TimeProvider time) => _time = time;

    /// <param name="Key">Where the run is (<see cref="RunPage.Key"/>): a page reloads when it changes.</param>
    public sealed record Snapshot(long Length, DateTime Written, DateTimeOffset Read, JournaledRun Run, string Key);

    public Snapshot Read(string path, PlaybookCatalog catalog)
    {
        var file = new FileInfo(path);
        var (length, written) = file.Exists ? (file.Length, file.LastWriteTimeUtc) : (-1L, DateTime.MinValue);
        var now = _time.GetUtcNow();
        if (_byPath.TryGetValue(path, out var cached) && cached.Length == length && cached.Written == written && now - cached.Read < JournalWatch.PollInterval)
            return cached;
        // Read after the file's length and time were taken: if it grew meanwhile, the next call sees another length.
        var run = JournaledRun.Read(path);
        var key = run.Problem is null ? RunPage.Key(RunView.Of(run, catalog.For(run))) : "";
        var snapshot = new Snapshot(length, written, now, run, key);
        _byPath[path] = snapshot;
        return snapshot;
    }
}
