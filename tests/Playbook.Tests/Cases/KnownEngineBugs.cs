namespace Playbook.Tests.Cases;

/// <summary>Cases whose baseline holds the CORRECT expected output while the engine still gets it
/// wrong. For these the harness asserts the opposite: that the engine's output still differs from
/// the baseline (so the suite stays green) — and fails as soon as the engine is fixed, so the entry
/// is removed here. <c>PLAYBOOK_UPDATE_BASELINES=1</c> never overwrites these baselines.</summary>
internal static class KnownEngineBugs
{
    public static readonly IReadOnlyDictionary<string, string> Cases = new Dictionary<string, string>(StringComparer.Ordinal);

    public static bool Contains(string casePath) => Cases.ContainsKey(casePath);
}
