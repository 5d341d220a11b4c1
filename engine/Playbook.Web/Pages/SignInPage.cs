namespace Playbook.Web.Pages;

/// <summary>The only page anyone sees without a session: a token field. The token travels in the POST body,
/// never in a URL (which would land in logs and history).</summary>
public static class SignInPage
{
    public static string Render(AntiforgeryField antiforgery, string? problem, string? returnUrl)
    {
        var h = new Html();
        h.Raw("<section class=\"signin\"><h1>Sign in</h1>");
        if (problem is not null) h.Element("p", problem, "problem");
        h.Raw("<form method=\"post\" action=\"/signin\">").Raw(antiforgery.Input());
        if (returnUrl is not null) h.Raw("<input type=\"hidden\" name=\"returnUrl\" value=\"").Text(returnUrl).Raw("\">");
        h.Raw("<label for=\"token\">Access token</label><input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" required>")
            .Raw("<button type=\"submit\">Sign in</button></form>")
            .Raw("<p class=\"hint\">No token? Whoever runs the console gives you one: <code>playbook serve --add-user NAME --role viewer --users FILE</code>.</p></section>");
        return Layout.Page("Sign in", null, null, h.ToString());
    }
}
