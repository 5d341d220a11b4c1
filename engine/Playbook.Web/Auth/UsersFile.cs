using System.Text;
using Playbook.Journal;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Playbook.Web.Auth;

/// <summary>One entry of the users file: a name, roles, and the SHA-256 of the person's token (never the token).</summary>
public sealed record UserEntry(string Name, IReadOnlyList<string> Roles, string TokenSha256);

/// <summary>The users file (<c>--users users.yaml</c>) as the console reads it:
/// <code>
/// users:
///   - name: alice
///     roles: [approver]
///     token_sha256: 3f…
/// </code>
/// It is read again when it changes on disk, so adding or removing a user needs no restart, and a removed
/// user's open sessions end at their next request.</summary>
public sealed class UsersFile : IUserDirectory
{
    private readonly string _path;
    private readonly Lock _gate = new();
    private DateTime _readAt;
    private IReadOnlyList<UserEntry> _users = [];

    private UsersFile(string path) => _path = path;

    /// <summary>Opens the file and reads it once; a file that cannot be read or is not as above throws
    /// <see cref="UsersFileException"/> with one line for the user.</summary>
    public static UsersFile Open(string path)
    {
        var file = new UsersFile(path);
        file.Current();
        return file;
    }

    public ConsoleUser? SignIn(string token)
    {
        if (!token.StartsWith(AccessTokens.Prefix, StringComparison.Ordinal) || token.Length > 200) return null;
        // Every entry is compared (constant time each) so the time taken does not say which one matched.
        UserEntry? found = null;
        foreach (var user in Current())
            if (AccessTokens.Matches(token, user.TokenSha256)) found ??= user;
        return found is null ? null : new ConsoleUser(found.Name, found.Roles);
    }

    public ConsoleUser? Find(string name) =>
        Current().FirstOrDefault(u => u.Name == name) is { } user ? new ConsoleUser(user.Name, user.Roles) : null;

    private IReadOnlyList<UserEntry> Current()
    {
        lock (_gate)
        {
            var at = File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : DateTime.MinValue;
            if (at != _readAt || _readAt == default)
            {
                _users = Read(_path);
                _readAt = at;
            }
            return _users;
        }
    }

    /// <summary>The entries in <paramref name="path"/>; a missing file is an error (a console nobody can sign in to is no use).</summary>
    public static IReadOnlyList<UserEntry> Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsersFileException($"{path}: cannot be read: {e.Message}");
        }
        return Parse(path, text);
    }

    public static IReadOnlyList<UserEntry> Parse(string path, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new UsersFileException($"{path}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.Message}");
        }
        if (stream.Documents.Count == 0) return [];
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new UsersFileException($"{path}: expected a mapping with a 'users' list");
        if (!root.Children.TryGetValue(new YamlScalarNode("users"), out var list) || list is YamlScalarNode { Value: null or "" }) return [];
        if (list is not YamlSequenceNode users) throw new UsersFileException($"{path}:{list.Start.Line}: 'users' must be a list");
        var entries = new List<UserEntry>();
        foreach (var node in users)
        {
            var where = $"{path}:{node.Start.Line}";
            if (node is not YamlMappingNode user) throw new UsersFileException($"{where}: each user is a mapping with name, roles and token_sha256");
            string Scalar(string key) =>
                user.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode { Value: { Length: > 0 } s } ? s
                    : throw new UsersFileException($"{where}: the user has no '{key}'");
            var name = Scalar("name");
            var hash = Scalar("token_sha256");
            if (hash.Length != 64 || !hash.All(Uri.IsHexDigit))
                throw new UsersFileException($"{where}: token_sha256 of '{name}' is not a SHA-256 in hex (64 digits)");
            var roles = user.Children.TryGetValue(new YamlScalarNode("roles"), out var r) && r is YamlSequenceNode seq
                ? seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList()
                : throw new UsersFileException($"{where}: the user '{name}' has no 'roles' list");
            foreach (var role in roles.Where(x => !Roles.All.Contains(x)))
                throw new UsersFileException($"{where}: unknown role '{role}' for '{name}' (roles are {string.Join(", ", Roles.All)})");
            if (entries.Any(e => e.Name == name)) throw new UsersFileException($"{where}: the user '{name}' is listed twice");
            entries.Add(new UserEntry(name, roles, hash.ToLowerInvariant()));
        }
        return entries;
    }

    /// <summary>Adds (or replaces the token and roles of) <paramref name="name"/> and returns the new token, which is
    /// shown once and never stored. The file is private (0600): it says who may approve.</summary>
    public static string AddUser(string path, string name, IReadOnlyList<string> roles)
    {
        if (name.Length == 0 || name.Length > 64 || !char.IsAsciiLetterOrDigit(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@'))
            throw new UsersFileException($"user name '{name}' must be 1 to 64 letters, digits, '-', '_', '.' or '@', starting with a letter or digit");
        foreach (var role in roles.Where(x => !Roles.All.Contains(x)))
            throw new UsersFileException($"unknown role '{role}' (roles are {string.Join(", ", Roles.All)})");
        var users = File.Exists(path) ? Read(path).Where(u => u.Name != name).ToList() : [];
        var token = AccessTokens.New();
        users.Add(new UserEntry(name, roles, AccessTokens.Hash(token)));
        var text = new StringBuilder("# playbook serve users: tokens are kept as SHA-256 hashes; `playbook serve --add-user` prints a new one once.\nusers:\n");
        foreach (var u in users)
            text.Append("  - name: ").Append(u.Name).Append("\n    roles: [").Append(string.Join(", ", u.Roles)).Append("]\n    token_sha256: ").Append(u.TokenSha256).Append('\n');
        PrivateFiles.WriteAllText(path, text.ToString());
        return token;
    }
}

/// <summary>The users file is not usable; the message is one line for the person who started the console.</summary>
public sealed class UsersFileException(string message) : Exception(message);
