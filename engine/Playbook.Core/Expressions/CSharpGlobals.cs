using Playbook.Semantics;
using Playbook.Syntax;

namespace Playbook.Expressions;

/// <summary>The typed names C# expressions see: the same model for checking and for running.</summary>
public static class CSharpGlobals
{
    /// <summary>What a step's or a wait's own expressions (capture, expect, when, until) can read about its action.</summary>
    public static readonly IReadOnlyDictionary<string, string> ResultNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["stdout"] = "string",
        ["stderr"] = "string",
        ["exit_code"] = "long",
        ["response"] = "Response",
        ["result"] = "dynamic",
    };

    public static List<CSharpGlobal> For(PlaybookModel model)
    {
        var globals = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var i in model.Inputs)
        {
            globals[i.Name.Text] = i.Type.Text switch
            {
                "int" => "long",
                "number" => "double",
                "bool" => "bool",
                "duration" => "System.TimeSpan",
                "list" => "dynamic",
                _ => "string",
            };
        }
        foreach (var s in model.Secrets) globals[s.Name.Text] = "string";
        foreach (var l in model.Lets)
        {
            globals[l.Name.Text] = l.Value switch
            {
                StringSyntax => "string",
                NumberSyntax { IsInteger: true } => "long",
                NumberSyntax => "double",
                BoolSyntax => "bool",
                DurationSyntax => "System.TimeSpan",
                _ => "dynamic",
            };
        }
        foreach (var state in model.States)
            foreach (var c in state.Syntax.Body.OfType<CaptureSyntax>()) globals.TryAdd(c.Name.Text, "dynamic");
        // A foreach's item and its results: dynamic like captures (the checker says where each is readable).
        foreach (var state in model.States)
        {
            if (state.Syntax is not ForeachSyntax loop) continue;
            if (loop.Each is { } each) globals.TryAdd(each.Variable.Text, "dynamic");
            globals.TryAdd(ForeachScope.ResultsName(state.Name), "dynamic");
        }
        foreach (var (name, type) in ResultNames) globals.TryAdd(name, type);
        // Read only in the cleanup (the checker says so elsewhere); a map at run time, so dynamic here.
        if (model.Cleanup is not null) globals.TryAdd(RunValues.Name, "dynamic");
        return globals.Where(g => !g.Key.Contains('-')).Select(g => new CSharpGlobal(g.Key, g.Value)).ToList();
    }
}
