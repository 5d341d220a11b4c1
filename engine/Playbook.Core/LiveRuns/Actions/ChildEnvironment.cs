namespace Playbook.LiveRuns.Actions;

/// <summary>The environment a child process of a run gets: the runner's own, without any
/// <c>PLAYBOOK_SECRET_*</c> variable it inherited, and then the variables the action itself sets (the
/// secrets its playbook declares, its holes). A step therefore sees only the secrets its playbook names,
/// never every secret the operator happened to export.</summary>
internal static class ChildEnvironment
{
    public static void Apply(IDictionary<string, string?> environment, IReadOnlyDictionary<string, string> own)
    {
        foreach (var name in environment.Keys.Where(IsSecret).ToList()) environment.Remove(name);
        // BASH_ENV names a file bash would run before every step, even with --norc: not what the playbook says.
        environment.Remove("BASH_ENV");
        foreach (var (name, value) in own) environment[name] = value;
    }

    public static bool IsSecret(string variable) => variable.StartsWith(ShellScript.SecretPrefix, StringComparison.Ordinal);

    /// <summary>The value of every non-empty <c>PLAYBOOK_SECRET_*</c> variable of this process, by variable name:
    /// all of them are redacted, declared or not.</summary>
    public static IReadOnlyDictionary<string, string> InheritedSecrets()
    {
        var found = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is string name && IsSecret(name) && e.Value is string { Length: > 0 } value) found[name] = value;
        }
        return found;
    }
}
