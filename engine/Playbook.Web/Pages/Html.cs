using System.Text;

namespace Playbook.Web.Pages;

/// <summary>Builds a page. Every value goes through <see cref="Text"/> (escaped for an element or a quoted attribute:
/// &amp; &lt; &gt; " ' and the backtick), so data from runs and playbooks never becomes markup. Only the program's own
/// SVG drawings, escaped where they were drawn, go through <see cref="Raw"/>.</summary>
public sealed class Html
{
    private readonly StringBuilder _sb = new();

    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                '`' => "&#96;",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    /// <summary>Markup written by the program itself (tags, attribute names): never data.</summary>
    public Html Raw(string markup)
    {
        _sb.Append(markup);
        return this;
    }

    /// <summary>A value: escaped.</summary>
    public Html Text(string? value)
    {
        _sb.Append(Escape(value));
        return this;
    }

    /// <summary><c>&lt;tag class="…"&gt;value&lt;/tag&gt;</c> with the value escaped.</summary>
    public Html Element(string tag, string? value, string? cssClass = null)
    {
        _sb.Append('<').Append(tag);
        if (cssClass is not null) _sb.Append(" class=\"").Append(Escape(cssClass)).Append('"');
        _sb.Append('>').Append(Escape(value)).Append("</").Append(tag).Append('>');
        return this;
    }

    public override string ToString() => _sb.ToString();
}
