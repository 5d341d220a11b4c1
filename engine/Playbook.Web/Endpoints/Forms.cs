using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Playbook.Web.Pages;

namespace Playbook.Web.Endpoints;

/// <summary>Antiforgery for the console's forms: every page with a form carries a request token, and every POST is
/// checked against it (and its cookie) before it does anything.</summary>
internal static class Forms
{
    public static AntiforgeryField Token(HttpContext context)
    {
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        var tokens = antiforgery.GetAndStoreTokens(context);
        return new AntiforgeryField(tokens.FormFieldName, tokens.RequestToken ?? "");
    }

    /// <summary>The posted form, or null when it is not a form or its antiforgery token is missing or wrong.</summary>
    public static async Task<IFormCollection?> ReadCheckedAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType) return null;
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        if (!await antiforgery.IsRequestValidAsync(context)) return null;
        return await context.Request.ReadFormAsync(context.RequestAborted);
    }

    public static IResult Page(string html, int status = StatusCodes.Status200OK) =>
        Results.Content(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);

    public static IResult Forged() =>
        Results.Text("playbook: the form's antiforgery token is missing or wrong: reload the page and try again\n", "text/plain; charset=utf-8", null, StatusCodes.Status400BadRequest);
}
