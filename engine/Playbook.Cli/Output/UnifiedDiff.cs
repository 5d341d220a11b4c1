using System.Text;

namespace Playbook.Cli.Output;

/// <summary>A unified diff of two texts, line by line (Myers' O((N+M)·D) algorithm, so a formatted file
/// that differs in a few lines costs little however long it is), with three lines of context, as
/// <c>diff -u</c> and <c>git diff</c> print it: <c>patch -p1</c> applies it.</summary>
internal static class UnifiedDiff
{
    private const int Context = 3;

    /// <summary>The diff, or an empty string when the texts have the same lines.</summary>
    public static string Of(string before, string after, string path)
    {
        var a = Lines(before);
        var b = Lines(after);
        var edits = Edits(a, b);
        if (edits.All(e => e.Op == ' ')) return "";

        var sb = new StringBuilder();
        sb.Append("--- a/").Append(path).Append('\n');
        sb.Append("+++ b/").Append(path).Append('\n');
        var i = 0;
        while (i < edits.Count)
        {
            if (edits[i].Op == ' ') { i++; continue; }
            // A hunk: from Context lines before this change to Context lines after the last change that
            // is at most 2·Context unchanged lines away from the one before it.
            var start = Math.Max(0, i - Context);
            var end = i;
            var lastChange = i;
            while (end < edits.Count)
            {
                if (edits[end].Op != ' ') lastChange = end;
                else if (end - lastChange > 2 * Context) break;
                end++;
            }
            end = Math.Min(edits.Count, lastChange + Context + 1);
            var (aStart, bStart) = (edits[start].A, edits[start].B);
            var aCount = edits.Skip(start).Take(end - start).Count(e => e.Op != '+');
            var bCount = edits.Skip(start).Take(end - start).Count(e => e.Op != '-');
            sb.Append("@@ -").Append(Range(aStart, aCount)).Append(" +").Append(Range(bStart, bCount)).Append(" @@\n");
            for (var k = start; k < end; k++)
            {
                var e = edits[k];
                sb.Append(e.Op).Append(e.Op == '+' ? b[e.B] : a[e.A]).Append('\n');
            }
            i = end;
        }
        return sb.ToString();
    }

    private static string Range(int start, int count) =>
        count == 0 ? $"{start},0" : count == 1 ? $"{start + 1}" : $"{start + 1},{count}";

    private static string[] Lines(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    /// <summary>One entry per line of the edit script: ' ' kept, '-' only in a, '+' only in b, with the
    /// line's index in a and in b (for '+', A is where in a it goes; for '-', B likewise).</summary>
    private static List<(char Op, int A, int B)> Edits(string[] a, string[] b)
    {
        int n = a.Length, m = b.Length, max = n + m;
        var v = new int[2 * max + 2];
        var trace = new List<int[]>();
        var found = false;
        for (var d = 0; d <= max && !found; d++)
        {
            trace.Add((int[])v.Clone());
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || k != d && v[max + k - 1] < v[max + k + 1] ? v[max + k + 1] : v[max + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && a[x] == b[y]) { x++; y++; }
                v[max + k] = x;
                if (x >= n && y >= m) { found = true; break; }
            }
        }

        var edits = new List<(char, int, int)>();
        int cx = n, cy = m;
        for (var d = trace.Count - 1; d >= 0; d--)
        {
            var vd = trace[d];
            var k = cx - cy;
            var prevK = k == -d || k != d && vd[max + k - 1] < vd[max + k + 1] ? k + 1 : k - 1;
            var prevX = d == 0 ? 0 : vd[max + prevK];
            var prevY = prevX - prevK;
            while (cx > prevX && cy > prevY) { cx--; cy--; edits.Add((' ', cx, cy)); }
            if (d == 0) break;
            if (cx == prevX) { cy--; edits.Add(('+', cx, cy)); }
            else { cx--; edits.Add(('-', cx, cy)); }
        }
        while (cx > 0 && cy > 0) { cx--; cy--; edits.Add((' ', cx, cy)); }
        edits.Reverse();
        return edits;
    }
}
