using System.Runtime.CompilerServices;
using Playbook.Compiling;

namespace Playbook.EngineCore;

/// <summary>A playbook's lets split once per playbook: those whose value is written out (<c>let x = 1</c>,
/// <c>let l = [1, 2]</c>) are one table shared by every run and every engine (the run's scope reads it
/// beneath its own values), and only the lets computed from an expression or a template are set by each run.
/// A playbook of 100 000 constant lets otherwise set each of them in every run of <c>simulate --runs</c>
/// and in every scenario of <c>test</c>.</summary>
internal sealed class LetConstants
{
    private static readonly ConditionalWeakTable<CompiledPlaybook, LetConstants> Table = new();

    private LetConstants(CompiledPlaybook playbook)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        var computed = new List<(string Name, object? Value)>();
        foreach (var let in playbook.Lets)
        {
            if (let.Value is CompiledExpression or CompiledTemplate) computed.Add(let);
            // A name given twice is an error the checker reports; the later let wins, as when each was set in turn.
            else values[let.Name] = let.Value;
        }
        Values = values;
        Computed = computed;
    }

    /// <summary>The lets whose value is written out, by name.</summary>
    public IReadOnlyDictionary<string, object?> Values { get; }

    /// <summary>The lets each run evaluates, in order: a <see cref="CompiledExpression"/> or a <see cref="CompiledTemplate"/>.</summary>
    public IReadOnlyList<(string Name, object? Value)> Computed { get; }

    public static LetConstants For(CompiledPlaybook playbook) => Table.GetValue(playbook, static p => new LetConstants(p));
}
