namespace Playbook.RunStores;

/// <summary>Opens the store a command was pointed at: <c>--store URL</c>, else <c>PLAYBOOK_STORE</c>, else the
/// journal directory (the file store).</summary>
public static class RunStore
{
    public const string Variable = "PLAYBOOK_STORE";

    /// <summary>The store's URL as given (option, then environment), or null for the file store.</summary>
    public static string? Url(string? option) =>
        option is { Length: > 0 } ? option : Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } env ? env : null;

    /// <summary>The store, or null and why (one line, never a password).</summary>
    public static IRunStore? Open(string? url, string journalDirectory, out string? problem)
    {
        problem = null;
        if (url is null) return new FileRunStore(journalDirectory);
        if (!PostgresLocation.IsPostgres(url))
        {
            problem = $"--store: '{Shown(url)}' is not a store: give postgres://USER@HOST[:PORT]/DATABASE (or leave it out for the journal directory)";
            return null;
        }
        var location = PostgresLocation.Parse(url, out var why);
        if (location is null)
        {
            problem = $"--store: {why}";
            return null;
        }
        try
        {
            return PostgresRunStore.Open(location, journalDirectory);
        }
        catch (RunStoreException e)
        {
            problem = $"cannot use the store {e.Message}";
            return null;
        }
    }

    /// <summary>A URL as a message may show it: without what follows a ':' in its user part (a password).</summary>
    public static string Shown(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var at = url.LastIndexOf('@');
        if (scheme < 0 || at < scheme) return url;
        var user = url[(scheme + 3)..at];
        var colon = user.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? url : url[..(scheme + 3)] + user[..colon] + ":***" + url[at..];
    }
}
