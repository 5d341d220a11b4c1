using System.Collections;
using System.Reflection;
using System.Text;
using Playbook.Compiling;
using Playbook.Graphs;
using Playbook.Formatting;
using Playbook.Semantics;
using Playbook.Syntax;

namespace Playbook.Tests.Formatting;

/// <summary>A canonical text of a compiled playbook: every state with every public setting (retry policy,
/// timeouts, captures, guards, templates, branches, transitions with their targets), the start, the lets,
/// the cleanup. Positions are left out and states are named, not followed (they refer to each other), so
/// two files whose dumps are equal compile to the same machine.</summary>
internal static class MachineDump
{
    public static string Of(CompiledPlaybook playbook)
    {
        var sb = new StringBuilder();
        sb.Append("name=").Append(playbook.Name).Append(" rto=").Append(playbook.Rto).Append(" language=").Append(playbook.DefaultLanguage)
          .Append(" start=").Append(playbook.Start.Name).Append('\n');
        sb.Append("lets=");
        Write(sb, playbook.Lets.Select(l => (object?)new KeyValuePair<string, object?>(l.Name, l.Value)).ToList(), 0);
        sb.Append('\n');
        foreach (var state in playbook.States) WriteState(sb, state);
        if (playbook.Cleanup is { } cleanup)
        {
            sb.Append("cleanup entry=").Append(cleanup.Entry.Name).Append('\n');
            foreach (var state in cleanup.States) WriteState(sb, state);
        }
        sb.Append(GraphExport.ToDot(playbook));
        return sb.ToString();
    }

    private static void WriteState(StringBuilder sb, CompiledState state)
    {
        sb.Append("state ").Append(state.Name).Append(" {");
        foreach (var property in typeof(CompiledState).GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (property.PropertyType == typeof(StateSymbol)) continue;
            sb.Append(' ').Append(property.Name).Append('=');
            Write(sb, property.GetValue(state), 0);
        }
        sb.Append(" }\n");
    }

    private static void Write(StringBuilder sb, object? value, int depth)
    {
        if (depth > 40) throw new InvalidOperationException("value nested too deep to dump");
        switch (value)
        {
            case null: sb.Append("null"); return;
            case string s: sb.Append('"').Append(s).Append('"'); return;
            case CompiledState state: sb.Append('@').Append(state.Name); return;
            case SyntaxNode node: sb.Append(SyntaxDump.Of(node)); return;
            case CompiledExpression e: sb.Append("expr#").Append(e.Id).Append(':').Append(e.Language).Append(':').Append(e.Code); return;
            case IFormattable f when value.GetType().IsPrimitive || value is TimeSpan || value is Enum || value is decimal:
                sb.Append(f.ToString(null, System.Globalization.CultureInfo.InvariantCulture)); return;
            case bool b: sb.Append(b); return;
            case IDictionary dictionary:
                sb.Append('{');
                foreach (var key in dictionary.Keys.Cast<object>().OrderBy(k => k.ToString(), StringComparer.Ordinal))
                {
                    sb.Append(key).Append(':');
                    Write(sb, dictionary[key], depth + 1);
                    sb.Append(';');
                }
                sb.Append('}');
                return;
            case IEnumerable items:
                sb.Append('[');
                foreach (var item in items) { Write(sb, item, depth + 1); sb.Append(','); }
                sb.Append(']');
                return;
        }
        var type = value.GetType();
        sb.Append(type.Name).Append('(');
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (property.Name == "EqualityContract") continue;
            sb.Append(property.Name).Append('=');
            Write(sb, property.GetValue(value), depth + 1);
            sb.Append(' ');
        }
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            sb.Append(field.Name).Append('=');
            Write(sb, field.GetValue(value), depth + 1);
            sb.Append(' ');
        }
        sb.Append(')');
    }
}
