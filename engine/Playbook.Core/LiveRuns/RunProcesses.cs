using Playbook.Journal;
using Playbook.LiveRuns.Actions;

namespace Playbook.LiveRuns;

/// <summary>What to do with a step's process that a stopped run left running: let it finish and take its
/// real outcome as the step's, or stop its process group (then the in-flight rule decides).</summary>
public enum OrphanChoice
{
    Wait,
    Kill,
}

/// <summary>A step's process group as the journal has it: who started it (flow, state, attempt), its
/// leader's identity, the command (as written in the playbook, redacted) and when it was journaled.</summary>
public sealed record JournaledProcess(string Flow, string State, int Attempt, int Group, ProcessIdentity? Identity, string? Command, DateTimeOffset Since)
{
    /// <summary>Still running, and still the group the run started (see <see cref="ProcessIdentity.StillOurs"/>)?</summary>
    public bool IsLive => RunProcesses.IsLive(Group, Identity);
}

/// <summary>The processes a run's journal says its steps started and that never reported back: after a
/// crash, the ones still alive are orphans nobody supervises. <c>playbook runs</c> shows them and
/// <c>playbook resume</c> waits for them or stops them.</summary>
public static class RunProcesses
{
    /// <summary>The newest process group of each attempt that had started and not ended when the journal stops.</summary>
    public static IReadOnlyList<JournaledProcess> InFlight(JournaledRun run) =>
        OpenAttempts(run).Values.OfType<JournaledProcess>().ToList();

    /// <summary>Each attempt that had started and not ended when the journal stops (flow, state, attempt), whether
    /// or not it started a process: what a resume will ask about, for an answer bound to the attempt (STATE#N).</summary>
    public static IReadOnlyList<(string Flow, string State, int Attempt)> InFlightAttempts(JournaledRun run) =>
        OpenAttempts(run).Keys.Select(k => (k.Item1, k.Item2, (int)k.Item3)).ToList();

    private static Dictionary<(string, string, long), JournaledProcess?> OpenAttempts(JournaledRun run)
    {
        var open = new Dictionary<(string, string, long), JournaledProcess?>();
        foreach (var r in run.Records)
        {
            var key = (r.Body.String("flow") ?? "", r.Body.String("state") ?? "", r.Body.Long("attempt") ?? 0);
            switch (r.Type)
            {
                case "attempt-started":
                    open[key] = null;
                    break;
                case "attempt-ended":
                    open.Remove(key);
                    break;
                case "process-started" when open.ContainsKey(key):
                    open[key] = Read(r);
                    break;
            }
        }
        return open;
    }

    /// <summary>The in-flight processes still running: none once the run has ended.</summary>
    public static IReadOnlyList<JournaledProcess> Live(JournaledRun run) =>
        run.Finished ? [] : InFlight(run).Where(p => p.IsLive).ToList();

    public static bool IsLive(int group, ProcessIdentity? identity) =>
        group > 1 && ProcessIdentity.StillOurs(group, identity) && ProcessGroups.IsAlive(group);

    private static JournaledProcess Read(JournalRecord r)
    {
        var boot = r.Body.String("boot_id");
        var ticks = r.Body.Long("start_ticks");
        var identity = boot is not null && ticks is { } t ? new ProcessIdentity(boot, t) { CommandLine = r.Body.String("cmdline_sha256") } : (ProcessIdentity?)null;
        return new JournaledProcess(r.Body.String("flow") ?? "", r.Body.String("state") ?? "", (int)(r.Body.Long("attempt") ?? 0),
            (int)(r.Body.Long("pgid") ?? 0), identity, r.Body.String("command"), r.At);
    }
}
