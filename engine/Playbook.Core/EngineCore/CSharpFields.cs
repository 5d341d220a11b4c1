using System.Collections.Concurrent;
using System.Reflection;

namespace Playbook.EngineCore;

/// <summary>Sets one global field of a compiled C# program by name, converted as the generated
/// <see cref="ICSharpProgram.Load"/> converts it: the runtime sends only the values that changed, and a
/// generated switch over 100 000 lets would be one more giant method to compile.</summary>
internal static class CSharpFields
{
    private sealed record Field(FieldInfo Info, Func<object?, object?> Convert, object? Default);

    // One table per compiled program type (a handful per process: each playbook text compiles once).
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, Field>> Tables = new();

    /// <summary>The field of <paramref name="name"/> gets <paramref name="value"/>; a name no expression can
    /// read (no field) is ignored.</summary>
    public static void Set(ICSharpProgram program, string name, object? value)
    {
        if (For(program).TryGetValue(name, out var field)) field.Info.SetValue(program, field.Convert(value));
    }

    /// <summary>The field of a name the scope no longer holds gets its type's default, as in a full load.</summary>
    public static void Unset(ICSharpProgram program, string name)
    {
        if (For(program).TryGetValue(name, out var field)) field.Info.SetValue(program, field.Default);
    }

    private static IReadOnlyDictionary<string, Field> For(ICSharpProgram program) =>
        Tables.GetOrAdd(program.GetType(), static type =>
        {
            var fields = new Dictionary<string, Field>(StringComparer.Ordinal);
            foreach (var info in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                var t = info.FieldType;
                Func<object?, object?> convert =
                    t == typeof(string) ? x => CSharpValues.String(x)
                    : t == typeof(long) ? x => CSharpValues.Long(x)
                    : t == typeof(double) ? x => CSharpValues.Double(x)
                    : t == typeof(bool) ? x => CSharpValues.Bool(x)
                    : t == typeof(TimeSpan) ? x => CSharpValues.Duration(x)
                    : t == typeof(object) ? CSharpValues.Dynamic
                    : x => CSharpValues.Fill(Activator.CreateInstance(t)!, x);
                fields[info.Name] = new Field(info, convert, t.IsValueType ? Activator.CreateInstance(t) : null);
            }
            return fields;
        });
}
