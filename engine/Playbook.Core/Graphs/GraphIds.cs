namespace Playbook.Graphs;

/// <summary>Ids of what a drawing adds to the playbook's own states and boxes. State, phase and branch names are
/// letters, digits, <c>_</c> and <c>-</c> (grammar/README.md, "names"), so an id with <c>@</c> or <c>/</c> in it
/// can never be a name: a state called <c>__start</c>, <c>start</c> or <c>cleanup</c> stays its own node.</summary>
public static class GraphIds
{
    /// <summary>The point the run starts from.</summary>
    public const string Start = "@start";

    /// <summary>The box that carries the playbook's title (Mermaid).</summary>
    public const string Title = "@title";

    /// <summary>A branch's box: the parallel's name and the branch's (two parallels may have branches of the same
    /// name, and a branch may be named like a state or a phase).</summary>
    public static string Branch(string parallel, string branch) => parallel + "/" + branch;

    /// <summary>The one box a collapsed body (a branch's, or a foreach's) is drawn as.</summary>
    public static string Body(string clusterId) => "@body:" + clusterId;
}
