using Playbook.Text;
using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.LiveRuns.Actions;

namespace Playbook.LiveRuns;

/// <summary>What every part of a real run shares: the world it acts on and the people it talks to.</summary>
public sealed class LiveContext
{
    public required string RunId { get; init; }

    public required IRunView View { get; init; }

    public required Redactor Redactor { get; init; }

    public required HttpClient Http { get; init; }

    public required Func<CompiledPlaybook, string, CompiledPlaybook?> ResolveCallee { get; init; }

    /// <summary>The value of a playbook's secret (read once when the run started: <see cref="RunSecrets"/>); null when it has none.</summary>
    public required Func<CompiledPlaybook, string, string?> Secret { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>Answers given on the command line, by manual step address (approve or reject): its name,
    /// or for a step of a called playbook the call steps down to it (<see cref="StateAddress"/>).</summary>
    public IReadOnlyDictionary<string, string> Answers { get; init; } = new Dictionary<string, string>();

    /// <summary>Where notify also POSTs its message as JSON (PLAYBOOK_NOTIFY_URL), if anywhere.</summary>
    public string? NotifyUrl { get; init; }

    /// <summary>Where answers given away from the runner's terminal arrive (<c>playbook answer</c>, the web console); null: none do.</summary>
    public RunStores.IAnswerInbox? Inbox { get; init; }

    /// <summary>What a command that names the run adds for its journal (<c>--journal DIR</c>), or "" for the default.</summary>
    public string JournalArgument { get; init; } = "";

    /// <summary>Per step address, the inbox id of the last answer taken for it: only an answer with a higher id is new.
    /// A resumed run starts from the ids its journal has (<see cref="JournaledRun.AnswersTaken"/>).</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<string, long> AnswersTaken { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The run's step-files directory (<see cref="StepFiles.DirectoryFor"/>); null runs each command
    /// with temporary files.</summary>
    public string? StepFilesDirectory { get; init; }

    /// <summary>Attempts a resume takes over from the processes the stopped run left (see <see cref="InFlightProcesses"/>).</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<string, AdoptedProcess> Adopted { get; init; } = new(StringComparer.Ordinal);

    /// <summary>How long a step's process may wait at its gate before it refuses to run (<see cref="ShellRunner"/>): half
    /// the lease of a store whose leases run out, so that a runner held up between journaling a process and opening
    /// its gate cannot have it run after another host took the run over; null (no limit) for the file store.</summary>
    public TimeSpan? GateLimit { get; init; }
}

/// <summary>The action runner of a real run: <c>shell</c> through bash (every hole quoted, secrets in the
/// environment, the process group journaled and killed on timeout), <c>exec</c> the same without a shell, <c>http</c> through HttpClient,
/// <c>script</c> by evaluating it, <c>notify</c> to the terminal, the journal and a webhook, <c>call</c>
/// by running the called playbook in the same journal. Manual steps are answered from --answer, then
/// on the terminal, else they wait for their timeout.</summary>
public sealed partial class LiveRunner : IActionRunner
{
    private readonly LiveContext _context;
    private readonly JournalScope _journal;
    private readonly IReadOnlyDictionary<string, string> _secrets;
    // The call steps that led to this playbook ("" for the run's own): how --answer addresses its states.
    private readonly string _callPath;

    public LiveRunner(LiveContext context, JournalScope journal, CompiledPlaybook playbook, string callPath = "")
    {
        _context = context;
        _journal = journal;
        _callPath = callPath;
        _secrets = playbook.Model.Secrets.Select(s => s.Name.Text)
            .ToDictionary(n => n, n => context.Secret(playbook, n) ?? "", StringComparer.Ordinal);
    }

    public async ValueTask<AttemptResult> RunAsync(AttemptRequest request, CancellationToken cancellationToken)
    {
        var action = request.State.Action;
        try
        {
            return action?.Syntax switch
            {
                null => AttemptResult.Ok,
                Syntax.ShellActionSyntax => await ShellAsync(request, action, cancellationToken).ConfigureAwait(false),
                Syntax.ExecActionSyntax => await ExecAsync(request, action, cancellationToken).ConfigureAwait(false),
                Syntax.HttpActionSyntax http => await HttpAsync(request, action, http, cancellationToken).ConfigureAwait(false),
                Syntax.ScriptActionSyntax => Script(request, action, cancellationToken),
                Syntax.NotifyActionSyntax => await NotifyAsync(request, action, cancellationToken).ConfigureAwait(false),
                _ => new AttemptResult("fail", Message: $"'{action.Kind}' cannot run here"),
            };
        }
        catch (ExpressionFailedException e)
        {
            return new AttemptResult("fail", Message: Redact($"{Where(request.Playbook, e.Expression)}: `{e.Expression.Code}` failed: {e.Message}"));
        }
        catch (ShellValueRefusedException e)
        {
            return new AttemptResult("fail", Message: Redact($"{Where(request.Playbook, e.Hole)}: {e.Message}"));
        }
    }

