namespace Playbook.Cli.Commands;

/// <summary>A unified-style diff of two state paths (expected and actual): common states, states only
/// expected ('-') and states only in the run ('+'), by longest common subsequence. Long stretches that
/// agree are shortened to a few lines of context.</summary>
internal static class PathDiff
{
    public enum Op
    {
        Same,
        Expected,
        Actual,
    }

    /// <summary>Paths longer than this are compared position by position, not by LCS (quadratic).</summary>
    private const int LcsLimit = 2_000;

    public static List<(Op Op, string State)> Diff(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var result = new List<(Op, string)>();
        if (expected.Count > LcsLimit || actual.Count > LcsLimit)
        {
            var common = 0;
            while (common < expected.Count && common < actual.Count && expected[common] == actual[common]) common++;
            for (var i = 0; i < common; i++) result.Add((Op.Same, expected[i]));
            for (var i = common; i < expected.Count; i++) result.Add((Op.Expected, expected[i]));
            for (var i = common; i < actual.Count; i++) result.Add((Op.Actual, actual[i]));
            return result;
        }
        var n = expected.Count;
        var m = actual.Count;
        var lcs = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
        {
            for (var j = m - 1; j >= 0; j--)
                lcs[i, j] = expected[i] == actual[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        }
        int x = 0, y = 0;
        while (x < n && y < m)
        {
            if (expected[x] == actual[y])
            {
                result.Add((Op.Same, expected[x]));
                x++;
                y++;
            }
            else if (lcs[x + 1, y] >= lcs[x, y + 1])
            {
                result.Add((Op.Expected, expected[x++]));
            }
            else
            {
                result.Add((Op.Actual, actual[y++]));
            }
        }
        while (x < n) result.Add((Op.Expected, expected[x++]));
        while (y < m) result.Add((Op.Actual, actual[y++]));
        return result;
    }

    /// <summary>1-based position of the first state where the paths differ.</summary>
    public static int FirstDifference(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var i = 0;
        while (i < expected.Count && i < actual.Count && expected[i] == actual[i]) i++;
        return i + 1;
    }

    /// <summary>The diff as lines ("  same", "- expected", "+ actual"), with runs of more than
    /// 2 × <paramref name="context"/> agreeing states shortened to "  … N states in both".</summary>
    public static List<string> Render(IReadOnlyList<string> expected, IReadOnlyList<string> actual, int context = 2)
    {
        var diff = Diff(expected, actual);
        var lines = new List<string>();
        var i = 0;
        while (i < diff.Count)
        {
            if (diff[i].Op != Op.Same)
            {
                lines.Add((diff[i].Op == Op.Expected ? "- " : "+ ") + diff[i].State);
                i++;
                continue;
            }
            var start = i;
            while (i < diff.Count && diff[i].Op == Op.Same) i++;
            var run = i - start;
            var keepBefore = start == 0 ? 0 : context;
            var keepAfter = i == diff.Count ? 0 : context;
            if (run <= keepBefore + keepAfter + 1)
            {
                for (var k = start; k < i; k++) lines.Add("  " + diff[k].State);
                continue;
            }
            for (var k = start; k < start + keepBefore; k++) lines.Add("  " + diff[k].State);
            lines.Add($"  … {run - keepBefore - keepAfter} {(run - keepBefore - keepAfter == 1 ? "state" : "states")} in both");
            for (var k = i - keepAfter; k < i; k++) lines.Add("  " + diff[k].State);
        }
        return lines;
    }
}
