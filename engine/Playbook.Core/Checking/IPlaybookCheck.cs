namespace Playbook.Checking;

/// <summary>One rule about playbooks. Each rule is a sealed class registered in
/// <see cref="CheckRegistry"/> and documented in grammar/README.md under the IDs it reports.</summary>
public interface IPlaybookCheck
{
    /// <summary>The diagnostic IDs this check can report (for the documentation meta-tests).</summary>
    IReadOnlyList<string> Reports { get; }

    void Check(CheckContext context);
}
