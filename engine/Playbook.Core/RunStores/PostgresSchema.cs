using Npgsql;

namespace Playbook.RunStores;

/// <summary>The PostgreSQL store's tables, created and migrated by the program. Each migration has a version and is
/// applied once, in order, inside one transaction that holds an advisory lock, so two programs migrating at once
/// cannot both apply one; <c>playbook_schema</c> records what was applied and when. A store whose schema is newer
/// than this program knows is refused, never written to.</summary>
public static class PostgresSchema
{
    private sealed record Migration(int Version, string Description, string Sql);

    private static readonly Migration[] Migrations =
    [
        new(1, "runs with their lease, and their records", """
            CREATE TABLE playbook_runs (
                run_id text PRIMARY KEY,
                created_at timestamptz NOT NULL DEFAULT now(),
                -- The fencing token: raised by every acquisition; an append must carry the current one.
                lease_epoch bigint NOT NULL,
                lease_host text NOT NULL,
                lease_pid integer NOT NULL,
                lease_process_start timestamptz NOT NULL,
                lease_acquired_at timestamptz NOT NULL DEFAULT now(),
                -- NULL: released (the run stopped cleanly or ended); in the past: the holder stopped renewing it.
                lease_expires_at timestamptz
            );
            CREATE TABLE playbook_records (
                run_id text NOT NULL REFERENCES playbook_runs (run_id),
                seq bigint NOT NULL CHECK (seq >= 1),
                -- The journal line exactly as the file store writes it: checksum, JSON, newline.
                line bytea NOT NULL,
                epoch bigint NOT NULL,
                PRIMARY KEY (run_id, seq)
            );
            """),
        new(2, "run-level locks (lock \"…\"), each held by a run's lease", """
            CREATE TABLE playbook_locks (
                name text PRIMARY KEY,
                run_id text NOT NULL REFERENCES playbook_runs (run_id),
                -- The lease epoch the lock was taken under: it counts only while that run's lease is still this epoch
                -- and unexpired, so a lease that runs out or is taken over frees the lock with no one deleting a row.
                epoch bigint NOT NULL,
                holder_user text NOT NULL,
                holder_host text NOT NULL,
                holder_pid integer NOT NULL,
                since timestamptz NOT NULL DEFAULT now()
            );
            """),
        // Versions need not follow one another (2 is the run locks'): each is applied once, in order.
        // Answers posted from any machine for a run's manual steps, and the notifications that wake whoever waits:
        // a runner on an answer, the web console on a run's new records. The payload is the run id only (never a
        // comment: a NOTIFY is seen by every session that LISTENs). The triggers send them in the transaction of the
        // insert, so a notification is never sent for a row that was not committed, nor lost for one that was.
        new(3, "answers to manual steps, and notifications of new answers and records", """
            CREATE TABLE playbook_answers (
                id bigserial PRIMARY KEY,
                run_id text NOT NULL REFERENCES playbook_runs (run_id),
                address text NOT NULL,
                outcome text NOT NULL,
                who text NOT NULL,
                from_where text NOT NULL,
                posted_at timestamptz NOT NULL,
                comment text,
                -- Bounds only: what an answer must be is checked when it is read, as the file inbox's are.
                CHECK (length(address) <= 1000 AND length(who) <= 200 AND length(from_where) <= 200),
                CHECK (comment IS NULL OR length(comment) <= 2000)
            );
            CREATE INDEX playbook_answers_by_run ON playbook_answers (run_id, id);
            CREATE FUNCTION playbook_notify_run() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                -- Identical notifications of one transaction are folded into one by PostgreSQL.
                PERFORM pg_notify(TG_ARGV[0], NEW.run_id);
                RETURN NULL;
            END $$;
            CREATE TRIGGER playbook_answers_notify AFTER INSERT ON playbook_answers
                FOR EACH ROW EXECUTE FUNCTION playbook_notify_run('playbook_answers');
            CREATE TRIGGER playbook_records_notify AFTER INSERT ON playbook_records
                FOR EACH ROW EXECUTE FUNCTION playbook_notify_run('playbook_records');
            """),
    ];

    public static int Latest => Migrations[^1].Version;

    private const long AdvisoryKey = 0x706C6179626F6F6B; // "playbook"

    /// <summary>Applies what is missing; returns the versions it applied (none when up to date).</summary>
    public static IReadOnlyList<int> Migrate(NpgsqlConnection connection)
    {
        using var tx = connection.BeginTransaction();
        Execute(connection, tx, "SELECT pg_advisory_xact_lock(@key)", ("key", AdvisoryKey));
        Execute(connection, tx, """
            CREATE TABLE IF NOT EXISTS playbook_schema (
                version integer PRIMARY KEY,
                description text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """);
        var current = CurrentVersion(connection, tx) ?? 0;
        if (current > Latest) throw Newer(current);
        var applied = new List<int>();
        foreach (var m in Migrations.Where(m => m.Version > current))
        {
            Execute(connection, tx, m.Sql);
            Execute(connection, tx, "INSERT INTO playbook_schema (version, description) VALUES (@v, @d)", ("v", m.Version), ("d", m.Description));
            applied.Add(m.Version);
        }
        tx.Commit();
        return applied;
    }

    /// <summary>Makes an empty database ready (migrates it) and refuses one whose schema is older or newer than
    /// this program's: an older one is migrated only when asked (<c>playbook store migrate</c>), since other
    /// programs of the team may still use it.</summary>
    public static void Ensure(NpgsqlConnection connection)
    {
        var version = CurrentVersion(connection, null);
        if (version is null)
        {
            Migrate(connection);
            return;
        }
        if (version > Latest) throw Newer(version.Value);
        if (version < Latest)
            throw new RunStoreException($"the store's schema is version {version}, this playbook needs {Latest}: run 'playbook store migrate --store …' first");
    }

    private static RunStoreException Newer(int version) =>
        new($"the store's schema is version {version}, newer than this playbook knows ({Latest}): upgrade playbook; nothing was written");

    private static int? CurrentVersion(NpgsqlConnection connection, NpgsqlTransaction? tx)
    {
        using var exists = new NpgsqlCommand("SELECT to_regclass('playbook_schema') IS NOT NULL", connection, tx);
        if (!(bool)exists.ExecuteScalar()!) return null;
        using var command = new NpgsqlCommand("SELECT max(version) FROM playbook_schema", connection, tx);
        return command.ExecuteScalar() is int v ? v : 0;
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }
}
