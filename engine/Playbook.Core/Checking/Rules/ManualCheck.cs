using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB2013: a manual step says what to decide.</summary>
public sealed class ManualCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB2013" };

    public void Check(CheckContext context)
    {
        foreach (var state in context.Model.States)
        {
            if (state.Syntax is ManualSyntax manual && manual.Find<PromptSyntax>() is null)
                context.Report(DiagnosticCatalog.MissingPrompt, manual.Name, state.Name);
        }
    }
}
