using System.Collections;
using System.Globalization;
using Playbook.Compiling;
using Playbook.Text;

namespace Playbook.EngineCore;

/// <summary>The types a capture may declare (<c>capture n : int = `…`</c>) and how a value is checked
/// against one. A value is accepted when it is of the type, or is text that spells a value of it exactly
/// ("42" for an int, "true" for a bool, "30s" for a duration): what is kept is then the typed value, so a
/// capture of a safe type only ever holds a number, a boolean or a duration.</summary>
public static class CaptureTypes
{
    public static readonly string[] Names = { "string", "int", "number", "bool", "duration", "list" };

    public static bool TryConvert(string type, object? value, out object? converted)
    {
        converted = null;
        switch (type, value)
        {
            case ("string", string s):
                converted = s;
                return true;
            case ("int", long or int):
                converted = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                return true;
            case ("int", double d) when double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 9e15:
                converted = (long)d;
                return true;
            case ("int", string s) when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                converted = l;
                return true;
            case ("number", long or int or double):
                var n = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (!double.IsFinite(n)) return false;
                converted = value is double ? n : Convert.ToInt64(value, CultureInfo.InvariantCulture);
                return true;
            case ("number", string s) when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed):
                converted = parsed;
                return true;
            case ("bool", bool b):
                converted = b;
                return true;
            case ("bool", string s) when s.Trim() is "true" or "false":
                converted = s.Trim() == "true";
                return true;
            case ("duration", TimeSpan t):
                converted = t;
                return true;
            case ("duration", string s) when DurationText.TryParse(s.Trim(), out var parsedDuration):
                converted = parsedDuration;
                return true;
            case ("list", IList):
                converted = value;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Why a value was refused, for the step's note (the run redacts secrets in notes).</summary>
    public static string Mismatch(CompiledCapture capture, object? value) =>
        $"capture '{capture.Name}' : {capture.Type} got {Describe(value)}, which is not {Expected(capture.Type!)}: the step fails and the value is not kept";

    public static string Expected(string type) => type switch
    {
        "string" => "text",
        "int" => "a whole number",
        "number" => "a number",
        "bool" => "true or false",
        "duration" => "a duration (like 30s)",
        _ => "a list",
    };

    private static string Describe(object? value)
    {
        if (value is null) return "null";
        var text = value switch
        {
            string s => "\"" + s + "\"",
            IDictionary => "an object",
            IList => "a list",
            _ => RunScope.Display(value),
        };
        return text.Length <= 60 ? text : text[..60] + "…";
    }
}
