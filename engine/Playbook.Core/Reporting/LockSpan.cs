using Playbook.LiveRuns;

namespace Playbook.Reporting;

/// <summary>When a run held its <c>lock "…"</c>, as its journal says: from each <c>lock-taken</c> record (written
/// when the run starts and each time it is resumed) to the record that ended that turn of the run (<c>run-ended</c>,
/// <c>run-interrupted</c>), or, for a runner that died, its last record before the next <c>run-resumed</c>.</summary>
/// <param name="Name">The lock's name (redacted as the journal has it).</param>
/// <param name="From">When it was taken.</param>
/// <param name="To">When it was let go; for a turn with no end yet, the time of its last record.</param>
/// <param name="Open">The turn has not ended: the runner holds it still, or died without a word (its lease or flock then
/// freed it).</param>
public sealed record LockSpan(string Name, DateTimeOffset From, DateTimeOffset To, bool Open)
{
    /// <summary>One line: <c>lock 'failover-eu' held from 2026-12-06 10:00:01Z to 2026-12-06 10:05:03Z</c>.</summary>
    public string Describe() =>
        $"lock '{Name}' held from {StoreRuns.Stamp(From)}" + (Open ? $", last record {StoreRuns.Stamp(To)} (held while its runner lives)" : $" to {StoreRuns.Stamp(To)}");

    public static IReadOnlyList<LockSpan> Of(JournaledRun run)
    {
        var spans = new List<LockSpan>();
        string? name = null;
        DateTimeOffset from = default, last = default;
        foreach (var r in run.Records)
        {
            switch (r.Type)
            {
                case "lock-taken":
                    name = r.Body.String("lock");
                    from = r.At;
                    break;
                case "run-ended" or "run-interrupted" when name is not null:
                    spans.Add(new LockSpan(name, from, r.At, Open: false));
                    name = null;
                    break;
                // A turn whose runner died: it held the lock until its last record at least.
                case "run-resumed" when name is not null:
                    spans.Add(new LockSpan(name, from, last, Open: false));
                    name = null;
                    break;
            }
            last = r.At;
        }
        if (name is not null) spans.Add(new LockSpan(name, from, last, Open: true));
        return spans;
    }
}
