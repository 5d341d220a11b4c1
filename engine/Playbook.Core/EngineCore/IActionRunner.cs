using Playbook.Compiling;

namespace Playbook.EngineCore;

/// <summary>Asks for one attempt of a state's action. The runner spends the attempt's time on
/// <see cref="Clock"/> and never more than <see cref="Limit"/> (the step's timeout or what is left of
/// its phase budget): an attempt that would take longer comes back as <c>timeout</c> after exactly the limit.</summary>
public sealed record AttemptRequest(CompiledPlaybook Playbook, CompiledState State, int Attempt, TimeSpan? Limit, RunClock Clock, RunScope Scope, string? Branch)
{
    // Settable inside the engine only, for Reuse.
    public CompiledState State { get; private set; } = State;
    public int Attempt { get; private set; } = Attempt;
    public TimeSpan? Limit { get; private set; } = Limit;
    public RunClock Clock { get; private set; } = Clock;
    public RunScope Scope { get; private set; } = Scope;
    public string? Branch { get; private set; } = Branch;

    /// <summary>For a call resumed in flight: where the called playbook stood.</summary>
    public RunResume? CalleeResume { get; init; }

    /// <summary>This request, made to ask for another attempt: a Monte Carlo engine
    /// (<see cref="PlaybookEngine.ReuseRunBuffers"/>) asks with one request object per engine, since its runner
    /// reads the request before the attempt returns and keeps nothing of it.</summary>
    internal AttemptRequest Reuse(CompiledState state, int attempt, TimeSpan? limit, RunClock clock, RunScope scope, string? branch)
    {
        State = state;
        Attempt = attempt;
        Limit = limit;
        Clock = clock;
        Scope = scope;
        Branch = branch;
        return this;
    }
}

/// <summary>What an attempt produced: its outcome (<c>ok</c>, <c>fail</c> or <c>timeout</c>), the
/// action's result values (<c>stdout</c>, <c>exit_code</c>, <c>response</c>…), and captured values given
/// directly (a scenario may set captures without outputs).</summary>
public sealed record AttemptResult(string Outcome, IReadOnlyDictionary<string, object?>? Outputs = null, IReadOnlyDictionary<string, object?>? Captures = null, string? Message = null)
{
    public static AttemptResult Ok { get; } = new("ok");
}

public sealed record ManualRequest(CompiledState State, string Prompt, TimeSpan? Timeout, RunClock Clock)
{
    public string? Branch { get; init; }

    /// <summary>How a real run names the question to the person and in <c>--answer</c>: the state's address, with the call
    /// steps that lead to it and its foreach item (<c>write-each[2]/approve</c>); null in a dry run.</summary>
    public string? Address { get; init; }
}

/// <summary>An answer to a manual step: <c>approve</c>, <c>reject</c> or <c>timeout</c>, and who gave it.</summary>
public sealed record ManualAnswer(string Outcome, string? Who = null)
{
    /// <summary><see cref="Who"/> of an answer nobody gave: a dry run's default approval.</summary>
    public const string Default = "default";

    /// <summary>How and where it was given when not on the runner's terminal (<c>terminal HOST pid N</c>, <c>web 10.0.0.7</c>).</summary>
    public string? From { get; init; }

    /// <summary>What the person wrote with it (journaled redacted, shown escaped).</summary>
    public string? Comment { get; init; }

    /// <summary>When it was given, when that is not when the runner took it (an answer posted from elsewhere).</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>The id of the answer inbox entry it came from (<see cref="RunStores.PostedAnswer.Id"/>), journaled so a
    /// resumed run never takes that entry again; null for an answer given on the terminal or with --answer.</summary>
    public long? InboxId { get; init; }
}

/// <summary>Performs actions: the simulator answers from scenarios and hints, a real run from the world.</summary>
public interface IActionRunner
{
    ValueTask<AttemptResult> RunAsync(AttemptRequest request, CancellationToken cancellationToken);

    ValueTask<ManualAnswer> AskAsync(ManualRequest request, CancellationToken cancellationToken);

    /// <summary>False when <see cref="AskAsync"/> never reads <see cref="ManualRequest.Prompt"/> (a dry run answers from
    /// scenarios and defaults): the engine then leaves the prompt empty instead of rendering its template, which was
    /// ~2 % of a Monte Carlo run.</summary>
    bool ReadsPrompts => true;

    /// <summary>Runs a called playbook to its end.</summary>
    ValueTask<RunResult> CallAsync(AttemptRequest request, CancellationToken cancellationToken);
}
