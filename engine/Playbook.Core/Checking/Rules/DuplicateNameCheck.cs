using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB1002, PB1003: every state, phase and branch name, and every input, secret and let, is declared once.</summary>
public sealed class DuplicateNameCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB1002", "PB1003" };

    public void Check(CheckContext context)
    {
        var model = context.Model;
        foreach (var (duplicate, first) in model.DuplicateStates)
        {
            context.Report(DiagnosticCatalog.DuplicateState, duplicate.Syntax.Name, duplicate.Name, first.KindName, context.LineOf(first.Syntax));
        }
        var branches = new Dictionary<string, SyntaxNode>(StringComparer.Ordinal);
        foreach (var branch in model.Branches)
        {
            if (model.Lookup(branch.Name) is { } state)
                context.Report(DiagnosticCatalog.DuplicateState, branch.Syntax.Name, branch.Name, state.KindName, context.LineOf(state.Syntax));
            else if (!branches.TryAdd(branch.Name, branch.Syntax))
                context.Report(DiagnosticCatalog.DuplicateState, branch.Syntax.Name, branch.Name, "branch", context.LineOf(branches[branch.Name]));
        }

        var parameters = new Dictionary<string, (string Kind, SyntaxNode Node)>(StringComparer.Ordinal);
        void Declare(NameSyntax name, string kind)
        {
            if (parameters.TryGetValue(name.Text, out var first))
                context.Report(DiagnosticCatalog.DuplicateParameter, name, name.Text, $"{first.Kind}", context.LineOf(first.Node));
            else
                parameters[name.Text] = (kind, name);
        }
        foreach (var member in model.Syntax.Members)
        {
            switch (member)
            {
                case InputSyntax i: Declare(i.Name, "an input"); break;
                case SecretSyntax s: Declare(s.Name, "a secret"); break;
                case LetSyntax l: Declare(l.Name, "a let"); break;
            }
        }
        // A capture may be set by several steps (the latest wins), but not shadow a parameter.
        foreach (var state in model.States)
        {
            foreach (var capture in state.Syntax.Body.OfType<CaptureSyntax>())
            {
                if (parameters.TryGetValue(capture.Name.Text, out var first))
                    context.Report(DiagnosticCatalog.DuplicateParameter, capture.Name, capture.Name.Text, first.Kind, context.LineOf(first.Node));
            }
        }
    }
}
