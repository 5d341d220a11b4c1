using Playbook.Web.Auth;
using Playbook.Web.Playbooks;

namespace Playbook.Web.Pages;

/// <summary>The form that starts a run (or a rehearsal) of a library playbook: one field per typed input, filled with
/// what was typed when the server refused it, and the server's reasons above it.</summary>
public static class StartPage
{
    /// <summary>The longest value one input field takes (a value becomes one argument of the runner's command line).</summary>
    public const int MaxValue = 2000;

    public static string Render(CatalogPlaybook playbook, IReadOnlyDictionary<string, string> typed, bool rehearse, IReadOnlyList<string> problems,
        ConsoleUser user, AntiforgeryField antiforgery)
    {
        var model = playbook.Compiled.Model;
        var h = new Html();
        h.Raw("<h1>Start ").Text(playbook.Compiled.Name).Raw("</h1>").Element("p", playbook.Path, "hint");
        if (problems.Count > 0)
        {
            h.Raw("<ul class=\"problem\">");
            foreach (var p in problems) h.Element("li", p);
            h.Raw("</ul>");
        }
        h.Raw("<form method=\"post\" action=\"/playbooks/start\" class=\"start\">").Raw(antiforgery.Input())
            .Raw("<input type=\"hidden\" name=\"path\" value=\"").Text(playbook.Path).Raw("\">");
        if (model.Inputs.Count == 0) h.Element("p", "This playbook has no inputs.", "hint");
        foreach (var input in model.Inputs)
        {
            var name = input.Name.Text;
            var type = input.Type.Text;
            var id = "input-" + name;
            var value = typed.GetValueOrDefault(name) ?? "";
            var fallback = input.Default is { } d ? model.Source.Text.Substring(d.Span.Start, d.Span.Length) : null;
            h.Raw("<p class=\"field\"><label for=\"").Text(id).Raw("\">").Text(name).Raw(" <small>").Text(type).Raw("</small></label> ");
            if (type == "bool")
            {
                h.Raw("<select id=\"").Text(id).Raw("\" name=\"input.").Text(name).Raw("\">");
                if (fallback is not null) Option(h, "", $"default ({fallback})", value);
                Option(h, "true", "true", value);
                Option(h, "false", "false", value);
                h.Raw("</select>");
            }
            else
            {
                h.Raw("<input id=\"").Text(id).Raw("\" name=\"input.").Text(name).Raw("\" value=\"").Text(value).Raw("\" maxlength=\"").Raw(MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Raw("\" autocomplete=\"off\" placeholder=\"").Text(fallback is null ? "required" : "default: " + fallback).Raw("\"")
                    .Raw(fallback is null ? " required" : "").Raw(">");
            }
            h.Raw(" ").Element("small", Looks(type), "hint").Raw("</p>");
        }
        if (model.Secrets.Count > 0)
            h.Element("p", "Secrets come from the console's own environment, never from this form: " + string.Join(", ", model.Secrets.Select(s => s.Name.Text)) + ".", "hint");
        h.Raw("<p class=\"field\"><label><input type=\"checkbox\" name=\"rehearse\" value=\"true\"").Raw(rehearse ? " checked" : "")
            .Raw("> Rehearse: run only the readonly steps for real and simulate the others (<code>--rehearse</code>)</label></p>")
            .Raw("<button type=\"submit\" class=\"start\">Start</button></form>")
            .Element("p", $"The run is started as 'playbook run' in this console's directory, journaled with you ({user.Name}) as the person who started it; the page then follows it.", "hint");
        return Layout.Page("Start " + playbook.Compiled.Name, user, antiforgery, h.ToString());
    }

    private static void Option(Html h, string value, string label, string selected) =>
        h.Raw("<option value=\"").Text(value).Raw("\"").Raw(value == selected ? " selected" : "").Raw(">").Text(label).Raw("</option>");

    /// <summary>What a value of an input type looks like (the server checks it as <c>--input</c> does).</summary>
    private static string Looks(string type) => type switch
    {
        "int" => "a whole number",
        "number" => "a number",
        "bool" => "true or false",
        "duration" => "a duration like 30s or 5m",
        "list" => "a list like a,b,c",
        _ => "text",
    };
}
