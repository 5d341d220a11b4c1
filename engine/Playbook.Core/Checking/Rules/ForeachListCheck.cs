using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB3501, PB3502, PB3503: what a foreach walks is proven a list (a list input, a let holding
/// <c>[ … ]</c>, a capture typed <c>: list</c>); a list whose length only the run knows (a capture) needs
/// <c>max</c>, which bounds the worst case; the item's name hides no input, secret, let or capture.</summary>
public sealed class ForeachListCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB3501", "PB3502", "PB3503" };

    public void Check(CheckContext context)
    {
        var model = context.Model;
        foreach (var state in model.States)
        {
            if (state.Syntax is not ForeachSyntax { Each: { } each } loop) continue;
            var list = each.List;
            var code = list.Code.Trim();
            var type = ValueTypes.TypeOf(model, list);
            if (type != "list")
            {
                context.Report(DiagnosticCatalog.ForeachNotAList, list, ValueTypes.Describe(model, list, type));
            }
            else if (loop.Max is null && !model.Inputs.Any(i => i.Name.Text == code) && !model.Lets.Any(l => l.Name.Text == code))
            {
                context.Report(DiagnosticCatalog.ForeachNeedsMax, list, state.Name, $"capture '{code}'");
            }

            var name = each.Variable.Text;
            var taken = model.Inputs.Any(i => i.Name.Text == name) ? "the input"
                : model.Secrets.Any(s => s.Name.Text == name) ? "the secret"
                : model.Lets.Any(l => l.Name.Text == name) ? "the let"
                : model.States.Any(s => s.Syntax.Body.OfType<CaptureSyntax>().Any(c => c.Name.Text == name)) ? "a capture"
                : null;
            if (taken is not null) context.Report(DiagnosticCatalog.ForeachItemShadows, each.Variable, name, taken);
        }
    }
}
