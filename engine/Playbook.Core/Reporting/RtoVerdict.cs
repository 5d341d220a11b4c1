using Playbook.LiveRuns;

namespace Playbook.Reporting;

/// <summary>What a run did against its RTO, in words. The RTO is about recovering: only a run that ended in
/// success within it met it. A failure or an abort did not recover, however fast it gave up, and a run that
/// has not ended (interrupted, killed, still running) has not met it yet. Reports and <c>playbook runs</c>
/// say it the same way.</summary>
public static class RtoVerdict
{
    /// <summary>True only for a success within the RTO; null when the playbook has no RTO.</summary>
    public static bool? Met(JournaledRun run) => run.Rto is { } rto ? run.Status == "success" && run.Elapsed <= rto : null;

    /// <summary>For a report ("… against an RTO of 5m: within it"); null when the playbook has no RTO.</summary>
    public static string? Describe(JournaledRun run)
    {
        if (run.Rto is not { } rto) return null;
        var over = run.Elapsed > rto;
        return run.Status switch
        {
            "success" => over ? "over it" : "within it",
            "failure" => over ? "not met: the run ended in failure, and over it" : "not met: the run ended in failure before the RTO ran out",
            "aborted" => over ? "not met: the run aborted, and over it" : "not met: the run aborted before the RTO ran out",
            "interrupted" => over ? "not met: the run was interrupted, and over it" : "not met yet: the run was interrupted (it can be resumed)",
            _ => over ? "over it, and the run has not ended" : "not met yet: the run has not ended",
        };
    }

    /// <summary>For a column of <c>playbook runs</c>: empty when there is no RTO.</summary>
    public static string Short(JournaledRun run)
    {
        if (run.Rto is not { } rto) return "";
        var over = run.Elapsed > rto;
        return run.Status switch
        {
            "success" => over ? "over" : "met",
            "failure" => "not met (failure)",
            "aborted" => "not met (aborted)",
            _ => over ? "over" : "not yet",
        };
    }
}