    private string Redact(string text) => _context.Redactor.Redact(text);

    private static string Where(CompiledPlaybook playbook, CompiledExpression expression)
    {
        var p = playbook.Model.Source.GetPosition(expression.Syntax.CodeSpan.Start);
        return $"{DisplayPath.Escape(playbook.Path)}:{p.Line}:{p.Column}";
    }

    private Task<AttemptResult> ShellAsync(AttemptRequest request, ActionSpec action, CancellationToken ct) =>
        ProcessAsync(request, AsWritten(action.Command!) + Setup(action), () =>
        {
            var script = ShellScript.Render(action.Command!, request.Scope, null, _secrets);
            return (ShellLauncher.BashArgv(script), WithEnv(request, action, script.Environment));
        }, ct);

    /// <summary>The step's <c>env { }</c> values, rendered as plain text (never shell text), added to what the engine
    /// sets; the checker keeps them off PATH, PLAYBOOK_* and the variables through which code is read (PB1703).</summary>
    private static IReadOnlyDictionary<string, string> WithEnv(AttemptRequest request, ActionSpec action, IReadOnlyDictionary<string, string> engine)
    {
        if (action.Environment.Count == 0) return engine;
        var environment = new Dictionary<string, string>(engine, StringComparer.Ordinal);
        foreach (var (name, value) in action.Environment) environment[name] = request.Scope.Render(value);
        return environment;
    }

    /// <summary>What <c>runs</c> shows of env and workdir: the variable names and the path as written, no value.</summary>
    private static string Setup(ActionSpec action) =>
        (action.Environment.Count == 0 ? "" : " env { " + string.Join(", ", action.Environment.Select(e => e.Name)) + " }")
        + (action.WorkingDirectory is { } w ? " workdir \"" + AsWritten(w) + "\"" : "");

    /// <summary><c>exec</c>: each element rendered as plain text is one argument; no shell parses anything.
    /// Secrets reach the program as PLAYBOOK_SECRET_NAME in its environment, as for <c>shell</c>.</summary>
    private Task<AttemptResult> ExecAsync(AttemptRequest request, ActionSpec action, CancellationToken ct) =>
        ProcessAsync(request, "[" + string.Join(", ", action.Arguments.Select(a => "\"" + AsWritten(a) + "\"")) + "]" + Setup(action), () =>
        {
            IReadOnlyList<string> argv = action.Arguments.Select(a => request.Scope.Render(a)).ToList();
            IReadOnlyDictionary<string, string> environment = _secrets.ToDictionary(s => ShellScript.SecretVariable(s.Key), s => s.Value, StringComparer.Ordinal);
            return (argv, WithEnv(request, action, environment));
        }, ct);

