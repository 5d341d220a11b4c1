namespace Playbook.Graphs;

/// <summary>Breaks long labels into lines, so a long title, end message or guard makes a box taller instead of
/// the whole drawing wider (graphs must read at page width).</summary>
public static class GraphText
{
    /// <summary>Lines of at most <paramref name="width"/> characters, broken at white space (line breaks in the text included); a single word longer than
    /// that is cut, so no line exceeds it.</summary>
    public static IReadOnlyList<string> Wrap(string text, int width = 24)
    {
        var lines = new List<string>();
        var line = new System.Text.StringBuilder();
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            // An offset into the word, not the rest as a new string: cutting a word of n characters into
            // n/width pieces by copying what is left was quadratic (a 1.2 MB step name never finished drawing).
            var at = 0;
            while (at < word.Length)
            {
                var left = word.Length - at;
                var room = line.Length == 0 ? width : width - line.Length - 1;
                if (left <= room)
                {
                    if (line.Length > 0) line.Append(' ');
                    line.Append(word, at, left);
                    at = word.Length;
                }
                else if (line.Length > 0)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }
                else
                {
                    lines.Add(word.Substring(at, width));
                    at += width;
                }
            }
        }
        if (line.Length > 0 || lines.Count == 0) lines.Add(line.ToString());
        return lines;
    }

    /// <summary>A node's lines: its name, then its title (or end message) wrapped.</summary>
    public static IReadOnlyList<string> NodeLines(GraphNode node) =>
        node.Detail is { Length: > 0 } d ? Wrap(node.Name).Concat(Wrap(d)).ToList() : Wrap(node.Name);
}
