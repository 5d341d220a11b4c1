namespace Playbook.Simulation;

/// <summary>What a scenario says about one foreach: the list it walks (null: the list it would see) and the
/// outcome of items by their displayed value (an item not named runs its body).</summary>
public sealed record ForeachScript(IReadOnlyList<object?>? Items, IReadOnlyDictionary<string, string> Outcomes);
