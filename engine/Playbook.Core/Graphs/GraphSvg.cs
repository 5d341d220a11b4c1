using System.Globalization;
using System.Text;
using Microsoft.Msagl.Core.Geometry;
using Playbook.Compiling;

namespace Playbook.Graphs;

/// <summary>The state machine as one self-contained SVG (<c>playbook graph --format svg</c>, and the HTML report's
/// inline picture): laid out here by MSAGL (<see cref="SvgLayout"/>), no script, no style sheet, no link, no
/// external font; every text from the playbook XML-escaped; one font family; the node kinds of the DOT output
/// (rounded steps, diamond decides, hexagon waits, parallelogram manual steps, 3-d parallels, folder-shaped
/// collapsed bodies, green double-bordered success ends, red octagon failure ends).</summary>
public static class GraphSvg
{
    /// <summary>The font family of every text in the picture.</summary>
    public const string FontFamily = "Helvetica, Arial, sans-serif";

    /// <summary>The widest the picture is shown, in px: page width.</summary>
    public const double MaxWidth = 2000;

    public static string Render(CompiledPlaybook playbook, GraphOptions? options = null) => Render(GraphExport.Build(playbook, options));

    /// <summary>The most boxes (states, collapsed bodies) the layout takes: its time grows faster than the graph
    /// (66 boxes take about 1.5 s of CPU, 300 about 7 s), and a drawing that large is unreadable anyway.</summary>
    public const int MaxNodes = 150;

    /// <summary>Whether <paramref name="graph"/> is small enough to lay out (<see cref="MaxNodes"/>).</summary>
    public static bool CanRender(PlaybookGraph graph) => graph.AllNodes.Count() <= MaxNodes;

    /// <summary>The picture; for a graph over <see cref="MaxNodes"/> boxes, a small picture that says so (the report
    /// still renders; <c>playbook graph</c> refuses such a graph instead).</summary>
    public static string Render(PlaybookGraph graph)
    {
        if (!CanRender(graph))
        {
            var note = $"{graph.Name}: {graph.AllNodes.Count()} states, more than the {MaxNodes} this drawing lays out; see playbook graph --format dot or --collapse";
            var w = Math.Ceiling(TextMetrics.Width(note, 12) + 20);
            return $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(w)}\" height=\"30\" viewBox=\"0 0 {N(w)} 30\" font-family=\"{FontFamily}\" font-size=\"12\" role=\"img\">" +
                   $"<text x=\"10\" y=\"19\">{Xml(note)}</text></svg>\n";
        }
        var picture = SvgLayout.Lay(graph);
        var sb = new StringBuilder();
        var title = graph.Title is null ? graph.Name : graph.Name + ": " + graph.Title;
        const double titleHeight = 26;
        var width = Math.Ceiling(Math.Max(picture.Width, TextMetrics.Width(title, 14, bold: true) + 20));
        var height = Math.Ceiling(picture.Height + titleHeight);
        // At most MaxWidth px on the page, as DOT's size attribute does: a wider drawing is scaled down (viewBox).
        var scale = Math.Min(1, MaxWidth / width);
        sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(N(Math.Floor(width * scale))).Append("\" height=\"").Append(N(Math.Ceiling(height * scale)))
          .Append("\" viewBox=\"0 0 ").Append(N(width)).Append(' ').Append(N(height)).Append("\" font-family=\"").Append(FontFamily)
          .Append("\" font-size=\"").Append(N(SvgLayout.FontSize)).Append("\" role=\"img\">\n");
        sb.Append("<title>").Append(Xml(title)).Append("</title>\n");
        sb.Append("<defs><marker id=\"pb-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\" markerUnits=\"userSpaceOnUse\">")
          .Append("<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333\"/></marker></defs>\n");
        sb.Append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
        sb.Append("<text x=\"").Append(N(width / 2)).Append("\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">").Append(Xml(title)).Append("</text>\n");
        sb.Append("<g transform=\"translate(0,").Append(N(titleHeight)).Append(")\">\n");
        foreach (var c in picture.Clusters) Cluster(sb, c);
        foreach (var e in picture.Edges) Edge(sb, e);
        foreach (var n in picture.Nodes) Node(sb, n);
        sb.Append("</g>\n</svg>\n");
        return sb.ToString();
    }

