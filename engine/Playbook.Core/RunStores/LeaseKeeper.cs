namespace Playbook.RunStores;

/// <summary>Renews a run's lease in the background (four times per lease duration, so a late renewal or two does
/// not lose it) for as long as the run goes on. When the store says the lease is lost, or it ran out while the
/// store could not be reached, <see cref="LostToken"/> is cancelled: the run stops, and its next append is refused
/// anyway. A lease with no duration (the file store's lock) needs no renewal.</summary>
public sealed class LeaseKeeper : IDisposable
{
    private readonly IRunStore _store;
    private readonly RunLease _lease;
    private readonly Timer? _timer;
    private readonly CancellationTokenSource _lost = new();
    private readonly Lock _gate = new();
    private bool _disposed;

    public LeaseKeeper(IRunStore store, RunLease lease)
    {
        _store = store;
        _lease = lease;
        if (store.LeaseDuration is { } duration)
        {
            var every = duration / 4;
            _timer = new Timer(_ => Renew(), null, every, every);
        }
    }

    public CancellationToken LostToken => _lost.Token;

    /// <summary>Why the lease was lost, once it was.</summary>
    public string? Why { get; private set; }

    private void Renew()
    {
        lock (_gate)
        {
            if (_disposed || _lost.IsCancellationRequested) return;
            try
            {
                _store.Renew(_lease);
            }
            catch (LeaseLostException e)
            {
                Lose(e.Message);
            }
            catch (RunStoreException e)
            {
                // The store may be back before the lease runs out; after that, the lease is gone for sure.
                if (_lease.ExpiresAt is { } at && DateTimeOffset.UtcNow >= at)
                    Lose($"run {_lease.RunId}: lease lost: it could not be renewed before it ran out ({e.Message})");
            }
        }
    }

    private void Lose(string why)
    {
        Why = why;
        _lease.Lost = true;
        _lost.Cancel();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _timer?.Dispose();
        _lost.Dispose();
    }
}
