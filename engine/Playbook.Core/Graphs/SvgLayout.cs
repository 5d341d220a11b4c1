using Microsoft.Msagl.Core.Geometry;
using Microsoft.Msagl.Core.Geometry.Curves;
using Microsoft.Msagl.Core.Layout;
using Microsoft.Msagl.Core.Routing;
using Microsoft.Msagl.Layout.Layered;
using Microsoft.Msagl.Miscellaneous;
using MsaglEdge = Microsoft.Msagl.Core.Layout.Edge;
using MsaglNode = Microsoft.Msagl.Core.Layout.Node;

namespace Playbook.Graphs;

/// <summary>A drawing laid out: boxes, clusters and edges with positions in px, y growing downwards, the origin at
/// the top left corner.</summary>
internal sealed record SvgPicture(double Width, double Height, IReadOnlyList<SvgBox> Nodes, IReadOnlyList<SvgCluster> Clusters, IReadOnlyList<SvgEdge> Edges);

internal sealed record SvgBox(GraphNode? Node, double X, double Y, double Width, double Height, IReadOnlyList<string> Lines);

internal sealed record SvgCluster(GraphCluster Cluster, double X, double Y, double Width, double Height, IReadOnlyList<string> Lines, int Depth);

/// <summary>An edge as a path: a start point, then cubic Bézier segments (a straight piece is a Bézier whose
/// controls lie on it), and its label's lines centred at (LabelX, LabelY).</summary>
internal sealed record SvgEdge(GraphEdge? Edge, Point Start, IReadOnlyList<(Point C1, Point C2, Point End)> Segments, IReadOnlyList<string> Lines, double LabelX, double LabelY);

/// <summary>Lays a <see cref="PlaybookGraph"/> out with MSAGL (Microsoft Automatic Graph Layout, the layered
/// Sugiyama scheme that Graphviz dot uses too, with nested clusters), so the HTML report can show the machine as
/// an inline SVG without loading a script. Sizes come from <see cref="TextMetrics"/>.</summary>
internal static class SvgLayout
{
    public const double FontSize = 12;
    public const double EdgeFontSize = 10;
    public const double LineHeight = 15;
    public const double EdgeLineHeight = 12.5;
    private const double Pad = 8;

