using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;

namespace Playbook.Web.Auth;

/// <summary>Claims of a signed-in user, and the check on every request that the user is still in the directory with
/// the same roles: removing someone from the users file ends their sessions, and a role taken away is gone at once.</summary>
public static class SessionCheck
{
    public static ClaimsPrincipal Principal(ConsoleUser user)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, user.Name) };
        claims.AddRange(user.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    public static ConsoleUser? UserOf(ClaimsPrincipal principal) =>
        principal.Identity is { IsAuthenticated: true, Name: { } name }
            ? new ConsoleUser(name, principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList())
            : null;

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var directory = context.HttpContext.RequestServices.GetRequiredService<IUserDirectory>();
        var claimed = context.Principal is null ? null : UserOf(context.Principal);
        var current = claimed is null ? null : directory.Find(claimed.Name);
        if (current is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }
        if (!current.Roles.Order().SequenceEqual(claimed!.Roles.Order()))
        {
            context.ReplacePrincipal(Principal(current));
            context.ShouldRenew = true;
        }
    }
}
