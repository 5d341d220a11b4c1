using Playbook.Web.Auth;

namespace Playbook.Web.Pages;

/// <summary>The frame of every page: the style sheet and script from the console itself (no inline script: the
/// policy forbids it), the navigation, who is signed in, and a sign-out form that carries the antiforgery token.</summary>
public static class Layout
{
    public static string Page(string title, ConsoleUser? user, AntiforgeryField? antiforgery, string body)
    {
        var h = new Html();
        h.Raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Raw("<title>").Text(title).Raw(" · playbook</title>")
            .Raw("<link rel=\"stylesheet\" href=\"/assets/console.css\"><script src=\"/assets/console.js\" defer></script></head><body>");
        h.Raw("<header><a class=\"brand\" href=\"/\">playbook</a>");
        if (user is not null)
        {
            h.Raw("<nav><a href=\"/\">Runs</a><a href=\"/playbooks\">Playbooks</a></nav><span class=\"who\">")
                .Text(user.Name).Raw(" <small>").Text(string.Join(", ", user.Roles)).Raw("</small></span>");
            if (antiforgery is not null)
                h.Raw("<form method=\"post\" action=\"/signout\" class=\"signout\">").Raw(antiforgery.Input()).Raw("<button type=\"submit\">Sign out</button></form>");
        }
        h.Raw("</header><main>").Raw(body).Raw("</main></body></html>\n");
        return h.ToString();
    }
}

/// <summary>The hidden form field that carries the antiforgery request token.</summary>
public sealed record AntiforgeryField(string Name, string Token)
{
    public string Input() => $"<input type=\"hidden\" name=\"{Html.Escape(Name)}\" value=\"{Html.Escape(Token)}\">";
}
