using System.Globalization;
using Playbook.Compiling;
using Playbook.Syntax;
using Playbook.Text;

namespace Playbook.EngineCore;

/// <summary>Turns <c>--input name=value</c> strings into typed values, fills defaults, and reads secrets.
/// Problems come back as messages (an unknown input, a value of the wrong type, a missing one).</summary>
public static class RunParameters
{
    public static (Dictionary<string, object?> Values, List<string> Errors) Bind(
        CompiledPlaybook playbook,
        IReadOnlyDictionary<string, string> given,
        Func<string, string?> secret)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        var errors = new List<string>();
        var inputs = playbook.Model.Inputs;
        // A caller's 'with' binds a callee's inputs on every call of a Monte Carlo run: look names up in the
        // (short) input list rather than building a dictionary of it each time.
        foreach (var name in given.Keys)
        {
            if (HasInput(inputs, name)) continue;
            var hint = Spelling.Suggest(name, inputs.Select(i => i.Name.Text)) is { } s ? $" (did you mean '{s}'?)" : "";
            errors.Add($"playbook '{playbook.Name}' has no input '{name}'{hint}");
        }
        foreach (var input in playbook.Model.Inputs)
        {
            var name = input.Name.Text;
            if (given.TryGetValue(name, out var text))
            {
                if (TryConvert(input.Type.Text, text, out var value)) values[name] = value;
                else errors.Add($"input '{name}' is {input.Type.Text}: '{text}' is not {Describe(input.Type.Text)}");
            }
            else if (input.Default is { } d)
            {
                values[name] = Values.FromSyntax(d);
            }
            else
            {
                errors.Add($"input '{name}' has no default: pass --input {name}=…");
            }
        }
        foreach (var s in playbook.Model.Secrets)
        {
            var value = secret(s.Name.Text);
            if (value is null) errors.Add($"secret '{s.Name.Text}' is not set: export {LiveRuns.Actions.ShellScript.SecretVariable(s.Name.Text)}");
            else values[s.Name.Text] = value;
        }
        return (values, errors);
    }

    private static bool HasInput(List<InputSyntax> inputs, string name)
    {
        foreach (var i in inputs)
        {
            if (i.Name.Text == name) return true;
        }
        return false;
    }

    /// <summary>Typed values given as plain objects (a scenario's YAML, a caller's 'with'), converted the same way.</summary>
    public static (Dictionary<string, object?> Values, List<string> Errors) BindObjects(
        CompiledPlaybook playbook, IReadOnlyDictionary<string, object?> given, Func<string, string?> secret) =>
        Bind(playbook, given.ToDictionary(g => g.Key, g => g.Value is System.Collections.IList list ? ListValues.Format(list) : RunScope.Display(g.Value), StringComparer.Ordinal), secret);

    public static bool TryConvert(string type, string text, out object? value)
    {
        value = null;
        switch (type)
        {
            case "int":
                if (!long.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return false;
                value = l;
                return true;
            case "number":
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d)) return false;
                value = d;
                return true;
            case "bool":
                if (text is not ("true" or "false")) return false;
                value = text == "true";
                return true;
            case "duration":
                if (!DurationText.TryParse(text, out var t)) return false;
                value = t;
                return true;
            case "list":
                if (!ListValues.TryParse(text, out var items, out _)) return false;
                value = items;
                return true;
            default:
                value = text;
                return true;
        }
    }

    /// <summary>What a value of an input type looks like, for messages ("a whole number").</summary>
    internal static string Describe(string type) => type switch
    {
        "int" => "a whole number",
        "number" => "a number",
        "bool" => "true or false",
        "duration" => "a duration like 30s or 5m",
        "list" => "a list like a,b,c or [\"a\", \"b\"] (strings and numbers)",
        _ => "text",
    };
}
