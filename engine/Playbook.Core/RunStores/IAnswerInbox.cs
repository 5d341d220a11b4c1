namespace Playbook.RunStores;

/// <summary>An answer to a manual step given away from the runner's terminal: by <c>playbook answer</c> from another
/// terminal or machine, or from the web console. Who and from where travel with it so the journal can say so.</summary>
/// <param name="RunId">The run it answers.</param>
/// <param name="Address">The manual step's address, as <c>--answer</c> names it (<c>approve-failover</c>,
/// <c>child/migrate</c>, <c>write-each[2]/approve</c>).</param>
/// <param name="Outcome"><c>approve</c> or <c>reject</c>.</param>
/// <param name="Who">The person: a signed-in user's name, or <c>USER@HOST</c> for a terminal.</param>
/// <param name="From">How and where: <c>terminal HOST pid N</c>, <c>web 10.0.0.7</c>.</param>
/// <param name="At">When it was posted (UTC): shown, never used to decide whether it is new (posters' clocks differ).</param>
/// <param name="Comment">What the person wrote with it, if anything (data: escaped wherever it is shown).</param>
public sealed record PostedAnswer(string RunId, string Address, string Outcome, string Who, string From, DateTimeOffset At, string? Comment)
{
    /// <summary>The entry's place in the run's inbox, given by the inbox when it is posted (0 before): entries of one
    /// run are numbered in the order they became visible, so "new" means a higher id than the last one taken, on every
    /// host whatever its clock says. The runner journals it with the answer, and a resume never takes it again.</summary>
    public long Id { get; init; }
}

/// <summary>Where answers to a run's manual steps are posted and where the runner waiting on one learns of them at
/// once. One interface so the file store (a private inbox beside the journal, for a second terminal on the same
/// machine) and the PostgreSQL store (a table and LISTEN/NOTIFY, for the team) are interchangeable.</summary>
public interface IAnswerInbox
{
    /// <summary>Stores the answer durably; when it returns, a runner waiting on the step will see it. Returns it as
    /// stored: with its <see cref="PostedAnswer.Id"/> (and, for a shared store, the store's own time).</summary>
    PostedAnswer Post(PostedAnswer answer);

    /// <summary>Every answer posted for the run, in the order they were posted.</summary>
    IReadOnlyList<PostedAnswer> Read(string runId);

    /// <summary>Completes with the first answer for the run's step at <paramref name="address"/> whose id is above
    /// <paramref name="after"/> (0: any), in posting order. Answers posted while the runner was not waiting are not
    /// lost; the caller passes the id of the last entry it took for the step so none is taken twice.</summary>
    Task<PostedAnswer> WaitAsync(string runId, string address, long after, CancellationToken cancellationToken);
}
