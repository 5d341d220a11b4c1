using System.Globalization;
using System.Net;
using System.Text;
using Playbook.Text;

namespace Playbook.Reporting;

/// <summary>A <see cref="RunTimeline"/> as an inline SVG Gantt chart: a lane per flow, a bar per attempt
/// (coloured by outcome), hatched pauses before retries, approvals in their own colour, phase budgets as bands,
/// the RTO as a red line and a resume's downtime as a grey gap. Laid out here, with no script, font or
/// stylesheet from anywhere else, so a report opened offline or under a strict CSP draws the same. Every
/// name in it is XML-escaped; coordinates are invariant-culture numbers with one decimal, so the same
/// journal gives the same bytes.</summary>
public static class TimelineSvg
{
    private const int LabelWidth = 170;
    private const int ChartWidth = 760;
    private const int LaneHeight = 22;
    private const int Top = 8;
    private const int AxisHeight = 34;
    private const int Ticks = 5;

    public static string Render(RunTimeline timeline)
    {
        // The RTO is drawn when it is near enough to the run's time to read both; far off, it is named only.
        var span = timeline.End;
        if (timeline.Rto is { } rto && rto <= span * 1.5) span = rto > span ? rto : span;
        if (span <= TimeSpan.Zero) span = TimeSpan.FromMilliseconds(1);
        double X(TimeSpan t) => LabelWidth + Math.Clamp(t / span, 0, 1) * ChartWidth;
        double Y(int lane) => Top + lane * LaneHeight;

        var height = Top + timeline.Lanes.Count * LaneHeight + AxisHeight;
        var width = LabelWidth + ChartWidth + 40;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append("<title>Timeline: one lane per flow; time runs left to right</title>\n");
        sb.Append("<defs><pattern id=\"backoff\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#9e9e9e\" stroke-width=\"3\"/></pattern></defs>\n");

        for (var i = 0; i < timeline.Lanes.Count; i++)
        {
            if (i % 2 == 1) sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"{N(Y(i))}\" width=\"{width}\" height=\"{LaneHeight}\" fill=\"#fafafa\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{N(Y(i) + 15)}\">{Escape(Shorten(timeline.Lanes[i], 26))}</text>\n");
        }
        foreach (var band in timeline.Bands)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"budget\" x=\"{N(X(band.Start))}\" y=\"{Top}\" width=\"{N(X(band.End) - X(band.Start))}\" height=\"{timeline.Lanes.Count * LaneHeight}\" fill=\"#fff3e0\" stroke=\"#ffb74d\" stroke-dasharray=\"4 2\">");
            sb.Append("<title>").Append(Escape($"phase {band.Phase}: budget {DurationText.Format(band.End - band.Start)}")).Append("</title></rect>\n");
        }
        foreach (var gap in timeline.Gaps)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"gap\" x=\"{N(X(gap.Start))}\" y=\"{Top}\" width=\"{N(Math.Max(1, X(gap.End) - X(gap.Start)))}\" height=\"{timeline.Lanes.Count * LaneHeight}\" fill=\"#cfd8dc\">");
            sb.Append("<title>").Append(Escape($"down {DurationText.Format(gap.End - gap.Start)}: the run was stopped and resumed")).Append("</title></rect>\n");
        }
        foreach (var bar in timeline.Bars)
        {
            var x = X(bar.Start);
            var w = Math.Max(2, X(bar.End) - x);
            var (fill, label) = Style(bar);
            sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"{bar.Kind.ToString().ToLowerInvariant()}\" x=\"{N(x)}\" y=\"{N(Y(bar.Lane) + 3)}\" width=\"{N(w)}\" height=\"{LaneHeight - 6}\" fill=\"{fill}\" stroke=\"#455a64\" stroke-width=\"0.5\">");
            sb.Append("<title>").Append(Escape($"{bar.State} {label} {DurationText.Format(bar.End - bar.Start)} from +{DurationText.Format(bar.Start)}")).Append("</title></rect>\n");
            // A name fits inside a bar wide enough for it; a narrow bar keeps it in its tooltip.
            if (bar.Kind != BarKind.Backoff && w > 7 * bar.State.Length + 6)
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x + 3)}\" y=\"{N(Y(bar.Lane) + 15)}\" font-size=\"11\">{Escape(bar.State)}</text>\n");
        }

        var axis = Top + timeline.Lanes.Count * LaneHeight;
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{LabelWidth}\" y1=\"{axis}\" x2=\"{LabelWidth + ChartWidth}\" y2=\"{axis}\" stroke=\"#455a64\"/>\n");
        for (var i = 0; i <= Ticks; i++)
        {
            var t = span * i / Ticks;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(X(t))}\" y1=\"{axis}\" x2=\"{N(X(t))}\" y2=\"{axis + 4}\" stroke=\"#455a64\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(X(t))}\" y=\"{axis + 16}\" text-anchor=\"middle\" font-size=\"11\">+{Escape(DurationText.Format(Round(t)))}</text>\n");
        }
        if (timeline.Rto is { } r)
        {
            if (r <= span)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<line class=\"rto\" x1=\"{N(X(r))}\" y1=\"{Top}\" x2=\"{N(X(r))}\" y2=\"{axis}\" stroke=\"#c62828\" stroke-width=\"2\"/>");
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(X(r) - 3)}\" y=\"{axis + 30}\" text-anchor=\"end\" fill=\"#c62828\" font-size=\"11\">RTO {Escape(DurationText.Format(r))}</text>\n");
            }
            else
                sb.Append(CultureInfo.InvariantCulture, $"<text class=\"rto\" x=\"{LabelWidth + ChartWidth}\" y=\"{axis + 30}\" text-anchor=\"end\" fill=\"#c62828\" font-size=\"11\">RTO {Escape(DurationText.Format(r))} (beyond the right edge) →</text>\n");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static (string Fill, string Label) Style(TimelineBar bar) => bar.Kind switch
    {
        BarKind.Backoff => ("url(#backoff)", "waited before attempt " + bar.Attempt.ToString(CultureInfo.InvariantCulture)),
        BarKind.Approval => ("#bbdefb", "waited for an answer: " + bar.Outcome),
        BarKind.Unfinished => ("#eceff1", $"attempt {bar.Attempt.ToString(CultureInfo.InvariantCulture)} unfinished when the run stopped"),
        _ => (Colour(bar.Outcome), $"attempt {bar.Attempt.ToString(CultureInfo.InvariantCulture)} {bar.Outcome}"),
    };

    internal static string Colour(string outcome) => outcome switch
    {
        "ok" => "#a5d6a7",
        "fail" => "#ef9a9a",
        "timeout" or "deadline" => "#ffcc80",
        _ => "#e0e0e0",
    };

    private static TimeSpan Round(TimeSpan t) =>
        t >= TimeSpan.FromSeconds(10) ? TimeSpan.FromSeconds(Math.Round(t.TotalSeconds)) : TimeSpan.FromMilliseconds(Math.Round(t.TotalMilliseconds));

    private static string N(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
