using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB2501–PB2503: a foreach says what it walks, runs some states per item, and its
/// <c>parallel</c> and <c>max</c> are whole numbers of at least 1.</summary>
public sealed class ForeachShapeCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB2501", "PB2502", "PB2503" };

    public void Check(CheckContext context)
    {
        foreach (var state in context.Model.States)
        {
            if (state.Syntax is not ForeachSyntax loop) continue;
            if (loop.Each is null) context.Report(DiagnosticCatalog.ForeachWithoutEach, loop.Name, state.Name);
            if (state.Branches.Count == 0 || state.Branches[0].States.Count == 0) context.Report(DiagnosticCatalog.EmptyForeach, loop.Name, state.Name);
            foreach (var setting in loop.Body.OfType<ForeachSettingSyntax>())
            {
                var n = setting.Value;
                if (!n.IsInteger || n.Value < 1 || n.Value > int.MaxValue)
                    context.Report(DiagnosticCatalog.InvalidForeachSetting, setting, setting.Keyword.Text, n.Text);
            }
        }
    }
}
