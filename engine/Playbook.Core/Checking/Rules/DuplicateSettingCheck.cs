using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB1012: a setting that holds one value (timeout, retry, prompt, rto, title…) is given once.</summary>
public sealed class DuplicateSettingCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB1012" };

    public void Check(CheckContext context)
    {
        CheckBlock(context, context.Model.Syntax.Members);
        foreach (var state in context.Model.States) CheckBlock(context, state.Syntax.Body);
        foreach (var branch in context.Model.Branches) CheckBlock(context, branch.Syntax.Body);
    }

    private static void CheckBlock(CheckContext context, IEnumerable<ClauseSyntax> clauses)
    {
        var seen = new Dictionary<string, SyntaxNode>(StringComparer.Ordinal);
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
                var inner = new Dictionary<string, SyntaxNode>(StringComparer.Ordinal);
                foreach (var item in sim.Items.OfType<SimulateItemSyntax>())
                {
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
        TimeoutSyntax => "timeout",
        RetrySyntax => "retry",
        IdempotentSyntax => "idempotent",
        DescriptionSyntax => "description",
        SimulateSyntax => "simulate",
        ForSyntax => "for",
        UntilSyntax => "until",
        ProbeSyntax => "probe",
        PromptSyntax => "prompt",
        ChoicesSyntax => "choices",
        JoinSyntax => "join",
        ElseSyntax => "else",
        ExpectSyntax => "expect",
        _ => null,
    };
}
