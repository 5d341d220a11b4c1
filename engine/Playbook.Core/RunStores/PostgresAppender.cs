using Npgsql;
using NpgsqlTypes;

namespace Playbook.RunStores;

/// <summary>One runner's append path to the PostgreSQL store. A durable record costs one WAL flush, as it costs the
/// file journal one fsync; the rest of an append is kept small and free of shared locks:
/// <list type="bullet">
/// <item>a connection of its own, held for the run's appends (a pooled connection taken and returned per record is
/// reset each time); after any failure it is closed and the next append opens another (the failure itself still stops
/// the runner: the journal writer refuses to append after one);</item>
/// <item>the fencing check and the insert are one prepared statement, one round trip (the lease row locked where the
/// epoch is ours and the lease unexpired, the rows inserted from it: none locked, none inserted);</item>
/// <item>the web console's notification (<c>pg_notify('playbook_records', run)</c>) is a second prepared statement, its
/// own transaction, sent only after the insert committed. A NOTIFY inside the appending transaction would hold
/// PostgreSQL's one notification lock from before its commit to the end of its WAL flush, so every runner of the
/// database would commit one at a time (no group commit): pgbench, 50 clients, ~155 appends/s that way, ~1 100 this
/// way. The notifying transaction writes no WAL of its own, so its commit waits for no flush. (Both statements in one
/// NpgsqlBatch with error barriers hung under 50 concurrent runners, a read waiting 30 s on an idle server; not
/// pursued.)</item>
/// </list></summary>
internal sealed class PostgresAppender(NpgsqlDataSource source, RunLease lease) : IDisposable
{
    private const string InsertSql = """
        WITH lease AS (
            SELECT run_id FROM playbook_runs
            WHERE run_id = $1 AND lease_epoch = $2 AND lease_expires_at > now()
            FOR UPDATE)
        INSERT INTO playbook_records (run_id, seq, line, epoch)
        SELECT lease.run_id, r.seq, r.line, $2 FROM lease, unnest($3, $4) AS r(seq, line)
        """;

    private static readonly string AnnounceSql = $"SELECT pg_notify('{PostgresRunStore.RecordsChannel}', $1)";

    private NpgsqlConnection? _connection;
    private NpgsqlCommand? _insert;
    private NpgsqlCommand? _announce;

    /// <summary>Inserts the lines under the lease and announces them; the number of rows inserted (all of them, or none
    /// when the lease is no longer ours; -1 when a row of that seq exists). Committed, with synchronous_commit on, when
    /// it returns. Throws what Npgsql throws when the connection fails; the record is then either committed or not
    /// there, and the caller stops either way.</summary>
    public int Append(IReadOnlyList<(long Seq, byte[] Line)> lines)
    {
        var seqs = new long[lines.Count];
        var bytes = new byte[lines.Count][];
        for (var i = 0; i < lines.Count; i++) (seqs[i], bytes[i]) = lines[i];
        int inserted;
        try
        {
            if (_insert is null) Prepare();
            _insert!.Parameters[2].Value = seqs;
            _insert.Parameters[3].Value = bytes;
            inserted = _insert.ExecuteNonQuery();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Only a second writer under the same epoch could get here; the caller refuses it like a lost lease.
            Close();
            return -1;
        }
        catch
        {
            Close();
            throw;
        }
        try
        {
            if (inserted > 0) _announce!.ExecuteNonQuery();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The records are committed and acknowledged; a console that missed the notification reads them on its next
            // poll. The connection is not trusted again.
            Close();
        }
        return inserted;
    }

    private void Prepare()
    {
        var connection = source.OpenConnection();
        try
        {
            var insert = new NpgsqlCommand(InsertSql, connection);
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = lease.RunId });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = lease.Epoch });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = Array.Empty<long>() });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = Array.Empty<byte[]>() });
            insert.Prepare();
            var announce = new NpgsqlCommand(AnnounceSql, connection);
            announce.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = lease.RunId });
            announce.Prepare();
            (_connection, _insert, _announce) = (connection, insert, announce);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void Close()
    {
        _insert?.Dispose();
        _announce?.Dispose();
        (_insert, _announce) = (null, null);
        _connection?.Dispose();
        _connection = null;
    }

    public void Dispose() => Close();
}
