using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Playbook.EngineCore;

namespace Playbook.Simulation.Scenarios;

/// <summary>How scenario values are read from YAML scalars and shown in reports.</summary>
public static partial class ScenarioValues
{
    /// <summary>A plain (unquoted) YAML scalar as a value, by the YAML 1.2 core schema: null, true/false,
    /// a whole number (long), a number (double), else text. Quoted scalars are always text.</summary>
    public static object? FromPlainScalar(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return true;
            case "false" or "False" or "FALSE": return false;
        }
        if (IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) return d;
        return text;
    }

    /// <summary>A value as the reports show it and as expected captures are compared: scalars as the
    /// run displays them (numbers invariant, booleans lower case), null as <c>null</c>, lists and maps
    /// in YAML flow form (<c>[a, b]</c>, <c>{k: v}</c>).</summary>
    public static string Display(object? value)
    {
        var sb = new StringBuilder();
        Append(sb, value, 0);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, object? value, int depth)
    {
        if (depth > 16)
        {
            sb.Append('…');
            return;
        }
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case string s:
                sb.Append(s);
                break;
            case IDictionary<string, object?> map:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in map)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    sb.Append(k).Append(": ");
                    Append(sb, v, depth + 1);
                }
                sb.Append('}');
                break;
            case IList list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Append(sb, list[i], depth + 1);
                }
                sb.Append(']');
                break;
            default:
                sb.Append(RunScope.Display(value));
                break;
        }
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();
}
