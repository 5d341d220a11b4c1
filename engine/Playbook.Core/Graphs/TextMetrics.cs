namespace Playbook.Graphs;

/// <summary>How wide a line of text is drawn in the SVG's font (Helvetica, or Arial, which has the same widths),
/// from the font's advance widths: the layout needs box sizes without a font rasteriser on the machine.</summary>
internal static class TextMetrics
{
    // Helvetica's advance widths (1/1000 em) for ' ' through '~', from its AFM metrics.
    private static readonly short[] Ascii =
    [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space ! " # $ % & ' ( ) * + , - . /
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0-9 : ; < = > ?
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ A-O
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P-Z [ \ ] ^ _
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` a-o
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,      // p-z { | } ~
    ];

    /// <summary>The width in px of <paramref name="text"/> at <paramref name="size"/> px (bold about 8 % wider);
    /// characters outside ASCII count as wide (1 em for East Asian scripts, 0.6 em otherwise), so boxes err large.</summary>
    public static double Width(string text, double size, bool bold = false)
    {
        double units = 0;
        foreach (var c in text)
        {
            if (c >= ' ' && c <= '~') units += Ascii[c - ' '];
            else if (c >= '\u1100' && !char.IsSurrogate(c)) units += 1000;
            else if (char.IsLowSurrogate(c)) continue;
            else units += 600;
        }
        return units / 1000 * size * (bold ? 1.08 : 1.0);
    }
}
