using Playbook.Compiling;
using Playbook.Semantics;

namespace Playbook.LiveRuns;

/// <summary>A manual step a run is asking right now, as its journal says: asked (its attempt started) and not yet
/// answered. <see cref="Address"/> is what the runner waits on (a foreach item's step names its item:
/// <c>write-each[2]/approve</c>); <see cref="Approvals"/> are the people who approved so far when it needs a quorum.</summary>
public sealed record OpenQuestion(string Flow, CompiledState State, string Address, string PlainAddress, IReadOnlyList<string> Approvals);

/// <summary>Which manual steps of a run are waiting for an answer: what <c>playbook answer</c> checks before it
/// posts one, and what <c>playbook runs</c> shows of a live run.</summary>
public static class OpenQuestions
{
    public static IReadOnlyList<OpenQuestion> Of(JournaledRun run, CompiledPlaybook playbook, Func<CompiledPlaybook, string, CompiledPlaybook?> resolveCallee)
    {
        // An attempt is open from its start to its end; a manual step's attempt spans the question.
        var open = new Dictionary<(string Flow, string State), List<string>>();
        foreach (var r in run.Records)
        {
            var key = (r.Body.String("flow") ?? "", r.Body.String("state") ?? "");
            switch (r.Type)
            {
                case "attempt-started": open[key] = []; break;
                case "attempt-ended": open.Remove(key); break;
                case "voted" when open.TryGetValue(key, out var votes): votes.Add(r.Body.String("who") ?? ""); break;
                // A run that stopped asks nothing until it is resumed (and then asks again).
                case "run-interrupted" or "run-resumed": open.Clear(); break;
            }
        }
        var questions = new List<OpenQuestion>();
        foreach (var ((flow, state), votes) in open)
        {
            var plain = StateAddress.Of(StateAddress.CallPathOf(flow), state);
            if (StateAddress.Resolve(playbook, plain, resolveCallee, out _) is not { Kind: StateKind.Manual } manual) continue;
            questions.Add(new OpenQuestion(flow, manual, StateAddress.ItemAddressOf(flow, state), plain, votes));
        }
        return questions;
    }
}
