using Npgsql;

namespace Playbook.RunStores;

/// <summary>The PostgreSQL store's locks: a row per lock name naming the run and the lease epoch it was taken under.
/// A row counts only while that run's lease is still that epoch and has not run out, so the lock lives exactly as
/// long as the lease: a runner that dies stops renewing and the lock is free when its lease expires; a takeover (a
/// new epoch) fences the old runner off its lock as it does off the run's records; the runner that took over takes
/// the lock again, as a resume does. Taking a lock is serialised per name with a transaction-scoped advisory lock,
/// so the statement that checks the current holder sees every earlier taker's commit.
///
/// Not session advisory locks: a session lock is tied to one connection, so a dropped connection (a network blip, a
/// restarted server, a pooled connection recycled) frees it silently while the runner goes on — two runs would then
/// hold one lock — and it cannot be handed to the host that takes a run over. A row tied to the lease survives
/// connection loss for as long as the lease does, and goes with the lease to whoever holds it.</summary>
public sealed class PostgresRunLocks(PostgresRunStore store) : IRunLocks
{
    public HeldLock? TryTake(string name, LockClaim claim, out LockHolder? holder)
    {
        if (claim.Lease is not { } lease) throw new ArgumentException("a lock in the PostgreSQL store is taken under the run's lease", nameof(claim));
        var taken = store.Use(connection =>
        {
            using var tx = connection.BeginTransaction();
            using (var serialise = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('playbook-lock:' || @name, 0))", connection, tx))
            {
                serialise.Parameters.AddWithValue("name", name);
                serialise.ExecuteNonQuery();
            }
            // Ours only while our own lease is live; theirs only while their lease is. The same run takes its own
            // lock again (resume, takeover) and keeps the time it first took it.
            using var command = new NpgsqlCommand("""
                INSERT INTO playbook_locks AS l (name, run_id, epoch, holder_user, holder_host, holder_pid, since)
                SELECT @name, @run, @epoch, @user, @host, @pid, now() FROM playbook_runs
                WHERE run_id = @run AND lease_epoch = @epoch AND lease_expires_at > now()
                ON CONFLICT (name) DO UPDATE
                SET run_id = EXCLUDED.run_id, epoch = EXCLUDED.epoch, holder_user = EXCLUDED.holder_user,
                    holder_host = EXCLUDED.holder_host, holder_pid = EXCLUDED.holder_pid,
                    since = CASE WHEN l.run_id = EXCLUDED.run_id THEN l.since ELSE EXCLUDED.since END
                WHERE l.run_id = EXCLUDED.run_id
                   OR NOT EXISTS (SELECT 1 FROM playbook_runs r
                                  WHERE r.run_id = l.run_id AND r.lease_epoch = l.epoch AND r.lease_expires_at > now())
                RETURNING since
                """, connection, tx);
            command.Parameters.AddWithValue("name", name);
            command.Parameters.AddWithValue("run", lease.RunId);
            command.Parameters.AddWithValue("epoch", lease.Epoch);
            command.Parameters.AddWithValue("user", claim.User);
            command.Parameters.AddWithValue("host", claim.Owner.Host);
            command.Parameters.AddWithValue("pid", claim.Owner.Pid);
            var since = command.ExecuteScalar() is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : (DateTimeOffset?)null;
            tx.Commit();
            return since;
        });
        if (taken is not { } from)
        {
            holder = HolderOf(name);
            if (holder is not null) return null;
            // Nobody holds it now: either our own lease is gone, or the holder let go since; then try again.
            var ours = store.LeaseOf(lease.RunId);
            if (!ours.HeldNow || ours.Epoch != lease.Epoch)
                throw new LeaseLostException($"run {lease.RunId}: lease lost before lock '{name}' was taken; nothing was run");
            return TryTake(name, claim, out holder);
        }
        holder = null;
        return new HeldLock(new LockHolder(name, lease.RunId, claim.User, claim.Owner.Host, claim.Owner.Pid, from), () => Release(name, lease));
    }

    private void Release(string name, RunLease lease)
    {
        try
        {
            store.Use(connection =>
            {
                using var command = new NpgsqlCommand("DELETE FROM playbook_locks WHERE name = @name AND run_id = @run AND epoch = @epoch", connection);
                command.Parameters.AddWithValue("name", name);
                command.Parameters.AddWithValue("run", lease.RunId);
                command.Parameters.AddWithValue("epoch", lease.Epoch);
                return command.ExecuteNonQuery();
            });
        }
        catch (RunStoreException)
        {
            // The row stops counting when the lease is released or runs out.
        }
    }

    public LockHolder? HolderOf(string name) => Read("AND l.name = @name", name).FirstOrDefault();

    public IReadOnlyList<LockHolder> Held() => Read("", null);

    private List<LockHolder> Read(string filter, string? name) => store.Use(connection =>
    {
        using var command = new NpgsqlCommand($"""
            SELECT l.name, l.run_id, l.holder_user, l.holder_host, l.holder_pid, l.since
            FROM playbook_locks l JOIN playbook_runs r ON r.run_id = l.run_id
            WHERE r.lease_epoch = l.epoch AND r.lease_expires_at > now() {filter}
            ORDER BY l.name
            """, connection);
        if (name is not null) command.Parameters.AddWithValue("name", name);
        using var reader = command.ExecuteReader();
        var held = new List<LockHolder>();
        while (reader.Read())
            held.Add(new LockHolder(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetFieldValue<DateTimeOffset>(5)));
        return held;
    });
}
