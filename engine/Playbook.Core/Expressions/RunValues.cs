namespace Playbook.Expressions;

/// <summary>What the cleanup reads about the run that has just ended: <c>run.end</c> (the end state's name,
/// <c>aborted</c> or <c>interrupted</c>), <c>run.status</c> (success, failure or aborted), <c>run.elapsed</c>
/// (a duration: the time from the start to the end) and <c>run.id</c>.</summary>
public static class RunValues
{
    public const string Name = "run";

    public static readonly string[] All = ["end", "status", "elapsed", "id"];

    /// <summary>The member read right after <c>run</c> at <paramref name="at"/> in <paramref name="code"/>
    /// (<c>run.end</c>, <c>run?.end</c>, with spaces around the dot), with its offset; null when none is.</summary>
    public static (string Member, int Offset)? MemberAfter(string code, int at)
    {
        var p = SkipSpaces(code, at);
        if (p < code.Length && code[p] == '?') p++;
        if (p >= code.Length || code[p] != '.') return null;
        p = SkipSpaces(code, p + 1);
        var start = p;
        while (p < code.Length && (char.IsLetterOrDigit(code[p]) || code[p] == '_' || code[p] == '$')) p++;
        return p > start ? (code[start..p], start) : null;
    }

    private static int SkipSpaces(string code, int p)
    {
        while (p < code.Length && char.IsWhiteSpace(code[p])) p++;
        return p;
    }
}
