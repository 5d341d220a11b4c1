using Playbook.Diagnostics;
using Playbook.Parsing;
using Playbook.Semantics;

namespace Playbook.Checking;

/// <summary>Runs every registered check over a parsed playbook.</summary>
public static class PlaybookChecker
{
    public static IReadOnlyList<Diagnostic> Check(PlaybookModel model, IPlaybookResolver? resolver)
    {
        var context = new CheckContext(model, resolver);
        foreach (var check in CheckRegistry.All)
        {
            check.Check(context);
        }
        return context.Diagnostics.ToList();
    }

    /// <summary>Parse diagnostics followed by check diagnostics. Checks run even when the parse had
    /// errors (on the tree it recovered), so one validate shows as much as it can.</summary>
    public static IReadOnlyList<Diagnostic> Check(ParseResult parse, IPlaybookResolver? resolver)
    {
        if (parse.Syntax is null) return parse.Diagnostics;
        var model = PlaybookModel.Build(parse.Source, parse.Syntax);
        return parse.Diagnostics.Concat(Check(model, resolver)).ToList();
    }
}
