using System.Globalization;
using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.LiveRuns;
using Playbook.LiveRuns.Actions;
using Playbook.Text;

namespace Playbook.Cli.Output;

/// <summary>A real run, line by line, as it happens: for logs, CI and anything that is not a terminal.
/// Every line starts with the time since the run started; a branch's or a called playbook's lines name
/// their flow. Everything shown is redacted.</summary>
internal class PlainRunView(TextWriter output, Redactor redactor, bool color) : IRunView
{
    private readonly object _lock = new();
    /// <summary>The playbook being run (for its RTO), set when the run starts.</summary>
    protected CompiledPlaybook? Playbook { get; set; }

    protected TextWriter Output => output;

    /// <summary>A rehearsal: each attempt says whether it ran for real or was simulated.</summary>
    public bool Rehearsal { get; init; }

    /// <summary>" real" or " simulated" (inside the action's parentheses) in a rehearsal; nothing in a real run.</summary>
    protected string Mode(CompiledState state) =>
        !Rehearsal ? "" : RehearsalRunner.RunsForReal(state) ? " real" : " simulated";

    protected Redactor Redactor => redactor;

    public virtual void Started(string runId, CompiledPlaybook playbook, string journalPath, IReadOnlyList<string>? resumedAfter)
    {
        Playbook = playbook;
        Line($"{(Rehearsal ? "rehearsal" : "run")} {runId}{(resumedAfter is null ? "" : " (resumed)")}: {playbook.Name}, journal {journalPath}");
        if (Rehearsal)
        {
            var real = playbook.States.Where(RehearsalRunner.RunsForReal).Select(s => s.Name).ToList();
            Line($"rehearsal: {(real.Count == 0 ? "no step is readonly, so nothing runs for real" : "for real: " + string.Join(", ", real))}; every other step is simulated");
        }
        if (resumedAfter is { Count: > 0 }) Line("path so far: " + string.Join(" → ", resumedAfter));
    }

    public virtual void StateEntered(string flow, CompiledState state, TimeSpan at) =>
        Line($"{Stamp(at)}  {Where(flow, state.Name)}  entered");

    public virtual void AttemptStarting(string flow, CompiledState state, int attempt, TimeSpan at)
    {
        if (state.Kind == Semantics.StateKind.Manual) return;
        Line($"{Stamp(at)}  {Where(flow, state.Name)}  attempt {attempt} started{(state.Action is { } a ? $" ({a.Kind}{Mode(state)})" : "")}");
    }

    public virtual void AttemptEnded(string flow, CompiledState state, TimelineEntry entry, IReadOnlyDictionary<string, object?>? outputs)
    {
        var note = entry.Note is null ? "" : " — " + Clean(entry.Note);
        Line($"{Stamp(entry.At + entry.Duration)}  {Where(flow, entry.State)}  {Paint(entry.Outcome)} after {DurationText.Format(entry.Duration)}{note}");
    }

    public virtual void Captured(string flow, CompiledState state, string name, object? value) =>
        Line($"{Indent}  {Where(flow, state.Name)}  captured {name} = {Clean(Shorten(RunScope.Display(redactor.Redact(value))))}");

    public virtual void Moved(string flow, CompiledState from, CompiledTransition transition, TimeSpan at) { }

    public virtual void BranchEnded(string flow, CompiledState parallel, string branch, string outcome, TimeSpan at) =>
        Line($"{Stamp(at)}  {Where(flow, parallel.Name)}  branch {branch} {Paint(outcome)}");

    public virtual void Notify(string flow, CompiledState state, string message) =>
        Line($"{Indent}  {Where(flow, state.Name)}  notify: {Clean(message)}");

    public virtual void Say(string message) => Line("note: " + Clean(redactor.Redact(message)));

    public virtual Task<ManualAnswer?> AskAsync(ManualRequest request, CancellationToken cancellationToken)
    {
        Line($"{Indent}  {request.Address ?? request.State.Name}  asks: {Clean(redactor.Redact(request.Prompt))}");
        return Task.FromResult<ManualAnswer?>(null);
    }

    public virtual void Finished(RunResult? result)
    {
        if (result is null)
        {
            Line("stopped: the run was interrupted");
            return;
        }
        var end = result.End is null ? result.Interrupted ? "no end: interrupted" : "no end" : $"'{result.End}'";
        Line($"ended at {end} ({Paint(result.StatusText)}) after {AgainstRto(result.Elapsed)}");
        if (result.Reason is not null) Line("reason: " + Clean(redactor.Redact(result.Reason)));
        var (main, flows) = PathText.Of(result);
        Line("path: " + main);
        foreach (var flow in flows) Line("  " + Clean(flow));
        // The cleanup's outcome next to the run's end, which it never changes.
        if (result.Cleanup is { } cleanup)
            Line($"cleanup: {Paint(cleanup.Outcome)}" + (cleanup.Reason is null ? "" : " — " + Clean(redactor.Redact(cleanup.Reason))));
    }

    protected string AgainstRto(TimeSpan elapsed) => new SimulationText(false).AgainstRto(elapsed, Playbook?.Rto);

    private const string Indent = "            ";

    protected static string Stamp(TimeSpan at) => ("+" + DurationText.Format(at)).PadLeft(Indent.Length);

    protected static string Where(string flow, string state) => flow.Length == 0 ? state : $"{flow}/{state}";

    /// <summary>Redacted, on one line (a value's line breaks shown as ⏎), without control characters.</summary>
    protected string Clean(string text) =>
        TextFormatter.Sanitize(redactor.Redact(text).ReplaceLineEndings("⏎"));

    protected static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "…";

    private string Paint(string outcome)
    {
        if (!color) return outcome;
        var code = outcome switch
        {
            "ok" or "success" or "approve" => "\e[1;32m",
            "fail" or "failure" or "reject" or "aborted" => "\e[1;31m",
            "timeout" or "deadline" or "cancelled" => "\e[1;33m",
            _ => null,
        };
        return code is null ? outcome : code + outcome + "\e[0m";
    }

    protected void Line(string text)
    {
        lock (_lock)
        {
            output.Write(text);
            output.Write('\n');
            output.Flush();
        }
    }

    internal static string Invariant(int n) => n.ToString(CultureInfo.InvariantCulture);
}
