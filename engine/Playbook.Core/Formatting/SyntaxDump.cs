using System.Collections;
using System.Reflection;
using System.Text;
using Playbook.Syntax;
using Playbook.Text;

namespace Playbook.Formatting;

/// <summary>A text dump of a syntax tree without positions: two files whose dumps are equal say the same
/// thing, whatever their layout. The formatter compares the dumps of a file before and after it lays it
/// out, and refuses to write a result that would change a playbook's meaning.</summary>
internal static class SyntaxDump
{
    public static string Of(SyntaxNode node)
    {
        var sb = new StringBuilder();
        Write(sb, node, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value, int depth)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                return;
            case string s:
                sb.Append('"').Append(s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('"');
                return;
            case SyntaxNode node:
                WriteNode(sb, node, depth);
                return;
            case IEnumerable items:
                sb.Append('[');
                var first = true;
                foreach (var item in items)
                {
                    if (!first) sb.Append(", ");
                    Write(sb, item, depth + 1);
                    first = false;
                }
                sb.Append(']');
                return;
            case IFormattable formattable:
                sb.Append(formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture));
                return;
            default:
                sb.Append(value);
                return;
        }
    }

    /// <summary>A record node by the parameters of its constructor (its own data, not the properties computed
    /// from it), spans left out.</summary>
    private static void WriteNode(StringBuilder sb, SyntaxNode node, int depth)
    {
        var type = node.GetType();
        sb.Append(type.Name).Append('(');
        var first = true;
        foreach (var parameter in PrimaryParameters(type))
        {
            if (parameter.ParameterType == typeof(TextSpan)) continue;
            var property = type.GetProperty(parameter.Name!, BindingFlags.Public | BindingFlags.Instance)
                ?? throw new InvalidOperationException($"{type.Name} has no property {parameter.Name}");
            if (!first) sb.Append(", ");
            sb.Append(parameter.Name).Append('=');
            var value = property.GetValue(node);
            // A default ImmutableArray cannot be enumerated: it stands for an empty list.
            if (value is IEnumerable and not string && value.GetType().GetProperty("IsDefault")?.GetValue(value) is true) value = Array.Empty<object>();
            Write(sb, value, depth + 1);
            first = false;
        }
        sb.Append(')');
    }

    private static ParameterInfo[] PrimaryParameters(Type type) =>
        type.GetConstructors(BindingFlags.Public | BindingFlags.Instance)
            .Where(c => c.GetParameters().All(p => p.ParameterType != type))
            .OrderByDescending(c => c.GetParameters().Length)
            .First()
            .GetParameters();
}
