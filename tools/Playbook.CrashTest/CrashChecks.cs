using Playbook.Journal;
using Playbook.LiveRuns;

namespace Playbook.CrashTest;

/// <summary>What an uninterrupted run of the crash playbook does: the end it reaches and the states it enters.
/// A run that was killed and resumed must come out the same.</summary>
public sealed record ReferenceRun(string? End, string Status, IReadOnlyList<string> MainPath, IReadOnlyList<string> AllStates)
{
    public static ReferenceRun Of(JournaledRun run) => new(run.End, run.Status, CrashChecks.MainPath(run), CrashChecks.Sorted(run.Path));
}

/// <summary>The checks on a run once it has been killed and resumed to its end. Each returns what is wrong
/// in words (nothing when it is right), so a tool can count them and a test can show them.</summary>
public static class CrashChecks
{
    /// <summary>Every change ran exactly once: a repeated line is a step run twice, a missing one a step skipped
    /// that had not run.</summary>
    public static IEnumerable<string> Ledger(IReadOnlyList<string> changes, IReadOnlyList<string> ledger)
    {
        foreach (var step in changes)
        {
            var times = ledger.Count(l => l == step);
            if (times != 1) yield return $"step '{step}' ran {times} times (ledger: {string.Join(' ', ledger)})";
        }
        foreach (var stranger in ledger.Where(l => !changes.Contains(l)).Distinct())
            yield return $"the ledger has a line no step writes: '{stranger}'";
    }

    /// <summary>The journal reads clean to its end, ended the way the uninterrupted run did, through the same states.</summary>
    public static IEnumerable<string> Journal(string journalPath, ReferenceRun reference) => Journal(JournaledRun.Read(journalPath), reference);

    /// <summary>The same checks on a run read back from any store (a PostgreSQL store's rows parse as a journal does).</summary>
    public static IEnumerable<string> Journal(JournaledRun run, ReferenceRun reference)
    {
        if (run.Contents.Damage is { } damage) yield return $"the journal does not read clean after the run ended: {damage.Reason}";
        if (run.Status != reference.Status || run.End != reference.End)
            yield return $"the run ended {run.Status} at '{run.End}' ({run.Reason}); uninterrupted it ends {reference.Status} at '{reference.End}'";
        var main = MainPath(run);
        if (!main.SequenceEqual(reference.MainPath))
            yield return $"the run went {string.Join(" → ", main)}; uninterrupted it goes {string.Join(" → ", reference.MainPath)}";
        // Branch states interleave in whatever order the branches ran: compare them as a set with repeats.
        var all = Sorted(run.Path);
        if (!all.SequenceEqual(reference.AllStates))
            yield return $"the run entered {string.Join(' ', all)}; uninterrupted it enters {string.Join(' ', reference.AllStates)}";
    }

    /// <summary>Once the run has ended, nothing it or a killed runner started still runs in its directory.</summary>
    public static IEnumerable<string> NothingLeftRunning(string directory)
    {
        foreach (var (pid, command) in Orphans.In(directory))
            yield return $"process {pid} ({command}) of the run still runs after the run ended";
    }

    /// <summary><c>playbook runs --format json</c>'s entry for the run says it succeeded.</summary>
    public static IEnumerable<string> Listed(string runId, IReadOnlyDictionary<string, string> statusByRun, ReferenceRun reference)
    {
        if (!statusByRun.TryGetValue(runId, out var status)) yield return $"'playbook runs' does not list run {runId}";
        else if (status != reference.Status) yield return $"'playbook runs' lists run {runId} as {status}, not {reference.Status}";
    }

    internal static IReadOnlyList<string> MainPath(JournaledRun run) =>
        run.Records.Where(r => r.Type == "state-entered" && (r.Body.String("flow") ?? "") == "").Select(r => r.Body.String("state") ?? "").ToList();

    internal static IReadOnlyList<string> Sorted(IEnumerable<string> states) => states.Order(StringComparer.Ordinal).ToList();
}
