using Playbook.Compiling;

namespace Playbook.EngineCore;

/// <summary>The name of a run's lock: the playbook's <c>lock "…"</c> rendered from the run's inputs alone (the checker
/// proved its holes read nothing else, PB2021), with the same runtime as every other expression, before the run's
/// first record.</summary>
public static class LockName
{
    /// <summary>The rendered name; null without a <c>lock</c>. <see cref="ExpressionFailedException"/> when a hole fails.</summary>
    public static string? Render(CompiledPlaybook playbook, IReadOnlyDictionary<string, object?> values)
    {
        if (playbook.Lock is not { } template) return null;
        var scope = new RunScope(new ExpressionRuntime(playbook));
        // Inputs only: secrets are bound in the same table, and must never reach a name the team sees.
        foreach (var input in playbook.Model.Inputs)
        {
            if (values.TryGetValue(input.Name.Text, out var value)) scope.Set(input.Name.Text, value);
        }
        return scope.Render(template);
    }
}
