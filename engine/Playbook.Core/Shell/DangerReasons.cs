namespace Playbook.Shell;

/// <summary>One kind of danger and why it was found.</summary>
internal sealed record DangerReason(ShellDanger Danger, string Reason);

/// <summary>Why each kind of danger was found: the first reason given for a kind wins.</summary>
/// <remarks>Not a <c>Dictionary&lt;ShellDanger, string&gt;</c>: the framework's dictionary over an enum is compiled by
/// the JIT at every start of the tool (see Collections.WalkStack), and a word or hole has only a few reasons.</remarks>
internal sealed class DangerReasons
{
    private readonly List<DangerReason> _reasons = new();

    public IReadOnlyList<DangerReason> All => _reasons;

    public void TryAdd(ShellDanger danger, string reason)
    {
        if (Get(danger) is null) _reasons.Add(new DangerReason(danger, reason));
    }

    public string? Get(ShellDanger danger)
    {
        foreach (var known in _reasons)
        {
            if (known.Danger == danger) return known.Reason;
        }
        return null;
    }
}
