using System.Collections.Immutable;
using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB1012: a setting that holds one value (timeout, retry, prompt, rto, title…) is given once.</summary>
public sealed class DuplicateSettingCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB1012" };

    public void Check(CheckContext context)
    {
        // Two tables serve every block (cleared per block): one per block was ~0.5 MB on 10 000 lines.
        var seen = new Dictionary<string, SyntaxNode>(StringComparer.Ordinal);
        var inner = new Dictionary<string, SyntaxNode>(StringComparer.Ordinal);
        CheckBlock(context, context.Model.Syntax.Members, seen, inner);
        foreach (var state in context.Model.States) CheckBlock(context, state.Syntax.Body, seen, inner);
        foreach (var branch in context.Model.Branches) CheckBlock(context, branch.Syntax.Body, seen, inner);
    }

    private static void CheckBlock(CheckContext context, ImmutableArray<ClauseSyntax> clauses, Dictionary<string, SyntaxNode> seen, Dictionary<string, SyntaxNode> inner)
    {
        seen.Clear();
        foreach (var clause in clauses)
        {
            var key = KeyOf(clause);
            if (key is null) continue;
            if (seen.TryGetValue(key, out var first))
                context.Report(DiagnosticCatalog.DuplicateSetting, clause, key, context.LineOf(first));
            else
                seen[key] = clause;
            if (clause is SimulateSyntax sim)
            {
                inner.Clear();
                foreach (var clauseItem in sim.Items)
                {
                    if (clauseItem is not SimulateItemSyntax item) continue;
                    if (inner.TryGetValue(item.Keyword.Text, out var f)) context.Report(DiagnosticCatalog.DuplicateSetting, item, item.Keyword.Text, context.LineOf(f));
                    else inner[item.Keyword.Text] = item;
                }
            }
        }
    }

    private static string? KeyOf(ClauseSyntax clause) => clause switch
    {
        MetadataSyntax m => m.Keyword.Text,
        ObjectiveSyntax o => o.Keyword.Text,
        ExpressionsSyntax => "expressions",
        StartSyntax => "start",
        LockSyntax => "lock",
        TimeoutSyntax => "timeout",
        RetrySyntax => "retry",
        IdempotentSyntax => "idempotent",
        ReadonlySyntax => "readonly",
        DescriptionSyntax => "description",
        SimulateSyntax => "simulate",
        ForSyntax => "for",
        UntilSyntax => "until",
        ProbeSyntax => "probe",
        PromptSyntax => "prompt",
        ChoicesSyntax => "choices",
        ApproversSyntax => "approvers",
        QuorumSyntax => "quorum",
        JoinSyntax => "join",
        ElseSyntax => "else",
        ExpectSyntax => "expect",
        EnvSyntax => "env",
        WorkdirSyntax => "workdir",
        _ => null,
    };
}
