using System.Collections.Concurrent;
using Playbook.LiveRuns;
using Playbook.RunStores;

namespace Playbook.Web.Live;

/// <summary>Where the console reads runs, and learns that one has new records: the journal directory
/// (<c>--journal</c>, watched with <see cref="JournalWatch"/>), or a run store (<c>--store</c>) read through
/// <see cref="IRunStore"/>, whose PostgreSQL database announces each run's new records (<c>NOTIFY playbook_records</c>,
/// payload the run id) to one listening connection for the whole console. A waiter also wakes every
/// <see cref="JournalWatch.PollInterval"/> and reads anyway: a lost notification (the connection dropped) delays a
/// record, it never hides it.</summary>
public sealed class RunSource : IDisposable
{
    private readonly string _directory;
    private readonly IRunStore? _store;
    private readonly JournalWatch? _watch;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);
    // How often the store announced new records of each run (only counted for a store: files have their length and time).
    private readonly ConcurrentDictionary<string, long> _announced = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _listening = Task.CompletedTask;

    public RunSource(WebConsoleOptions options)
    {
        _directory = options.JournalDirectory;
        _store = options.Store;
        if (_store is null) _watch = new JournalWatch(_directory);
        else if (_store is PostgresRunStore shared)
            _listening = shared.ListenAsync(PostgresRunStore.RecordsChannel, Pulse, PulseAll, _stop.Token);
    }

    /// <summary>Where the runs are, for the page (never a password).</summary>
    public string Location => _store?.Location ?? _directory;

    /// <summary>Every run, oldest first.</summary>
    public IReadOnlyList<JournaledRun> All() =>
        _store is null ? JournaledRun.ReadAll(_directory) : _store.List().Select(r => r.Run).ToList();

    /// <summary>The run with this id; an id names a run, never a path. Null when there is none (or it is not a run).</summary>
    public JournaledRun? Find(string id)
    {
        if (id.Length == 0 || id.Length > 200 || id.IndexOfAny(['/', '\\', '\0']) >= 0 || id.StartsWith('.')) return null;
        JournaledRun? run;
        if (_store is null)
        {
            var path = Path.Combine(_directory, id + JournaledRun.Extension);
            run = File.Exists(path) ? JournaledRun.Read(path) : null;
        }
        else run = _store.Read(id);
        return run is not null && (run.IsRun || run.Problem is not null) ? run : null;
    }

    /// <summary>The signal for the next change of run <paramref name="runId"/>. Take it before reading the run, then
    /// <see cref="JournalWatch.WaitAsync"/> on it: a change made while reading is not missed.</summary>
    public Task Next(string runId) =>
        _watch?.Next(runId + JournaledRun.Extension)
        ?? _signals.GetOrAdd(runId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Changes whenever run <paramref name="runId"/> may have changed: its journal's length and time, or how
    /// often the store announced it (a snapshot taken under one stamp is reused only while the stamp stays).</summary>
    public (long, DateTime) Stamp(string runId)
    {
        if (_store is not null) return (_announced.GetValueOrDefault(runId), DateTime.MinValue);
        var file = new FileInfo(Path.Combine(_directory, runId + JournaledRun.Extension));
        return file.Exists ? (file.Length, file.LastWriteTimeUtc) : (-1L, DateTime.MinValue);
    }

    private void Pulse(string runId)
    {
        _announced.AddOrUpdate(runId, 1, (_, n) => n + 1);
        if (_signals.TryRemove(runId, out var signal)) signal.TrySetResult();
    }

    // Listening (again): whatever was announced while nobody listened is read now by every waiter.
    private void PulseAll()
    {
        foreach (var runId in _signals.Keys.Concat(_announced.Keys).Distinct(StringComparer.Ordinal).ToList()) Pulse(runId);
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _listening.Wait(TimeSpan.FromSeconds(5)); }
        catch (AggregateException) { } // cancelled, as asked
        _stop.Dispose();
        _watch?.Dispose();
    }
}
