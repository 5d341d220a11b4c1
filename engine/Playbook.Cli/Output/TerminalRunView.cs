using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.LiveRuns;
using Playbook.LiveRuns.Actions;
using Playbook.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Playbook.Cli.Output;

/// <summary>A real run on a terminal: a Spectre.Console live view of what each flow is doing (state,
/// attempt, for how long), the time against the RTO, the path so far and the latest events; a manual
/// step's question appears in it with its choices and the time left, answered with a key.</summary>
internal sealed class TerminalRunView(TextWriter output, Redactor redactor, bool color) : PlainRunView(output, redactor, color)
{
    private readonly object _sync = new();
    private readonly Dictionary<string, (string State, int Attempt, TimeSpan Since)> _current = new(StringComparer.Ordinal);
    private readonly List<string> _path = new();
    private readonly List<string> _events = new();
    private string _runId = "";
    private readonly System.Diagnostics.Stopwatch _watch = new();
    // The run's own clock can be ahead of this view's (a resumed run counts from its first start): every
    // event says the run's time, and the view follows it.
    private TimeSpan _offset;
    // Manual steps in concurrent branches can ask at once: one question is shown (and answered) at a time.
    private readonly List<(ManualRequest Request, DateTimeOffset Until, TaskCompletionSource<ManualAnswer?> Answer)> _questions = new();
    private CancellationTokenSource? _stop;
    private Task? _live;

