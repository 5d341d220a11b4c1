using Playbook.Diagnostics;
using Playbook.Semantics;

namespace Playbook.Checking.Rules;

/// <summary>PB2007, PB2008: 'on' lines name outcomes the state can have, and none is hidden behind an
/// earlier unguarded transition for the same outcome.</summary>
public sealed class OutcomeCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB2007", "PB2008" };

    public void Check(CheckContext context)
    {
        // One table for every state, cleared per state (it runs over every state of the playbook).
        var unguarded = new Dictionary<string, TransitionSymbol>(StringComparer.Ordinal);
        foreach (var state in context.Model.States)
        {
            if (state.Kind == StateKind.Decide) continue;
            var accepted = PlaybookModel.AcceptedOutcomes(state);
            unguarded.Clear();
            foreach (var t in state.Transitions)
            {
                var syntax = (Syntax.TransitionSyntax)t.Syntax;
                var names = syntax.IsShorthand ? new[] { ("ok", (Syntax.SyntaxNode)syntax) } : syntax.Outcomes.Select(o => (o.Text, (Syntax.SyntaxNode)o)).ToArray();
                foreach (var (outcome, node) in names)
                {
                    if (!accepted.Contains(outcome))
                    {
                        var can = accepted.Count == 0 ? "no outcomes" : string.Join(", ", accepted);
                        var why = outcome == "timeout" && state.Kind is StateKind.Step or StateKind.Manual or StateKind.Parallel or StateKind.Wait
                            ? $" (add 'timeout D' to give it a time limit)" : outcome == "timeout" && state.Kind == StateKind.Phase ? " (add 'within D' to give it a budget)" : "";
                        context.Report(DiagnosticCatalog.ImpossibleOutcome, node, state.KindName, state.Name, outcome, can + why);
                        continue;
                    }
                    if (unguarded.TryGetValue(outcome, out var earlier))
                    {
                        context.Report(DiagnosticCatalog.ShadowedTransition, node, outcome, context.LineOf(earlier.Syntax));
                        continue;
                    }
                    if (t.Guard is null) unguarded[outcome] = t;
                }
            }
        }
    }
}
