using Npgsql;
using NpgsqlTypes;
using Playbook.Journal;
using Playbook.LiveRuns;

namespace Playbook.RunStores;

/// <summary>Runs in a shared PostgreSQL database, for a team (see docs/team-mode.md for the protocol). A run's
/// records are rows keyed by (run, seq) holding the very lines the file journal writes, so reading one back goes
/// through the same checksum and validation. Its lease is a row with an epoch: an append is one statement that
/// locks the lease row (<c>SELECT … FOR UPDATE</c>) and inserts only if the caller's epoch is still the current one
/// and the lease has not run out, so a runner whose lease was taken over cannot append. Every commit waits for the
/// WAL flush (<c>synchronous_commit=on</c>). Times are the database's (<c>now()</c>): one clock for every host.</summary>
public sealed class PostgresRunStore : IRunStore
{
    private readonly NpgsqlDataSource _source;
    private readonly NpgsqlDataSource _listenSource;
    private readonly PostgresLocation _location;
    private readonly string _localDirectory;

    private PostgresRunStore(PostgresLocation location, string localDirectory)
    {
        _location = location;
        _localDirectory = localDirectory;
        _source = NpgsqlDataSource.Create(location.ConnectionString);
        // LISTEN holds session state, so its connections are never pooled: a pooled connection given back still
        // subscribed would have the server queue notifications for a session nobody reads.
        _listenSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(location.ConnectionString) { Pooling = false }.ConnectionString);
    }

    /// <summary>Opens the store at <paramref name="location"/> (an empty database gets the schema); step files of
    /// runs driven from this machine go under <paramref name="localDirectory"/>.</summary>
    public static PostgresRunStore Open(PostgresLocation location, string localDirectory)
    {
        var store = new PostgresRunStore(location, localDirectory);
        try
        {
            store.Use(connection =>
            {
                PostgresSchema.Ensure(connection);
                return 0;
            });
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary><c>playbook store migrate</c>: the versions applied (none when up to date).</summary>
    public static IReadOnlyList<int> Migrate(PostgresLocation location)
    {
        using var store = new PostgresRunStore(location, Path.GetTempPath());
        return store.Use(PostgresSchema.Migrate);
    }

    public string Location => _location.Display;

    public TimeSpan? LeaseDuration => _location.Lease;

    private double LeaseSeconds => _location.Lease.TotalSeconds;

    public string LocalPath(string runId) => Path.Combine(_localDirectory, runId + JournaledRun.Extension);

    public RunLease? TryCreate(string runId, LeaseOwner owner) => Use(connection =>
    {
        using var command = new NpgsqlCommand("""
            INSERT INTO playbook_runs (run_id, lease_epoch, lease_host, lease_pid, lease_process_start, lease_expires_at)
            VALUES (@run, 1, @host, @pid, @start, now() + @secs * interval '1 second')
            ON CONFLICT (run_id) DO NOTHING
            RETURNING lease_expires_at
            """, connection);
        AddOwner(command, runId, owner);
        using var reader = command.ExecuteReader();
        return reader.Read() ? new RunLease(runId, 1, owner, reader.GetFieldValue<DateTimeOffset>(0)) : null;
    });

    public RunLease? TryAcquire(string runId, LeaseOwner owner, out RunLeaseState holder)
    {
        var current = LeaseOf(runId);
        // A holder of this host whose process is gone cannot renew: its lease is taken at once, not after it runs out.
        var dead = current is { HeldNow: true, Holder: { } h } && h.IsGoneFromThisHost() ? h : null;
        var (lease, now) = Use(connection =>
        {
            using var command = new NpgsqlCommand("""
                WITH old AS (
                    SELECT run_id, lease_epoch, lease_host, lease_pid, lease_process_start, lease_expires_at
                    FROM playbook_runs WHERE run_id = @run FOR UPDATE)
                UPDATE playbook_runs r
                SET lease_epoch = old.lease_epoch + 1, lease_host = @host, lease_pid = @pid, lease_process_start = @start,
                    lease_acquired_at = now(), lease_expires_at = now() + @secs * interval '1 second'
                FROM old
                WHERE r.run_id = old.run_id
                  AND (old.lease_expires_at IS NULL OR old.lease_expires_at <= now()
                       OR (old.lease_host = @dead_host AND old.lease_pid = @dead_pid AND old.lease_process_start = @dead_start))
                RETURNING r.lease_epoch, r.lease_expires_at, old.lease_host, old.lease_pid, old.lease_process_start, old.lease_expires_at, now()
                """, connection);
            AddOwner(command, runId, owner);
            command.Parameters.AddWithValue("dead_host", NpgsqlDbType.Text, (object?)dead?.Host ?? DBNull.Value);
            command.Parameters.AddWithValue("dead_pid", NpgsqlDbType.Integer, (object?)dead?.Pid ?? DBNull.Value);
            command.Parameters.AddWithValue("dead_start", NpgsqlDbType.TimestampTz, (object?)dead?.ProcessStart ?? DBNull.Value);
            using var reader = command.ExecuteReader();
            if (!reader.Read()) return ((RunLease?)null, DateTimeOffset.MinValue);
            var epoch = reader.GetInt64(0);
            var expires = reader.GetFieldValue<DateTimeOffset>(1);
            var previous = new LeaseOwner(reader.GetString(2), reader.GetInt32(3), reader.GetFieldValue<DateTimeOffset>(4));
            var at = reader.GetFieldValue<DateTimeOffset>(6);
            // Released (NULL): the run stopped cleanly and is resumed, not taken over.
            var takeover = reader.IsDBNull(5) ? null : new Takeover(previous, dead is null ? reader.GetFieldValue<DateTimeOffset>(5) : at, at);
            return (new RunLease(runId, epoch, owner, expires, takeover) { Previous = previous }, at);
        });
        holder = lease is null ? LeaseOf(runId) : RunLeaseState.None(now);
        return lease;
    }

    public void Renew(RunLease lease)
    {
        var expires = Use(connection =>
        {
            using var command = new NpgsqlCommand("""
                UPDATE playbook_runs SET lease_expires_at = now() + @secs * interval '1 second'
                WHERE run_id = @run AND lease_epoch = @epoch AND lease_expires_at > now()
                RETURNING lease_expires_at
                """, connection);
            command.Parameters.AddWithValue("run", lease.RunId);
            command.Parameters.AddWithValue("epoch", lease.Epoch);
            command.Parameters.AddWithValue("secs", LeaseSeconds);
            return command.ExecuteScalar() is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : (DateTimeOffset?)null;
        });
        if (expires is null) throw Lost(lease);
        lease.ExpiresAt = expires;
    }

    /// <summary>Removes a run that was created but never got a record (its start was refused, by a lock held by
    /// another run): it was never a run anyone can see, and its id goes back to the pool. A run with a record stays.</summary>
    public void Forget(RunLease lease)
    {
        lease.Lost = true;
        Use(connection =>
        {
            using var command = new NpgsqlCommand("""
                DELETE FROM playbook_runs r WHERE run_id = @run AND lease_epoch = @epoch
                  AND NOT EXISTS (SELECT 1 FROM playbook_records rec WHERE rec.run_id = r.run_id)
                  AND NOT EXISTS (SELECT 1 FROM playbook_locks l WHERE l.run_id = r.run_id)
                """, connection);
            command.Parameters.AddWithValue("run", lease.RunId);
            command.Parameters.AddWithValue("epoch", lease.Epoch);
            return command.ExecuteNonQuery();
        });
    }

    public void Release(RunLease lease)
    {
        lease.Lost = true;
        Use(connection =>
        {
            using var command = new NpgsqlCommand(
                "UPDATE playbook_runs SET lease_expires_at = NULL WHERE run_id = @run AND lease_epoch = @epoch", connection);
            command.Parameters.AddWithValue("run", lease.RunId);
            command.Parameters.AddWithValue("epoch", lease.Epoch);
            return command.ExecuteNonQuery();
        });
    }

    public JournalWriter OpenWriter(RunLease lease, JournalContents contents, TimeProvider? time = null)
    {
        // A store never has a torn record to cut (a row is written whole or not at all).
        if (contents.Damage is not null) throw new InvalidOperationException($"run {lease.RunId}: its records are damaged ({contents.Damage.Reason})");
        return JournalWriter.ToTarget(LocalPath(lease.RunId), new Target(this, lease), contents.NextSeq, time);
    }

    /// <summary>Appends the lines in one statement: the lease row is locked, checked and renewed, then the rows
    /// inserted, all or none. Durable once it returns (synchronous_commit=on).</summary>
    /// <remarks>Why every append renews the lease: a record that starts a step's process is followed by the opening of
    /// the process's gate, which refuses to open later than half a lease after the process was made (ShellLauncher).
    /// Renewed here, the lease cannot run out — so no other host can take the run over — before a full lease after
    /// this statement began, which is after the process was made: a process whose gate opened in time started while
    /// this runner still held the run.</remarks>
    internal void Append(RunLease lease, IReadOnlyList<(long Seq, byte[] Line)> lines)
    {
        var inserted = Use(connection =>
        {
            using var command = new NpgsqlCommand("""
                WITH lease AS (
                    UPDATE playbook_runs SET lease_expires_at = GREATEST(lease_expires_at, now() + @secs * interval '1 second')
                    WHERE run_id = @run AND lease_epoch = @epoch AND lease_expires_at > now()
                    RETURNING run_id)
                INSERT INTO playbook_records (run_id, seq, line, epoch)
                SELECT lease.run_id, r.seq, r.line, @epoch FROM lease, unnest(@seqs, @lines) AS r(seq, line)
                """, connection);
            command.Parameters.AddWithValue("run", lease.RunId);
            command.Parameters.AddWithValue("epoch", lease.Epoch);
            command.Parameters.AddWithValue("secs", LeaseSeconds);
            command.Parameters.AddWithValue("seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint, lines.Select(l => l.Seq).ToArray());
            command.Parameters.AddWithValue("lines", NpgsqlDbType.Array | NpgsqlDbType.Bytea, lines.Select(l => l.Line).ToArray());
            try
            {
                return command.ExecuteNonQuery();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // Only a second writer under the same epoch could get here; refuse like a lost lease.
                return -1;
            }
        });
        if (inserted != lines.Count)
        {
            lease.Lost = true;
            throw Lost(lease);
        }
    }

    private LeaseLostException Lost(RunLease lease)
    {
        var now = LeaseOf(lease.RunId);
        var why = now.Epoch != lease.Epoch && now.Holder is { } h
            ? $"it was taken over by {h} (epoch {now.Epoch}, ours was {lease.Epoch})"
            : now.ExpiresAt is null ? "it was released" : $"it ran out at {Stamp(now.ExpiresAt.Value)} without being renewed";
        return new LeaseLostException($"run {lease.RunId}: lease lost: {why}; this runner appends nothing more and stops");
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public JournalContents? ReadContents(string runId) => Use(connection =>
    {
        using var command = new NpgsqlCommand("""
            SELECT r.run_id, rec.line FROM playbook_runs r LEFT JOIN playbook_records rec ON rec.run_id = r.run_id
            WHERE r.run_id = @run ORDER BY rec.seq
            """, connection);
        command.Parameters.AddWithValue("run", runId);
        using var reader = command.ExecuteReader();
        return Contents(reader, out _);
    });

    /// <summary>The lines of one run (the reader positioned on its first row) joined as a journal file would hold
    /// them, and parsed with the file journal's checks. Null when the reader has no row.</summary>
    private static JournalContents? Contents(NpgsqlDataReader reader, out bool more)
    {
        more = reader.Read();
        if (!more) return null;
        var runId = reader.GetString(0);
        using var bytes = new MemoryStream();
        do
        {
            if (reader.GetString(0) != runId) return Parse(bytes);
            if (!reader.IsDBNull(1)) bytes.Write(reader.GetFieldValue<byte[]>(1));
        }
        while (more = reader.Read());
        return Parse(bytes);
    }

    private static JournalContents Parse(MemoryStream bytes)
    {
        var contents = JournalReader.Parse(bytes.GetBuffer().AsSpan(0, (int)bytes.Length));
        // A row is committed whole: damage anywhere, the last record included, was done to the table, not by a crash.
        return contents.Damage is { AtTail: true } d
            ? contents with { Damage = d with { AtTail = false, Reason = d.Reason + "; a store's record is written whole, so this is not a crash: the row was changed" } }
            : contents;
    }

    public JournaledRun? Read(string runId) =>
        ReadContents(runId) is { } contents ? JournaledRun.FromStore(LocalPath(runId), contents, () => LeaseOf(runId).HeldNow) : null;

    public RunLeaseState LeaseOf(string runId) => Use(connection =>
    {
        using var command = new NpgsqlCommand("""
            SELECT lease_host, lease_pid, lease_process_start, lease_epoch, lease_expires_at, now()
            FROM playbook_runs WHERE run_id = @run
            """, connection);
        command.Parameters.AddWithValue("run", runId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? LeaseFrom(reader, 0) : RunLeaseState.None(DateTimeOffset.UtcNow);
    });

    private static RunLeaseState LeaseFrom(NpgsqlDataReader reader, int first)
    {
        var now = reader.GetFieldValue<DateTimeOffset>(first + 5);
        DateTimeOffset? expires = reader.IsDBNull(first + 4) ? null : reader.GetFieldValue<DateTimeOffset>(first + 4);
        return new RunLeaseState(new LeaseOwner(reader.GetString(first), reader.GetInt32(first + 1), reader.GetFieldValue<DateTimeOffset>(first + 2)),
            reader.GetInt64(first + 3), expires, expires is { } e && e > now, now);
    }

    public IReadOnlyList<StoredRun> List()
    {
        var leases = Use(connection =>
        {
            using var command = new NpgsqlCommand("""
                SELECT run_id, lease_host, lease_pid, lease_process_start, lease_epoch, lease_expires_at, now()
                FROM playbook_runs ORDER BY run_id
                """, connection);
            using var reader = command.ExecuteReader();
            var found = new List<(string, RunLeaseState)>();
            while (reader.Read()) found.Add((reader.GetString(0), LeaseFrom(reader, 1)));
            return found;
        });
        var contents = Use(connection =>
        {
            using var command = new NpgsqlCommand("""
                SELECT r.run_id, rec.line FROM playbook_runs r LEFT JOIN playbook_records rec ON rec.run_id = r.run_id
                ORDER BY r.run_id, rec.seq
                """, connection);
            using var reader = command.ExecuteReader();
            // Rows come run by run: each run's lines are joined as its journal file would hold them.
            var byRun = new List<JournalContents>();
            var more = reader.Read();
            while (more)
            {
                var runId = reader.GetString(0);
                using var bytes = new MemoryStream();
                while (more && reader.GetString(0) == runId)
                {
                    if (!reader.IsDBNull(1)) bytes.Write(reader.GetFieldValue<byte[]>(1));
                    more = reader.Read();
                }
                byRun.Add(Parse(bytes));
            }
            return byRun;
        });
        return leases.Zip(contents, (l, c) => (l.Item1, l.Item2, c))
            // A run created but with no record yet (its runner is writing the first) is not a run to list yet.
            .Where(x => x.c.Records.Count > 0 || x.c.Damage is not null)
            .Select(x => new StoredRun(JournaledRun.FromStore(LocalPath(x.Item1), x.c, () => x.Item2.HeldNow), x.Item2))
            .ToList();
    }

    public IAnswerInbox Inbox(Action<string>? warn = null) => new PostgresAnswerInbox(this, warn);

    /// <summary>The channel on which the database announces a run's new records (payload: the run id).</summary>
    public const string RecordsChannel = "playbook_records";

    /// <summary>The channel on which the database announces a posted answer (payload: the run id).</summary>
    public const string AnswersChannel = "playbook_answers";

    /// <summary>How long a listening connection may be silent before it is checked with a query: a connection the
    /// network dropped without a word is noticed and replaced.</summary>
    private static readonly TimeSpan ListenProbe = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan ListenRetry = TimeSpan.FromSeconds(1);

    /// <summary>LISTENs on <paramref name="channel"/> on a connection of its own until cancelled, calling
    /// <paramref name="notified"/> with each payload. <paramref name="listening"/> is called each time the LISTEN is
    /// in place (first, and after every reconnection): notifications sent while there was none are lost, so the
    /// caller reads what it waits for then. Never throws but for cancellation: a lost connection is opened again.</summary>
    public async Task ListenAsync(string channel, Action<string> notified, Action listening, CancellationToken cancellationToken)
    {
        if (channel is not (RecordsChannel or AnswersChannel)) throw new ArgumentException($"'{channel}' is not a channel of the store", nameof(channel));
        while (true)
        {
            try
            {
                await using var connection = await _listenSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += (_, e) => notified(e.Payload);
                await using (var listen = new NpgsqlCommand("LISTEN " + channel, connection))
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                listening();
                while (true)
                {
                    if (await connection.WaitAsync(ListenProbe, cancellationToken).ConfigureAwait(false)) continue;
                    await using var probe = new NpgsqlCommand("SELECT 1", connection);
                    await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException or OperationCanceledException)
            {
                // The server restarted or the network dropped: listen again shortly (waiters poll meanwhile).
            }
            await Task.Delay(ListenRetry, cancellationToken).ConfigureAwait(false);
        }
    }

    internal T Use<T>(Func<NpgsqlConnection, T> work)
    {
        try
        {
            using var connection = _source.OpenConnection();
            return work(connection);
        }
        catch (NpgsqlException e)
        {
            throw new RunStoreException($"{Location}: {_location.Scrub(OneLine(e.Message))}", e);
        }
        catch (TimeoutException e)
        {
            throw new RunStoreException($"{Location}: {_location.Scrub(OneLine(e.Message))}", e);
        }
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private void AddOwner(NpgsqlCommand command, string runId, LeaseOwner owner)
    {
        command.Parameters.AddWithValue("run", runId);
        command.Parameters.AddWithValue("host", owner.Host);
        command.Parameters.AddWithValue("pid", owner.Pid);
        command.Parameters.AddWithValue("start", NpgsqlDbType.TimestampTz, owner.ProcessStart);
        command.Parameters.AddWithValue("secs", LeaseSeconds);
    }

    public void Dispose()
    {
        _source.Dispose();
        _listenSource.Dispose();
    }

    /// <summary>The journal writer's target: records that need not be durable yet wait in memory and go with the next
    /// durable one, in the same transaction (as a file's unflushed records ride on its next fsync): one commit, and
    /// one WAL flush, per durable record.</summary>
    private sealed class Target(PostgresRunStore store, RunLease lease) : IJournalTarget
    {
        private readonly List<(long Seq, byte[] Line)> _pending = [];

        public void Write(long seq, ReadOnlySpan<byte> line, bool durable)
        {
            _pending.Add((seq, line.ToArray()));
            if (!durable) return;
            try
            {
                store.Append(lease, _pending);
            }
            finally
            {
                _pending.Clear();
            }
        }

        public void Dispose()
        {
            if (_pending.Count == 0 || lease.Lost) return;
            try
            {
                store.Append(lease, _pending);
            }
            catch (Exception e) when (e is LeaseLostException or RunStoreException)
            {
                // Bookkeeping records only (every record that matters is durable when written): a resume does without them.
            }
            _pending.Clear();
        }
    }
}