    public override void Started(string runId, CompiledPlaybook playbook, string journalPath, IReadOnlyList<string>? resumedAfter)
    {
        Playbook = playbook;
        _runId = runId;
        _watch.Start();
        // The run id first, on its own line, before the live view takes over the screen.
        Line($"{(Rehearsal ? "rehearsal" : "run")} {runId}{(resumedAfter is null ? "" : " (resumed)")}: {playbook.Name}, journal {journalPath}");
        if (resumedAfter is not null) _path.AddRange(resumedAfter);
        _stop = new CancellationTokenSource();
        var token = _stop.Token;
        _live = AnsiConsole.Live(Render()).AutoClear(true).StartAsync(async context =>
        {
            while (!token.IsCancellationRequested)
            {
                context.UpdateTarget(Render());
                ReadKey();
                try
                {
                    await Task.Delay(100, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
    }

    public override void StateEntered(string flow, CompiledState state, TimeSpan at)
    {
        lock (_sync)
        {
            _offset = at - _watch.Elapsed;
            _current[flow] = (state.Name, 0, at);
            if (!flow.Contains('#', StringComparison.Ordinal)) _path.Add(state.Name);
        }
    }

    public override void AttemptStarting(string flow, CompiledState state, int attempt, TimeSpan at)
    {
        lock (_sync)
        {
            _offset = at - _watch.Elapsed;
            _current[flow] = (state.Name, attempt, at);
        }
    }

    public override void AttemptEnded(string flow, CompiledState state, TimelineEntry entry, IReadOnlyDictionary<string, object?>? outputs) =>
        Event($"+{DurationText.Format(entry.At + entry.Duration)}  {Where(flow, entry.State)}{Mode(state)}  {entry.Outcome} after {DurationText.Format(entry.Duration)}{(entry.Note is null ? "" : " — " + Clean(entry.Note))}");

    public override void Captured(string flow, CompiledState state, string name, object? value) =>
        Event($"{Where(flow, state.Name)}  captured {name} = {Clean(Shorten(RunScope.Display(Redactor.Redact(value))))}");

    public override void BranchEnded(string flow, CompiledState parallel, string branch, string outcome, TimeSpan at)
    {
        lock (_sync) _current.Remove(flow.Length == 0 ? branch : $"{flow}/{branch}");
        Event($"+{DurationText.Format(at)}  {Where(flow, parallel.Name)}  branch {branch} {outcome}");
    }

    public override void Notify(string flow, CompiledState state, string message) => Event($"{Where(flow, state.Name)}  notify: {Clean(message)}");

    public override void Say(string message) => Event("note: " + Clean(Redactor.Redact(message)));

    public override Task<ManualAnswer?> AskAsync(ManualRequest request, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<ManualAnswer?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var until = request.Timeout is { } t ? DateTimeOffset.UtcNow + t : DateTimeOffset.MaxValue;
        lock (_sync) _questions.Add((request, until, answer));
        cancellationToken.Register(() =>
        {
            lock (_sync)
            {
                _questions.RemoveAll(q => q.Answer == answer);
            }
            answer.TrySetCanceled(cancellationToken);
        });
        return answer.Task;
    }

    /// <summary>a approves, r rejects the open question.</summary>
    private void ReadKey()
    {
        (ManualRequest Request, DateTimeOffset Until, TaskCompletionSource<ManualAnswer?> Answer) q;
        lock (_sync)
        {
            if (_questions.Count == 0) return;
            q = _questions[0];
        }
        while (Console.KeyAvailable)
        {
            var key = Console.ReadKey(intercept: true).KeyChar;
            var outcome = key switch
            {
                'a' or 'A' => "approve",
                'r' or 'R' => "reject",
                _ => null,
            };
            if (outcome is null) continue;
            lock (_sync) _questions.Remove(q);
            q.Answer.TrySetResult(new ManualAnswer(outcome, Environment.UserName));
            return;
        }
    }

    public override void Finished(RunResult? result)
    {
        _stop?.Cancel();
        _live?.GetAwaiter().GetResult();
        lock (_sync)
        {
            foreach (var e in _events) Line(e);
        }
        base.Finished(result);
    }

    private void Event(string text)
    {
        lock (_sync) _events.Add(text);
    }

    private IRenderable Render()
    {
        lock (_sync)
        {
            var elapsed = _watch.Elapsed + _offset;
            var rows = new List<IRenderable>
            {
                new Markup($"[bold]{Markup.Escape(Playbook?.Name ?? "")}[/]  run {Markup.Escape(_runId)}  [bold]{Markup.Escape(AgainstRto(Seconds(elapsed)))}[/]"),
            };
            var table = new Table().Border(TableBorder.Rounded).AddColumn("flow").AddColumn("state").AddColumn("attempt").AddColumn("for");
            foreach (var (flow, (state, attempt, since)) in _current.OrderBy(c => c.Key, StringComparer.Ordinal))
                table.AddRow(Markup.Escape(flow.Length == 0 ? "main" : flow), Markup.Escape(state), attempt == 0 ? "" : attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    DurationText.Format(Seconds(elapsed - since)));
            rows.Add(table);
            rows.Add(new Markup("[grey]path:[/] " + Markup.Escape(string.Join(" → ", _path.TakeLast(12)))));
            foreach (var e in _events.TakeLast(12)) rows.Add(new Spectre.Console.Text(e));
            if (_questions.Count > 0 && _questions[0] is var q)
            {
                var left = q.Until == DateTimeOffset.MaxValue ? "no time limit" : DurationText.Format(Max(q.Until - DateTimeOffset.UtcNow)) + " left";
                var more = _questions.Count > 1 ? $" (+{_questions.Count - 1} more waiting)" : "";
                rows.Add(new Panel(new Markup($"{Markup.Escape(Clean(q.Request.Prompt))}\n\n[bold green]a[/] {Markup.Escape(Label(q.Request, "approve"))}    [bold red]r[/] {Markup.Escape(Label(q.Request, "reject"))}    ({Markup.Escape(left)})"))
                    .Header($"manual step {Markup.Escape(q.Request.Address ?? q.Request.State.Name)}{more}").BorderColor(Color.Yellow));
            }
            return new Rows(rows);
        }
    }

    /// <summary>A choice as the playbook words it (<c>choices approve "Restore now", …</c>), else its outcome.</summary>
    private static string Label(ManualRequest request, string outcome) =>
        request.State.Symbol.Syntax.Find<Syntax.ChoicesSyntax>()?.Choices.FirstOrDefault(c => c.Outcome.Text == outcome)?.Label is { IsConstant: true } label
            ? $"{outcome}: {label.Template}"
            : outcome;

    /// <summary>Whole seconds: a live view that ticks in milliseconds is unreadable.</summary>
    private static TimeSpan Seconds(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Floor(t.TotalSeconds));

    private static TimeSpan Max(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Ceiling(t.TotalSeconds));
}
