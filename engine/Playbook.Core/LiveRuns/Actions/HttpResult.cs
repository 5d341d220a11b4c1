namespace Playbook.LiveRuns.Actions;

/// <summary>What one HTTP request got back. <see cref="Status"/> is 0 when no response came
/// (<see cref="Error"/> says why, or <see cref="TimedOut"/>).</summary>
public sealed record HttpResult(int Status, string Body, object? Json, IReadOnlyDictionary<string, object?> Headers, bool TimedOut, string? Error, TimeSpan Duration)
{
    /// <summary>True when the body was longer than <see cref="ShellRunner.MaxOutputBytes"/> and only its start was kept.</summary>
    public bool BodyTruncated { get; init; }

    /// <summary>The values the step's expressions read: <c>response.status</c>, <c>.body</c>, <c>.json</c>, <c>.headers</c>.</summary>
    public IReadOnlyDictionary<string, object?> ToOutputs() => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["response"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["status"] = (long)Status,
            ["body"] = Body,
            ["json"] = Json,
            // The runtimes see maps as IDictionary<string, object?>; a copy keeps the result itself read-only.
            ["headers"] = new Dictionary<string, object?>(Headers, StringComparer.Ordinal),
        },
    };

    internal static HttpResult Failed(string? error, TimeSpan duration, bool timedOut = false) =>
        new(0, "", null, new Dictionary<string, object?>(StringComparer.Ordinal), timedOut, error, duration);
}
