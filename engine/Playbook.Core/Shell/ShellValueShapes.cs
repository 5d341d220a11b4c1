using System.Text.RegularExpressions;

namespace Playbook.Shell;

/// <summary>The shapes of value a run lets into a hole that bash (or a nested shell) reads again: the text
/// forms of the types the checker accepts there. Checked again at run time, as defence in depth: a value
/// of another shape never reaches the command.</summary>
public static partial class ShellValueShapes
{
    /// <summary>The types whose values are safe where a shell reads a value again (not in arithmetic).</summary>
    public static readonly string[] SafeTypes = { "int", "number", "bool", "duration" };

    /// <summary>The types whose values are safe in arithmetic.</summary>
    public static readonly string[] NumberTypes = { "int", "number" };

    [GeneratedRegex(@"^[+-]?([0-9]+(\.[0-9]+)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")]
    private static partial Regex Number();

    // A duration as a run shows it (TimeSpan's invariant form) or as written (30s, 1h30m).
    [GeneratedRegex(@"^(-?([0-9]+\.)?[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?|([0-9]+(ms|s|m|h|d))+)$")]
    private static partial Regex Duration();

    public static bool IsPlainNumber(string value) => Number().IsMatch(value);

    /// <summary>A number, true/false or a duration: nothing a shell can read as more than one plain word.</summary>
    public static bool IsPlainValue(string value) => IsPlainNumber(value) || value is "true" or "false" || Duration().IsMatch(value);

    /// <summary>Whether <paramref name="value"/> may stand in a hole of this context.</summary>
    public static bool Allows(ShellHoleContext context, string value) =>
        context.Danger == ShellDanger.None || (context.NeedsNumber ? IsPlainNumber(value) : IsPlainValue(value));
}