    /// <summary>A process step (shell or exec): started gated and journaled with <paramref name="written"/> (the
    /// command as the playbook writes it), or — on resume — taken over from the process the stopped run left.
    /// <paramref name="prepare"/> renders the argv and environment only when a new process is started.</summary>
    private async Task<AttemptResult> ProcessAsync(AttemptRequest request, string written,
        Func<(IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string> Environment)> prepare, CancellationToken ct)
    {
        var flow = request.Branch ?? "";
        var files = _context.StepFilesDirectory is { } directory
            ? StepFiles.For(directory, _journal.Flow(flow), request.State.Name, request.Attempt)
            : null;
        ShellResult result;
        string? adoptedNote = null;
        if (files is not null && _context.Adopted.TryRemove(InFlightProcesses.KeyOf(_journal.Flow(flow), request.State.Name, request.Attempt), out var adopted))
        {
            // The stopped run's process did (or is doing) this attempt: its outcome is the attempt's, not a second go.
            if (adopted.Group > 0)
                _context.View.Say($"'{request.State.Name}' is still running from the run that stopped (process group {adopted.Group}): waiting for it to finish");
            var taken = await ShellRunner.AdoptAsync(files, adopted.Group, adopted.Identity, request.Limit, ct, _context.Redactor).ConfigureAwait(false);
            result = taken.Result;
            adoptedNote = taken.Exited
                ? (adopted.Group > 0 ? "the process the stopped run left was waited for on resume" : "the process the stopped run left had ended on its own")
                : null;
            if (!taken.Exited && !result.TimedOut)
                return new AttemptResult("fail", Outputs(result), Message: "the process the stopped run left ended without an exit code (stopped from outside)");
        }
        else
        {
            var (argv, environment) = prepare();
            var workdir = _context.WorkingDirectory;
            if (request.State.Action?.WorkingDirectory is { } w)
            {
                var given = request.Scope.Render(w);
                // Checked before the process is journaled: a missing folder fails the attempt with a clear note, nothing starts.
                if (given.Length == 0 || given.Contains('\0') || !Directory.Exists(workdir = Path.GetFullPath(given, _context.WorkingDirectory)))
                    return new AttemptResult("fail", Message: Redact($"workdir '{given}' is not an existing directory: nothing was started"));
            }
            try
            {
                result = await ShellRunner.RunAsync(argv, environment, workdir, request.Limit,
                    group => _journal.ProcessStarted(flow, request.State, request.Attempt, group, written), ct, files, _context.Redactor,
                    _context.GateLimit).ConfigureAwait(false);
            }
            catch (GateExpiredException e)
            {
                // Stops the run like a lost lease: its journal says the attempt started, its files that nothing ran, which
                // a resume on this host reads (and reruns it); one on another host is asked, as for any attempt in flight.
                throw new RunStores.LeaseLostException($"run {_context.RunId}: lease lost for step '{request.State.Name}': {e.Message}");
            }
        }
        var outputs = Outputs(result);
        if (result.TimedOut) return new AttemptResult("timeout", outputs, Message: "timed out: its process group was stopped");
        if (adoptedNote is not null && result.ExitCode == 0) return new AttemptResult("ok", outputs, Message: adoptedNote);
        if (result.ExitCode == 0) return new AttemptResult("ok", outputs, Message: result.OutputTruncated ? "output cut at 1 MiB" : null);
        var firstLine = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return new AttemptResult("fail", outputs, Message: firstLine is null ? $"exit code {result.ExitCode}" : $"exit code {result.ExitCode}: {_context.Redactor.RedactAndCut(firstLine, NoteLength)}");
    }

    private static Dictionary<string, object?> Outputs(ShellResult result) => new(StringComparer.Ordinal)
    {
        ["stdout"] = result.Stdout,
        ["stderr"] = result.Stderr,
        ["exit_code"] = (long)result.ExitCode,
    };

    /// <summary>The command as the playbook writes it, holes as <c>${…}</c>: what <c>playbook runs</c> shows for
    /// a process, with no value in it (values, secrets included, live only in the step's environment).</summary>
    private static string AsWritten(CompiledTemplate command) =>
        string.Concat(command.Parts.Select(p => p is CompiledExpression e ? "${" + e.Code + "}" : (string)p));

    private async Task<AttemptResult> HttpAsync(AttemptRequest request, ActionSpec action, Syntax.HttpActionSyntax syntax, CancellationToken ct)
    {
        var scope = request.Scope;
        var url = scope.Render(action.Url);
        var body = action.Body is null ? null : scope.Render(action.Body);
        var headers = action.Headers.Select(h => scope.Render(h)).ToList();
        _journal.RequestSent(request.Branch ?? "", request.State, request.Attempt, syntax.Method.Text.ToUpperInvariant(), url);
        var result = await new HttpAction(_context.Http, _context.Redactor).SendAsync(syntax.Method.Text.ToUpperInvariant(), url, body, headers, request.Limit, ct).ConfigureAwait(false);
        if (result.TimedOut) return new AttemptResult("timeout", result.ToOutputs(), Message: "timed out");
        if (result.Error is not null) return new AttemptResult("fail", Message: Redact(result.Error));
        var outputs = result.ToOutputs();
        return result.Status < 400
            ? new AttemptResult("ok", outputs, Message: $"HTTP {result.Status}")
            : new AttemptResult("fail", outputs, Message: $"HTTP {result.Status}");
    }

