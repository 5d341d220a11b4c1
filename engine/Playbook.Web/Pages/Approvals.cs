using Playbook.LiveRuns;
using Playbook.Web.Auth;
using Playbook.Web.Live;
using Playbook.Web.Playbooks;

namespace Playbook.Web.Pages;

/// <summary>Who may answer a waiting manual step and how many must approve: its <c>approvers</c> (names or roles) and
/// its <c>quorum</c>, as the playbook says, and the approvals the runner has counted so far (its <c>voted</c> records
/// since the step's attempt started).</summary>
public sealed record Approvals(IReadOnlyList<string> Approvers, int Quorum, IReadOnlyList<string> Voters)
{
    public static Approvals Of(JournaledRun run, CatalogPlaybook? playbook, OpenStep step)
    {
        var state = playbook is null ? null
            : StateAddress.Resolve(playbook.Compiled, StateAddress.Of(StateAddress.CallPathOf(step.Flow), step.State), playbook.ResolveCallee, out _);
        return new Approvals(state?.Approvers ?? [], Math.Max(1, state?.Quorum ?? 1), VotersOf(run, step.Flow, step.State));
    }

    /// <summary>The people whose approvals the runner counted for the step's current attempt, in order.</summary>
    public static IReadOnlyList<string> VotersOf(JournaledRun run, string flow, string state)
    {
        var voters = new List<string>();
        foreach (var r in run.Records)
        {
            if ((r.Body.String("flow") ?? "") != flow || r.Body.String("state") != state) continue;
            if (r.Type == "attempt-started") voters.Clear();
            else if (r.Type == "voted" && r.Body.String("who") is { } who) voters.Add(who);
        }
        return voters;
    }

    /// <summary>An approver may answer when the step names nobody, or names them or one of their roles.</summary>
    public bool MayAnswer(ConsoleUser user) =>
        Approvers.Count == 0 || Approvers.Contains(user.Name, StringComparer.Ordinal) || user.Roles.Any(r => Approvers.Contains(r, StringComparer.Ordinal));

    public bool Voted(ConsoleUser user) => Voters.Contains(user.Name, StringComparer.Ordinal);

    public string WhoMay => Approvers.Count == 0 ? "users with the approver role" : "approvers who are or have the role " + string.Join(" or ", Approvers);
}