    public static SvgPicture Lay(PlaybookGraph graph)
    {
        var g = new GeometryGraph();
        var nodes = new Dictionary<string, MsaglNode>(StringComparer.Ordinal);
        var boxes = new Dictionary<MsaglNode, (GraphNode? Node, IReadOnlyList<string> Lines)>();

        MsaglNode Add(GraphNode? node, string id, IReadOnlyList<string> lines, double width, double height)
        {
            var n = new MsaglNode(CurveFactory.CreateRectangle(width, height, new Point()), id);
            g.Nodes.Add(n);
            nodes[id] = n;
            boxes[n] = (node, lines);
            return n;
        }

        MsaglNode AddNode(GraphNode node)
        {
            var lines = GraphText.NodeLines(node);
            var (w, h) = NodeSize(node.Kind, lines);
            return Add(node, node.Id, lines, w, h);
        }

        var clusters = new Dictionary<Cluster, (GraphCluster Cluster, IReadOnlyList<string> Lines, int Depth)>();
        Cluster AddCluster(GraphCluster c, int depth)
        {
            var lines = GraphText.Wrap(c.Label, 48);
            var cluster = new Cluster { UserData = c.Id };
            var labelWidth = lines.Max(l => TextMetrics.Width(l, FontSize, bold: true)) + 2 * Pad;
            cluster.RectangularBoundary = new RectangularClusterBoundary
            {
                LeftMargin = Pad, RightMargin = Pad, BottomMargin = Pad,
                TopMargin = lines.Count * LineHeight + Pad,
                MinWidth = labelWidth,
            };
            foreach (var n in c.Nodes) cluster.AddChild(AddNode(n));
            foreach (var child in c.Children) cluster.AddChild(AddCluster(child, depth + 1));
            clusters[cluster] = (c, lines, depth);
            return cluster;
        }

        var start = Add(null, GraphIds.Start, Array.Empty<string>(), 12, 12);
        foreach (var n in graph.TopNodes) AddNode(n);
        foreach (var c in graph.Clusters) g.RootCluster.AddChild(AddCluster(c, 0));

        var firstNode = graph.Clusters.SelectMany(GraphLayoutHints.Flatten).ToDictionary(c => c.Id, c => c.AllNodes.First().Id, StringComparer.Ordinal);
        var edges = new List<(MsaglEdge Edge, GraphEdge? Source, IReadOnlyList<string> Lines)>();
        void Connect(string from, string to, GraphEdge? source, bool drawn)
        {
            var e = new MsaglEdge(nodes[from], nodes[to]);
            var lines = source is { Label.Length: > 0 } ? GraphText.Wrap(source.Label, 24) : Array.Empty<string>();
            if (lines.Count > 0)
                e.Label = new Label(lines.Max(l => TextMetrics.Width(l, EdgeFontSize)) + 4, lines.Count * EdgeLineHeight + 2, e);
            if (drawn) e.EdgeGeometry.TargetArrowhead = new Arrowhead { Length = 8 };
            g.Edges.Add(e);
            if (drawn) edges.Add((e, source, lines));
        }
        Connect(GraphIds.Start, graph.Start, null, drawn: true);
        foreach (var e in graph.Edges) Connect(e.FromCluster ? firstNode[e.From] : e.From, e.To, e, drawn: true);
        // Invisible: they stack a parallel's branches top to bottom (see GraphLayoutHints), and are not drawn.
        foreach (var (upper, lower) in GraphLayoutHints.StackedBodies(graph)) Connect(upper, lower, null, drawn: false);

        var settings = new SugiyamaLayoutSettings
        {
            NodeSeparation = 12,
            LayerSeparation = 28,
            ClusterMargin = 6,
        };
        settings.EdgeRoutingSettings.EdgeRoutingMode = EdgeRoutingMode.Spline;
        lock (Gate)
        {
            ResetRandom();
            LayoutHelpers.CalculateLayout(g, settings, null);
        }
        g.UpdateBoundingBox();

        // MSAGL's y grows upwards: flip, and move the top left corner to (margin, margin).
        const double margin = 10;
        var box = g.BoundingBox;
        foreach (var c in clusters.Keys) box.Add(c.BoundingBox);
        Point P(Point p) => new(p.X - box.Left + margin, box.Top - p.Y + margin);

        var svgNodes = boxes.Select(kv =>
        {
            var b = kv.Key.BoundingBox;
            return new SvgBox(kv.Value.Node, b.Left - box.Left + margin, box.Top - b.Top + margin, b.Width, b.Height, kv.Value.Lines);
        }).ToList();
        var svgClusters = clusters.Select(kv =>
        {
            var b = kv.Key.BoundingBox;
            return new SvgCluster(kv.Value.Cluster, b.Left - box.Left + margin, box.Top - b.Top + margin, b.Width, b.Height, kv.Value.Lines, kv.Value.Depth);
        }).OrderBy(c => c.Depth).ToList();
        var svgEdges = edges.Select(x =>
        {
            var segments = new List<(Point, Point, Point)>();
            var curve = x.Edge.Curve;
            var startPoint = P(curve.Start);
            foreach (var piece in Pieces(curve)) segments.Add(piece switch
            {
                CubicBezierSegment bz => (P(bz.B(1)), P(bz.B(2)), P(bz.B(3))),
                _ => (P(piece.Start), P(piece.End), P(piece.End)),
            });
            // The arrowhead sits between the curve's end and the target's border.
            if (x.Edge.EdgeGeometry.TargetArrowhead is { } head)
                segments.Add((P(curve.End), P(head.TipPosition), P(head.TipPosition)));
            var labelCenter = x.Edge.Label is { } l ? P(l.Center) : P(curve[(curve.ParStart + curve.ParEnd) / 2]);
            return new SvgEdge(x.Source, startPoint, segments, x.Lines, labelCenter.X, labelCenter.Y);
        }).ToList();
        return new SvgPicture(box.Width + 2 * margin, box.Height + 2 * margin, svgNodes, svgClusters, svgEdges);
    }

    private static readonly object Gate = new();

    // MSAGL 1.1.12 keeps one static Random (Point.rnd) that its router draws from: each layout would depend on the
    // ones before it in the process (a report drawn after a test differed from the same one drawn alone), and a
    // Random is not safe for threads. Layouts run one at a time (Gate), each from the same seed.
    private static readonly System.Reflection.FieldInfo? SharedRandom =
        typeof(Point).GetField("rnd", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic);

    private static void ResetRandom() => SharedRandom?.SetValue(null, new Random(1));

    private static IEnumerable<ICurve> Pieces(ICurve curve) => curve switch
    {
        Curve c => c.Segments,
        Polyline p => p.Zip(p.Skip(1), (a, b) => (ICurve)new LineSegment(a, b)),
        _ => new[] { curve },
    };

    /// <summary>A node's outer size for its kind: diamonds and hexagons need room around the text.</summary>
    public static (double Width, double Height) NodeSize(GraphNodeKind kind, IReadOnlyList<string> lines)
    {
        var text = lines.Select((l, i) => TextMetrics.Width(l, FontSize, bold: i == 0)).DefaultIfEmpty(0).Max();
        var w = text + 2 * Pad + 8;
        var h = lines.Count * LineHeight + 2 * Pad;
        return kind switch
        {
            GraphNodeKind.Decide => (w * 1.5, h * 1.6),
            GraphNodeKind.Wait or GraphNodeKind.Manual => (w + h, h),
            GraphNodeKind.FailureEnd => (w + h * 0.6, h + 6),
            GraphNodeKind.SuccessEnd => (w + 6, h + 6),
            _ => (w, h),
        };
    }
}
