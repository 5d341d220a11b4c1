using System.Text;

namespace Playbook.Text;

/// <summary>A path as printed at the start of a <c>FILE:LINE:COL:</c> line. A file name may hold a line break
/// or another control character; printed raw it would split the line (and fake a second diagnostic for
/// anything that reads the output line by line), so such characters are written escaped: <c>\n</c>, <c>\r</c>,
/// <c>\t</c>, <c>\\</c> for a backslash next to them, and <c>\u{…}</c> for the others.</summary>
public static class DisplayPath
{
    public static string Escape(string path)
    {
        if (!path.Any(char.IsControl)) return path;
        var sb = new StringBuilder(path.Length + 8);
        foreach (var c in path)
        {
            switch (c)
            {
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\\': sb.Append("\\\\"); break;
                default:
                    if (char.IsControl(c)) sb.Append("\\u{").Append(((int)c).ToString("X", System.Globalization.CultureInfo.InvariantCulture)).Append('}');
                    else sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }
}
