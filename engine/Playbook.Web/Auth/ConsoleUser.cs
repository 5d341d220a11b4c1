namespace Playbook.Web.Auth;

/// <summary>What a person may do in the console. A user has one or more; an approver and an operator can also view.</summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Approver = "approver";

    public static readonly IReadOnlyList<string> All = [Viewer, Operator, Approver];
}

/// <summary>A signed-in person: the name that goes into the journal with each answer, and their roles.</summary>
public sealed record ConsoleUser(string Name, IReadOnlyList<string> Roles);

/// <summary>Who may sign in and with what. The console only asks this: the users file implements it today, and an
/// OIDC provider (which would hand over a name and groups instead of checking a token) can replace it later.</summary>
public interface IUserDirectory
{
    /// <summary>The user whose token this is, or null (unknown, revoked, or not a token at all).</summary>
    ConsoleUser? SignIn(string token);

    /// <summary>The user by name as the directory has them now (roles may have changed, or the user been removed
    /// since the cookie was issued), or null.</summary>
    ConsoleUser? Find(string name);
}
