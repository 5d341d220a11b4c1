using System.Text.RegularExpressions;
using Playbook.Semantics;
using Playbook.Syntax;

namespace Playbook.Checking;

/// <summary>What the checker can prove about the type of a <c>${…}</c> hole's value without running
/// anything: a hole that only names an input, a typed capture or a let with a literal value has that
/// type; a number or true/false written in the hole is one. Anything else is unproven (null).</summary>
public static partial class ValueTypes
{
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^-?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^-?[0-9]+\.[0-9]+$")]
    private static partial Regex Decimal();

    public static string? TypeOf(PlaybookModel model, ExpressionSyntax hole)
    {
        var code = hole.Code.Trim();
        if (Integer().IsMatch(code)) return "int";
        if (Decimal().IsMatch(code)) return "number";
        if (code is "true" or "false") return "bool";
        if (!Identifier().IsMatch(code)) return null;
        if (model.Inputs.FirstOrDefault(i => i.Name.Text == code) is { } input) return input.Type.Text;
        if (model.Lets.FirstOrDefault(l => l.Name.Text == code) is { } let)
        {
            return let.Value switch
            {
                NumberSyntax n => n.IsInteger ? "int" : "number",
                BoolSyntax => "bool",
                DurationSyntax => "duration",
                ListSyntax => "list",
                _ => null,
            };
        }
        // A capture: every state that captures the name must declare the same type.
        string? type = null;
        var found = false;
        foreach (var state in model.States)
        {
            foreach (var clause in state.Syntax.Body)
            {
                if (clause is not CaptureSyntax c || c.Name.Text != code) continue;
                if (c.Type is null || found && type != c.Type.Text) return null;
                type = c.Type.Text;
                found = true;
            }
        }
        return type;
    }

    /// <summary>How the message describes an unproven value: "the string input 'svc'", "'x', which is not proven a number"…</summary>
    public static string Describe(PlaybookModel model, ExpressionSyntax hole, string? type)
    {
        var code = hole.Code.Trim();
        if (model.Inputs.Any(i => i.Name.Text == code)) return $"input '{code}' of type {type}";
        if (model.Lets.Any(l => l.Name.Text == code)) return type is null ? $"let '{code}', whose value is not a literal number," : $"let '{code}' ({type})";
        if (model.Secrets.Any(s => s.Name.Text == code)) return $"secret '{code}'";
        if (Identifier().IsMatch(code)) return type is null ? $"capture '{code}', which has no number type," : $"capture '{code}' ({type})";
        return type is null ? "a computed value" : $"a value of type {type}";
    }
}
