using Npgsql;
using NpgsqlTypes;

namespace Playbook.RunStores;

/// <summary>One runner's append path to the PostgreSQL store. A durable record costs one WAL flush, as it costs the
/// file journal one fsync; everything else an append does is kept to one round trip with no planning and no shared
/// lock:
/// <list type="bullet">
/// <item>a connection of its own, held for the run's appends (a pooled connection taken and returned per record is
/// reset each time, and its prepared statements with it); after any failure it is closed and the next append opens
/// another (the failure itself still stops the runner: the journal writer refuses to append after one);</item>
/// <item>the fencing check and the insert are one prepared statement (the lease row locked where the epoch is ours and
/// the lease unexpired, the rows inserted from it: none locked, none inserted);</item>
/// <item>the web console's notification (<c>pg_notify('playbook_records', run)</c>) goes in the same round trip but in a
/// transaction of its own after the insert's commit, behind an error barrier. A NOTIFY inside the appending transaction
/// would hold PostgreSQL's one notification lock from before its commit to the end of its WAL flush, so every runner
/// of the database would commit one at a time (no group commit): pgbench, 50 clients, ~155 appends/s that way,
/// ~1 100 this way. The notifying transaction writes no WAL of its own, so its commit does not wait for a flush.</item>
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
    private NpgsqlBatch? _batch;

    /// <summary>Inserts the lines under the lease and announces them; the number of rows inserted (all of them, or none
    /// when the lease is no longer ours; -1 when a row of that seq exists). Committed, with synchronous_commit on, when
    /// it returns. Throws what Npgsql throws when the connection fails; the record is then either committed or not
    /// there, and the caller stops either way.</summary>
    public int Append(IReadOnlyList<(long Seq, byte[] Line)> lines)
    {
        var seqs = new long[lines.Count];
        var bytes = new byte[lines.Count][];
        for (var i = 0; i < lines.Count; i++) (seqs[i], bytes[i]) = lines[i];
        NpgsqlBatchCommand? insert = null;
        try
        {
            var batch = _batch ??= Prepare();
            insert = batch.BatchCommands[0];
            insert.Parameters[2].Value = seqs;
            insert.Parameters[3].Value = bytes;
            batch.ExecuteNonQuery();
            return (int)insert.RecordsAffected;
        }
        catch (PostgresException e) when (insert is not null && e.BatchCommand is { } failed && !ReferenceEquals(failed, insert))
        {
            // Only the announcement failed (the insert before its barrier committed): the record is durable and
            // acknowledged; a console that missed the notification reads it on its next poll.
            Close();
            return (int)insert.RecordsAffected;
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
    }

    private NpgsqlBatch Prepare()
    {
        var connection = source.OpenConnection();
        try
        {
            var batch = new NpgsqlBatch(connection) { EnableErrorBarriers = true };
            var insert = new NpgsqlBatchCommand(InsertSql);
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = lease.RunId });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = lease.Epoch });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = Array.Empty<long>() });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = Array.Empty<byte[]>() });
            batch.BatchCommands.Add(insert);
            var announce = new NpgsqlBatchCommand(AnnounceSql);
            announce.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = lease.RunId });
            batch.BatchCommands.Add(announce);
            batch.Prepare();
            _connection = connection;
            return batch;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void Close()
    {
        _batch?.Dispose();
        _batch = null;
        _connection?.Dispose();
        _connection = null;
    }

    public void Dispose() => Close();
}