    /// <summary>A script is stopped by its step's timeout like any other action: the evaluation watches a
    /// token that fires at the limit.</summary>
    private static AttemptResult Script(AttemptRequest request, ActionSpec action, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (request.Limit is { } l) limit.CancelAfter(l);
        try
        {
            return new("ok", new Dictionary<string, object?>(StringComparer.Ordinal) { ["result"] = request.Scope.Evaluate(action.Script!, null, limit.Token) });
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new AttemptResult("timeout", Message: "timed out: the script was stopped");
        }
    }

    private async Task<AttemptResult> NotifyAsync(AttemptRequest request, ActionSpec action, CancellationToken ct)
    {
        var message = Redact(request.Scope.Render(action.Message));
        var flow = request.Branch ?? "";
        _context.View.Notify(_journal.Flow(flow), request.State, message);
        string? delivery = null;
        if (!string.IsNullOrEmpty(_context.NotifyUrl))
        {
            var payload = new Dictionary<string, object?>
            {
                ["run"] = _context.RunId,
                ["playbook"] = request.Playbook.Name,
                ["state"] = request.State.Name,
                ["message"] = message,
                ["at"] = request.Clock.Now.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            };
            delivery = await NotifyPoster.PostAsync(_context.Http, _context.NotifyUrl, payload, ct).ConfigureAwait(false);
        }
        _journal.Notified(flow, request.State, message, delivery);
        return delivery is null ? AttemptResult.Ok : new AttemptResult("fail", Message: Redact("the notification was not delivered: " + delivery));
    }

    /// <summary>The most of a command's stderr a note shows (after redaction).</summary>
    private const int NoteLength = 200;

    public async ValueTask<ManualAnswer> AskAsync(ManualRequest request, CancellationToken cancellationToken)
    {
        var state = request.State;
        var flow = request.Branch ?? "";
        // In a foreach item the question names the item (write-each[2]/approve), and that item's own answer comes first.
        var address = StateAddress.Of(_callPath, StateAddress.ItemAddressOf(flow, state.Name));
        var answer = (_context.Answers.TryGetValue(address, out var given) || _context.Answers.TryGetValue(StateAddress.Of(_callPath, state.Name), out given))
            && Quorum(state) <= 1
            ? new ManualAnswer(given, "--answer")
            : await WaitForAnswerAsync(request with { Address = address }, given, cancellationToken).ConfigureAwait(false);
        _journal.Answered(flow, state, answer, request.Clock.Now);
        return answer;
    }

    public async ValueTask<RunResult> CallAsync(AttemptRequest request, CancellationToken cancellationToken)
    {
        var state = request.State;
        var callee = _context.ResolveCallee(request.Playbook, state.Action!.CallTarget!);
        if (callee is null)
            return Failed($"playbook '{state.Action.CallTarget}' cannot be run: it is missing or has errors");
        var arguments = request.Scope.CallArguments(state.Action);
        var (values, errors) = RunParameters.BindObjects(callee, arguments, name => _context.Secret(callee, name));
        if (errors.Count > 0) return Failed(Redact(string.Join("; ", errors)));

        var journal = _journal.Callee(request.Branch ?? "", state, request.Attempt);
        var engine = new PlaybookEngine(callee, new LiveRunner(_context, journal, callee, StateAddress.Of(_callPath, state.Name)), new Random(request.Attempt))
        {
            Observer = new RunObservers(journal, new PrefixedView(_context.View, journal)),
        };
        var time = request.Clock is SystemRunClock system ? system.Time : _context.Time;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (request.Limit is { } l) limit.CancelAfter(l);
        var resume = request.CalleeResume;
        var clock = new SystemRunClock(time, resume?.StartedAt);
        try
        {
            return resume is null
                ? await engine.RunAsync(clock, values, limit.Token).ConfigureAwait(false)
                : await engine.ResumeAsync(clock, values, resume, limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The step's time ran out inside the called playbook: the engine sees a call that took the whole limit.
            return new RunResult(null, RunStatus.Aborted, Array.Empty<string>(), Array.Empty<TimelineEntry>(), request.Limit ?? clock.Elapsed,
                new Dictionary<string, object?>(), new Dictionary<string, int>(), "timed out");
        }
    }

    private static RunResult Failed(string reason) =>
        new(null, RunStatus.Aborted, Array.Empty<string>(), Array.Empty<TimelineEntry>(), TimeSpan.Zero,
            new Dictionary<string, object?>(), new Dictionary<string, int>(), reason);
}
