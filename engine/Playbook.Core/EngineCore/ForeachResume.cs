using System.Collections;

namespace Playbook.EngineCore;

/// <summary>Where a foreach stood when its run stopped, rebuilt from the journal: the list it had started
/// with (a resume walks exactly these items, whatever its list expression would give now) and each item
/// that had started, by index (from 0).</summary>
public sealed class ForeachResume
{
    public required IList Items { get; init; }

    public IReadOnlyDictionary<int, ItemResume> Started { get; init; } = new Dictionary<int, ItemResume>();
}

/// <summary>One item of a foreach: finished (<see cref="Outcome"/> <c>ok</c> or <c>fail</c>; it is not run
/// again) or in flight (<see cref="Flow"/>: where its body stood; null when it had entered no state yet),
/// with the captures it had made.</summary>
public sealed record ItemResume(string? Outcome, IReadOnlyDictionary<string, object?> Captures, FlowResume? Flow);