    private static void Cluster(StringBuilder sb, SvgCluster c)
    {
        var (stroke, dash, bold) = c.Cluster.Kind switch
        {
            GraphClusterKind.Phase => ("#1565c0", false, false),
            GraphClusterKind.Parallel => ("#6a1b9a", false, true),
            GraphClusterKind.Foreach => ("#ef6c00", false, true),
            GraphClusterKind.Cleanup => ("#546e7a", true, false),
            _ => ("#6a1b9a", true, false),
        };
        sb.Append("<g class=\"cluster ").Append(c.Cluster.Kind.ToString().ToLowerInvariant()).Append("\">");
        sb.Append("<rect x=\"").Append(N(c.X)).Append("\" y=\"").Append(N(c.Y)).Append("\" width=\"").Append(N(c.Width)).Append("\" height=\"").Append(N(c.Height))
          .Append("\" rx=\"6\" fill=\"none\" stroke=\"").Append(stroke).Append("\" stroke-width=\"").Append(bold ? "2" : "1").Append('"');
        if (dash) sb.Append(" stroke-dasharray=\"5,3\"");
        sb.Append("/>");
        Lines(sb, c.Lines, c.X + c.Width / 2, c.Y + 4 + SvgLayout.FontSize, SvgLayout.LineHeight, bold: true, size: null);
        sb.Append("</g>\n");
    }

    private static void Edge(StringBuilder sb, SvgEdge e)
    {
        sb.Append("<g class=\"edge\"><path d=\"M").Append(P(e.Start));
        foreach (var (c1, c2, end) in e.Segments) sb.Append(" C").Append(P(c1)).Append(' ').Append(P(c2)).Append(' ').Append(P(end));
        sb.Append("\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.2\"");
        if (e.Edge?.Kind is GraphEdgeKind.Fork or GraphEdgeKind.Cleanup) sb.Append(" stroke-dasharray=\"5,3\"");
        sb.Append(" marker-end=\"url(#pb-arrow)\"/>");
        if (e.Lines.Count > 0)
        {
            var w = e.Lines.Max(l => TextMetrics.Width(l, SvgLayout.EdgeFontSize)) + 4;
            var h = e.Lines.Count * SvgLayout.EdgeLineHeight + 2;
            sb.Append("<rect x=\"").Append(N(e.LabelX - w / 2)).Append("\" y=\"").Append(N(e.LabelY - h / 2)).Append("\" width=\"").Append(N(w)).Append("\" height=\"").Append(N(h))
              .Append("\" fill=\"#fff\" fill-opacity=\"0.85\"/>");
            Lines(sb, e.Lines, e.LabelX, e.LabelY - h / 2 + 1 + SvgLayout.EdgeFontSize, SvgLayout.EdgeLineHeight, bold: false, size: SvgLayout.EdgeFontSize);
        }
        sb.Append("</g>\n");
    }

