using System.Text.RegularExpressions;
using Playbook.Diagnostics;

namespace Playbook.Checking.Rules;

/// <summary>PB1010, PB1014: the playbook's name is kebab-case and matches its file, because <c>call NAME</c> finds NAME.playbook.</summary>
public sealed partial class PlaybookNameCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB1010", "PB1014" };

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();

    public void Check(CheckContext context)
    {
        var name = context.Model.Syntax.Name;
        if (!KebabCase().IsMatch(name.Text))
        {
            var suggestion = Regex.Replace(Regex.Replace(name.Text, "([a-z0-9])([A-Z])", "$1-$2"), "[_ ]+", "-").ToLowerInvariant();
            context.Report(DiagnosticCatalog.NotKebabCase, name, name.Text, suggestion);
        }
        var file = Path.GetFileName(context.Source.Path);
        if (file.EndsWith(".playbook", StringComparison.Ordinal) && file != name.Text + ".playbook")
        {
            context.Report(DiagnosticCatalog.PlaybookNameMismatch, name, name.Text, file);
        }
    }
}
