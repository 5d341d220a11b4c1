using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Playbook.Web.Auth;
using Playbook.Web.Pages;

namespace Playbook.Web.Endpoints;

/// <summary>Sign in with a token (rate-limited per client address), sign out.</summary>
internal static class SignInEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/signin", (HttpContext context, string? returnUrl) =>
            Forms.Page(SignInPage.Render(Forms.Token(context), null, LocalOnly(returnUrl)))).AllowAnonymous();

        endpoints.MapPost("/signin", async (HttpContext context, IUserDirectory users) =>
        {
            var form = await Forms.ReadCheckedAsync(context);
            if (form is null) return Forms.Forged();
            var returnUrl = LocalOnly(form["returnUrl"].ToString());
            var user = users.SignIn(form["token"].ToString().Trim());
            if (user is null)
                return Forms.Page(SignInPage.Render(Forms.Token(context), "That token is not valid.", returnUrl), StatusCodes.Status401Unauthorized);
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, SessionCheck.Principal(user));
            return Results.Redirect(returnUrl ?? "/", permanent: false, preserveMethod: false);
        }).AllowAnonymous().RequireRateLimiting(WebConsole.SignInLimit);

        endpoints.MapPost("/signout", async (HttpContext context) =>
        {
            if (await Forms.ReadCheckedAsync(context) is null) return Forms.Forged();
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/signin");
        });
    }

    /// <summary>Only a path on this console: an absolute URL (or //host) in returnUrl would make the sign-in an open redirect.</summary>
    private static string? LocalOnly(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : null;
}