    private static void Node(StringBuilder sb, SvgBox b)
    {
        var (x, y, w, h) = (b.X, b.Y, b.Width, b.Height);
        if (b.Node is null)
        {
            sb.Append("<circle class=\"start\" cx=\"").Append(N(x + w / 2)).Append("\" cy=\"").Append(N(y + h / 2)).Append("\" r=\"").Append(N(w / 2)).Append("\" fill=\"#333\"/>\n");
            return;
        }
        sb.Append("<g class=\"node ").Append(b.Node.Kind.ToString().ToLowerInvariant()).Append("\">");
        const string plain = "fill=\"#fff\" stroke=\"#333\" stroke-width=\"1.2\"";
        switch (b.Node.Kind)
        {
            case GraphNodeKind.Decide:
                Polygon(sb, plain, (x + w / 2, y), (x + w, y + h / 2), (x + w / 2, y + h), (x, y + h / 2));
                break;
            case GraphNodeKind.Wait:
                Polygon(sb, plain, (x + h / 2, y), (x + w - h / 2, y), (x + w, y + h / 2), (x + w - h / 2, y + h), (x + h / 2, y + h), (x, y + h / 2));
                break;
            case GraphNodeKind.Manual:
                Polygon(sb, plain, (x + h / 2, y), (x + w, y), (x + w - h / 2, y + h), (x, y + h));
                break;
            case GraphNodeKind.Parallel:
                Polygon(sb, plain, (x + 4, y), (x + w, y), (x + w, y + h - 4), (x + w - 4, y + h), (x, y + h), (x, y + 4));
                Rect(sb, x, y + 4, w - 4, h - 4, 0, plain);
                break;
            case GraphNodeKind.Collapsed:
                Polygon(sb, "fill=\"#f3e5f5\" stroke=\"#6a1b9a\" stroke-width=\"1.2\"", (x, y + 6), (x + 4, y), (x + 40, y), (x + 44, y + 6), (x + w, y + 6), (x + w, y + h), (x, y + h));
                break;
            case GraphNodeKind.SuccessEnd:
                Rect(sb, x, y, w, h, 8, "fill=\"#d9f2d9\" stroke=\"#2e7d32\" stroke-width=\"2\"");
                Rect(sb, x + 3, y + 3, w - 6, h - 6, 6, "fill=\"none\" stroke=\"#2e7d32\" stroke-width=\"1\"");
                break;
            case GraphNodeKind.FailureEnd:
                var c = Math.Min(h / 3, 12);
                Polygon(sb, "fill=\"#f9d6d5\" stroke=\"#c62828\" stroke-width=\"2\"",
                    (x + c, y), (x + w - c, y), (x + w, y + c), (x + w, y + h - c), (x + w - c, y + h), (x + c, y + h), (x, y + h - c), (x, y + c));
                break;
            default:
                Rect(sb, x, y, w, h, 8, plain);
                break;
        }
        var top = y + (h - b.Lines.Count * SvgLayout.LineHeight) / 2 + SvgLayout.FontSize;
        Lines(sb, b.Lines, x + w / 2, top, SvgLayout.LineHeight, bold: false, size: null, boldFirst: true);
        sb.Append("</g>\n");
    }

    private static void Lines(StringBuilder sb, IReadOnlyList<string> lines, double x, double y, double lineHeight, bool bold, double? size, bool boldFirst = false)
    {
        sb.Append("<text x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" text-anchor=\"middle\"");
        if (size is { } s) sb.Append(" font-size=\"").Append(N(s)).Append('"');
        if (bold) sb.Append(" font-weight=\"bold\"");
        sb.Append('>');
        for (var i = 0; i < lines.Count; i++)
        {
            sb.Append("<tspan x=\"").Append(N(x)).Append('"');
            if (i > 0) sb.Append(" dy=\"").Append(N(lineHeight)).Append('"');
            if (boldFirst && i == 0) sb.Append(" font-weight=\"bold\"");
            sb.Append('>').Append(Xml(lines[i])).Append("</tspan>");
        }
        sb.Append("</text>");
    }

    private static void Rect(StringBuilder sb, double x, double y, double w, double h, double r, string style) =>
        sb.Append("<rect x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" width=\"").Append(N(w)).Append("\" height=\"").Append(N(h))
          .Append("\" rx=\"").Append(N(r)).Append("\" ").Append(style).Append("/>");

    private static void Polygon(StringBuilder sb, string style, params (double X, double Y)[] points) =>
        sb.Append("<polygon points=\"").Append(string.Join(' ', points.Select(p => N(p.X) + "," + N(p.Y)))).Append("\" ").Append(style).Append("/>");

    private static string P(Point p) => N(p.X) + "," + N(p.Y);

    private static string N(double v) => Math.Round(v, 1).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Text and attribute values as XML: the five special characters as entities, control characters
    /// (which XML 1.0 forbids) dropped, so no title can open an element or end an attribute.</summary>
    public static string Xml(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default:
                    if (!char.IsControl(c) && c is not '\uFFFE' and not '\uFFFF') sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }
}
