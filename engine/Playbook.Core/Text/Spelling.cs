namespace Playbook.Text;

/// <summary>"Did you mean …?" suggestions by edit distance.</summary>
public static class Spelling
{
    /// <summary>Words longer than this get no suggestion: nobody mistypes a name that long, and comparing
    /// huge tokens (hostile input) would cost their length squared.</summary>
    public const int MaxWordLength = 64;

    /// <summary>The closest candidate within a distance that still looks like a typo, or null.</summary>
    public static string? Suggest(string word, IEnumerable<string> candidates)
    {
        var unlimited = long.MaxValue;
        return Suggest(word, candidates, ref unlimited);
    }

    /// <summary>As <see cref="Suggest(string, IEnumerable{string})"/>, comparing at most <paramref name="budget"/>
    /// candidates (the count is taken from it): a caller that suggests for many words over many candidates
    /// shares one budget, so its cost stays linear however many unknown names a file holds.</summary>
    public static string? Suggest(string word, IEnumerable<string> candidates, ref long budget)
    {
        if (word.Length > MaxWordLength || budget <= 0) return null;
        var limit = Math.Max(1, Math.Min(3, word.Length / 3 + 1));
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            if (budget-- <= 0) break;
            if (candidate == word || Math.Abs(candidate.Length - word.Length) > limit) continue;
            var d = Distance(word, candidate);
            if (d < bestDistance || d == bestDistance && string.CompareOrdinal(candidate, best) < 0)
            {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= limit ? best : null;
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
