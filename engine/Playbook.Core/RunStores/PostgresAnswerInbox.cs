using Npgsql;

namespace Playbook.RunStores;

/// <summary>The PostgreSQL store's answer inbox, for a team: <c>playbook answer</c> on any machine inserts a row into
/// <c>playbook_answers</c>, and the insert's trigger sends <c>NOTIFY playbook_answers, 'RUN_ID'</c> in the same
/// transaction (the run id only: a comment never travels in a notification, which every listening session sees).
/// A waiting runner LISTENs on a connection of its own and reads the run's answers at once when told; it also reads
/// every <see cref="PollInterval"/>, because a notification sent while its connection was down is lost, and at once
/// after it reconnects. Every row is validated when read, as the file inbox validates its files: one that is not an
/// answer as <see cref="Post"/> writes it (a row someone inserted by hand) is skipped with a warning, never taken.
/// Answers are kept from the run's start, so one posted before the runner reached the step is not lost. Which are new
/// is told by their ids, handed out in commit order (<see cref="Post"/>), never by anyone's clock.</summary>
public sealed class PostgresAnswerInbox : IAnswerInbox
{
    /// <summary>How often a waiting runner reads even when no notification came.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    // More rows than any run's answers: a run flooded with rows is not read to its end.
    private const int MaxAnswers = 10_000;

    private readonly PostgresRunStore _store;
    private readonly Action<string>? _warn;
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    internal PostgresAnswerInbox(PostgresRunStore store, Action<string>? warn)
    {
        _store = store;
        _warn = warn;
    }

    /// <summary>Polls only, never LISTENs: how a runner fares when notifications do not reach it (the fallback).</summary>
    public bool PollOnly { get; init; }

    public PostedAnswer Post(PostedAnswer answer)
    {
        if (FileAnswerInbox.Problem(answer) is { } problem) throw new ArgumentException(problem, nameof(answer));
        var stored = _store.Use(connection =>
        {
            using var tx = connection.BeginTransaction();
            // Posts to one run take turns until they commit, so the run's ids are handed out in commit order: a
            // reader never sees a later id before an earlier one, and "above the last id taken" never skips an entry
            // that was still committing (a bigserial alone is drawn before the commit, not in its order).
            using (var turn = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key, hashtext(@run))", connection, tx))
            {
                turn.Parameters.AddWithValue("key", AnswersLockSpace);
                turn.Parameters.AddWithValue("run", answer.RunId);
                turn.ExecuteNonQuery();
            }
            // Inserted only for a run the store holds: an answer to no run is refused, not kept. Its time is the
            // database's, the one clock every host agrees on (the poster's may be off).
            using var command = new NpgsqlCommand("""
                INSERT INTO playbook_answers (run_id, address, outcome, who, from_where, posted_at, comment)
                SELECT run_id, @address, @outcome, @who, @from, clock_timestamp(), @comment FROM playbook_runs WHERE run_id = @run
                RETURNING id, posted_at
                """, connection, tx);
            command.Parameters.AddWithValue("run", answer.RunId);
            command.Parameters.AddWithValue("address", answer.Address);
            command.Parameters.AddWithValue("outcome", answer.Outcome);
            command.Parameters.AddWithValue("who", answer.Who);
            command.Parameters.AddWithValue("from", answer.From);
            command.Parameters.AddWithValue("comment", NpgsqlTypes.NpgsqlDbType.Text, (object?)answer.Comment ?? DBNull.Value);
            PostedAnswer? row = null;
            using (var reader = command.ExecuteReader())
                if (reader.Read()) row = answer with { Id = reader.GetInt64(0), At = reader.GetFieldValue<DateTimeOffset>(1) };
            tx.Commit();
            return row;
        });
        return stored ?? throw new RunStoreException($"{_store.Location}: no run '{answer.RunId}': the answer was not posted");
    }

    // The first key of the advisory locks that order one run's answers (the second is a hash of the run id).
    private const int AnswersLockSpace = 0x706261; // "pba"

    public IReadOnlyList<PostedAnswer> Read(string runId) => _store.Use(connection =>
    {
        using var command = new NpgsqlCommand("""
            SELECT id, address, outcome, who, from_where, posted_at, comment FROM playbook_answers
            WHERE run_id = @run ORDER BY id LIMIT @limit
            """, connection);
        command.Parameters.AddWithValue("run", runId);
        command.Parameters.AddWithValue("limit", MaxAnswers);
        using var reader = command.ExecuteReader();
        var answers = new List<PostedAnswer>();
        while (reader.Read())
        {
            var answer = new PostedAnswer(runId, reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetString(6)) { Id = reader.GetInt64(0) };
            if (FileAnswerInbox.Problem(answer) is { } problem) Warn($"{_store.Location}: answer {reader.GetInt64(0)} of run {runId} ignored: {problem}");
            else answers.Add(answer);
        }
        return (IReadOnlyList<PostedAnswer>)answers;
    });

    public async Task<PostedAnswer> WaitAsync(string runId, string address, long after, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var wake = new SemaphoreSlim(0);
        void Wake()
        {
            try { wake.Release(); }
            catch (ObjectDisposedException) { } // a notification that arrives as the wait ends
        }
        var listening = PollOnly ? Task.CompletedTask
            : _store.ListenAsync(PostgresRunStore.AnswersChannel, payload => { if (payload == runId) Wake(); }, Wake, stop.Token);
        try
        {
            while (true)
            {
                if (TryRead(runId)?.FirstOrDefault(a => a.Address == address && a.Id > after) is { } found) return found;
                await wake.WaitAsync(PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try { await listening.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>The answers, or null while the database cannot be reached: a waiting runner outlives a restart of
    /// the server (its next record would tell it if the store were gone for good).</summary>
    private IReadOnlyList<PostedAnswer>? TryRead(string runId)
    {
        try
        {
            return Read(runId);
        }
        catch (RunStoreException e)
        {
            Warn($"cannot read the answers of run {runId} now ({e.Message}); trying again");
            return null;
        }
    }

    private void Warn(string message)
    {
        if (_warn is null) return;
        // A waiting runner reads again and again: each problem is reported once.
        lock (_warned)
            if (!_warned.Add(message)) return;
        _warn(message);
    }
}
