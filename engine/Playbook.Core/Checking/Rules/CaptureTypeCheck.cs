using Playbook.Diagnostics;
using Playbook.EngineCore;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB3106: a typed capture names a known type.</summary>
public sealed class CaptureTypeCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB3106" };

    public void Check(CheckContext context)
    {
        foreach (var state in context.Model.States)
        {
            foreach (var clause in state.Syntax.Body)
            {
                if (clause is CaptureSyntax { Type: { } type } && Array.IndexOf(CaptureTypes.Names, type.Text) < 0)
                    context.ReportDidYouMean(DiagnosticCatalog.UnknownCaptureType, type, type.Text, CaptureTypes.Names, type.Text);
            }
        }
    }
}
