using System.Collections.Concurrent;

namespace Playbook.Web.Live;

/// <summary>Tells the open run pages that a journal in the directory changed. One watcher for the directory, however
/// many pages are open: each page waits on its run's signal, then reads the new records itself. File system events
/// can be lost (a full inotify queue, a network file system), so a waiter also wakes after
/// <see cref="PollInterval"/> and reads anyway: a lost event delays a record, it never hides it.</summary>
public sealed class JournalWatch : IDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);
    private readonly FileSystemWatcher? _watcher;

    public JournalWatch(string directory)
    {
        if (!Directory.Exists(directory)) return;
        try
        {
            _watcher = new FileSystemWatcher(directory, "*" + LiveRuns.JournaledRun.Extension)
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
                IncludeSubdirectories = false,
            };
            _watcher.Changed += (_, e) => Pulse(e.Name);
            _watcher.Created += (_, e) => Pulse(e.Name);
            _watcher.Renamed += (_, e) => Pulse(e.Name);
            // The queue overflowed: wake everybody, each page reads its journal again.
            _watcher.Error += (_, _) => { foreach (var name in _signals.Keys) Pulse(name); };
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            // No inotify left (fs.inotify.max_user_instances): the poll alone keeps pages up to date.
            _watcher?.Dispose();
            _watcher = null;
        }
    }

    /// <summary>The signal for the next change of the journal file <paramref name="fileName"/>. Take it before reading
    /// the file, then <see cref="WaitAsync"/> on it: a change made while reading is not missed.</summary>
    public Task Next(string fileName) =>
        _signals.GetOrAdd(fileName, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Completes when <paramref name="next"/> does, after <see cref="PollInterval"/> at the latest, or when
    /// <paramref name="cancellationToken"/> fires (then it throws).</summary>
    public static async Task WaitAsync(Task next, CancellationToken cancellationToken)
    {
        await Task.WhenAny(next, Task.Delay(PollInterval, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private void Pulse(string? fileName)
    {
        if (fileName is null) return;
        // The next waiter gets a fresh signal; everyone waiting on this one wakes now.
        if (_signals.TryRemove(fileName, out var signal)) signal.TrySetResult();
    }

    public void Dispose() => _watcher?.Dispose();
}
