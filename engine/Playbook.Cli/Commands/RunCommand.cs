using System.CommandLine;
using System.Runtime.InteropServices;
using Playbook.Cli.Output;
using Playbook.Reporting;
using Playbook.EngineCore;
using Playbook.LiveRuns;
using Playbook.LiveRuns.Actions;
using Spectre.Console;

namespace Playbook.Cli.Commands;

/// <summary>What <c>playbook run</c> or <c>playbook resume</c> was asked to do.</summary>
/// <param name="Interactive">stdin and stdout are a terminal: a live view, and prompts for manual steps.</param>
internal sealed record RunOptions(
    string? File,
    string? RunId,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Answers,
    string JournalDirectory,
    string? ReportFile,
    string? TemplateFile,
    bool Color = false,
    bool Interactive = false,
    bool NoWait = false)
{
    /// <summary>--rehearse: readonly steps for real, the rest simulated (see <see cref="Rehearsal"/>).</summary>
    public bool Rehearse { get; init; }

    /// <summary>--scenario NAME: in a rehearsal, the scenario of the playbook's scenario file that drives the simulated steps.</summary>
    public string? Scenario { get; init; }

    /// <summary>--seed N: the seed of a rehearsal's simulated durations and of jitter.</summary>
    public int? Seed { get; init; }

    /// <summary>--store URL: a shared run store instead of the journal directory (which then keeps only step files).</summary>
    public string? Store { get; init; }

    /// <summary>--wait-lock D: how long a run waits for the playbook's lock while another run holds it.</summary>
    public TimeSpan? WaitLock { get; init; }
}

/// <summary><c>playbook run FILE</c> and <c>playbook resume [RUN_ID]</c>: a real run against real
/// systems, journaled so that it can be resumed. The run id comes first. Exit codes: 0 the run ended in a
/// success end, 1 in a failure end, 3 aborted (an outcome with no transition), 2 bad usage or a playbook
/// with errors (never run), 130 stopped by Ctrl+C or SIGTERM (resume it), 70 an internal fault.</summary>
internal sealed class RunCommand
{
    public const string DefaultJournal = ".playbook/runs";

    public const int Aborted = 3;

    public const int Interrupted = 130;

    public static Option<string> JournalOption() => new("--journal")
    {
        Description = $"Where run journals are kept (default {DefaultJournal})",
        DefaultValueFactory = _ => DefaultJournal,
        HelpName = "DIR",
    };

    private static Option<string[]> AnswerOption(string description) => new("--answer")
    {
        Description = description,
        HelpName = "STEP=answer",
        AllowMultipleArgumentsPerToken = false,
    };

    private static Option<string?> ReportOption() => new("--report")
    {
        Description = "When the run ends, write its report to FILE (.md for Markdown, .html for HTML)",
        HelpName = "FILE",
    };

    private static Option<string?> TemplateOption() => new("--template")
    {
        Description = "A Scriban template of your own for the report",
        HelpName = "FILE",
    };

    private static Option<bool> NoWaitOption() => new("--no-wait")
    {
        Description = "With no terminal, refuse to start when a manual step has no --answer (instead of waiting for its timeout)",
    };

    public Command CreateRunCommand(bool color)
    {
        var file = new Argument<string>("FILE") { Description = "The playbook to run" };
        var input = CommonOptions.Inputs();
        var inputFile = CommonOptions.InputFile();
        var answer = AnswerOption("Answer a manual step in advance: --answer STEP=approve|reject, CALLSTEP/STEP for one in a called playbook (repeatable)");
        var journal = JournalOption();
        var report = ReportOption();
        var template = TemplateOption();
        var noWait = NoWaitOption();
        var rehearse = new Option<bool>("--rehearse")
        {
            Description = "Rehearse: run only the readonly steps for real and simulate every other step (from --scenario or the simulate hints); journaled as a rehearsal, never resumed",
        };
        var scenario = new Option<string?>("--scenario")
        {
            Description = "With --rehearse: the scenario of the playbook's NAME.scenarios.yaml that gives the simulated steps' outcomes and answers",
            HelpName = "NAME",
        };
        var seed = new Option<int?>("--seed")
        {
            Description = "With --rehearse: the seed of simulated durations and jitter (default: drawn, and journaled)",
            HelpName = "N",
        };
        var store = StoreOption.Create();
        var waitLock = new Option<string?>("--wait-lock")
        {
            Description = "When another run holds the playbook's lock, wait up to D for it (like 30s, 10m) instead of refusing to start",
            HelpName = "D",
        };
        var command = new Command("run", "Run a playbook for real, step by step, with a crash-safe journal")
        {
            file, input, inputFile, answer, journal, report, template, noWait, rehearse, scenario, seed, store, waitLock,
        };
        command.SetAction(parseResult =>
        {
            var invocation = parseResult.InvocationConfiguration;
            var inputs = CommonOptions.WithInputFile(parseResult.GetValue(inputFile), parseResult.GetValue(input) ?? [], invocation.Error);
            if (inputs is null) return ExitCodes.Usage;
            var options = new RunOptions(parseResult.GetValue(file), null, inputs, parseResult.GetValue(answer) ?? [],
                parseResult.GetValue(journal) ?? DefaultJournal, parseResult.GetValue(report), parseResult.GetValue(template), color,
                IsTerminal(invocation.Output), parseResult.GetValue(noWait))
            {
                Rehearse = parseResult.GetValue(rehearse),
                Scenario = parseResult.GetValue(scenario),
                Seed = parseResult.GetValue(seed),
                Store = parseResult.GetValue(store),
            };
            if (parseResult.GetValue(waitLock) is { } waitText)
            {
                if (!Text.DurationText.TryParse(waitText, out var wait) || wait <= TimeSpan.Zero)
                    return Usage(invocation.Error, $"--wait-lock {waitText}: give how long to wait for the lock, like 30s or 10m");
                options = options with { WaitLock = wait };
            }
            if (!options.Rehearse && (options.Scenario is not null || options.Seed is not null))
                return Usage(invocation.Error, $"{(options.Scenario is not null ? "--scenario" : "--seed")} is for a rehearsal: give --rehearse too (a real run takes its outcomes from the world)");
            return Run(options, invocation.Output, invocation.Error);
        });
        return command;
    }

    public Command CreateResumeCommand(bool color)
    {
        var runId = new Argument<string?>("RUN_ID") { Description = "The run to continue (default: the newest unfinished run)", Arity = ArgumentArity.ZeroOrOne };
        var answer = AnswerOption("What to do with a step that was running when the run stopped: --answer STEP=rerun|skip|fail, and while its process still runs STEP=wait|kill; or answer a manual step: STEP=approve|reject; CALLSTEP/STEP for one in a called playbook (repeatable; the run's own answers, report and template are kept unless given again)");
        var journal = JournalOption();
        var report = ReportOption();
        var template = TemplateOption();
        var noWait = NoWaitOption();
        var store = StoreOption.Create();
        var waitLock = new Option<string?>("--wait-lock")
        {
            Description = "When another run holds the playbook's lock, wait up to D for it (like 30s, 10m) instead of refusing to continue",
            HelpName = "D",
        };
        var command = new Command("resume", "Continue a run that stopped (crashed, killed or interrupted) from its journal")
        {
            runId, answer, journal, report, template, noWait, store, waitLock,
        };
        command.SetAction(parseResult =>
        {
            var invocation = parseResult.InvocationConfiguration;
            var options = new RunOptions(null, parseResult.GetValue(runId), [], parseResult.GetValue(answer) ?? [],
                parseResult.GetValue(journal) ?? DefaultJournal, parseResult.GetValue(report), parseResult.GetValue(template), color,
                IsTerminal(invocation.Output), parseResult.GetValue(noWait)) { Store = parseResult.GetValue(store) };
            // As on run: another run may have taken the lock while this one was stopped.
            if (parseResult.GetValue(waitLock) is { } waitText)
            {
                if (!Text.DurationText.TryParse(waitText, out var wait) || wait <= TimeSpan.Zero)
                    return Usage(invocation.Error, $"--wait-lock {waitText}: give how long to wait for the lock, like 30s or 10m");
                options = options with { WaitLock = wait };
            }
            return Run(options, invocation.Output, invocation.Error);
        });
        return command;
    }

    private static bool IsTerminal(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && !Console.IsInputRedirected;

    public int Run(RunOptions options, TextWriter stdout, TextWriter stderr)
    {
        using var stop = new CancellationTokenSource();
        using var secondStop = new CancellationTokenSource();
        // Ctrl+C and SIGTERM stop the run cleanly: the journal says it was interrupted, and resume continues it;
        // with a cleanup, the first ends the run and runs the cleanup, and the second stops the cleanup.
        void Stop()
        {
            if (stop.IsCancellationRequested) secondStop.Cancel();
            else stop.Cancel();
        }
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            Stop();
        };
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Stop();
        });
        try
        {
            return RunAsync(options, stdout, stderr, stop.Token, secondStop.Token).GetAwaiter().GetResult();
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    public async Task<int> RunAsync(RunOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken,
        CancellationToken? secondStop = null)
    {
        if (options.TemplateFile is { } template && !File.Exists(template))
            return Usage(stderr, $"--template {template}: no such file");
        if (options.ReportFile is { } reportFile && ReportFormat(reportFile) is null)
            return Usage(stderr, $"--report {reportFile}: give a file ending in .md or .html");

        using var store = StoreOption.Open(options.Store, options.JournalDirectory, stderr);
        if (store is null) return ExitCodes.Usage;
        JournaledRun? previous = null;
        string file;
        if (options.File is { } f)
        {
            file = f;
        }
        else
        {
            previous = FindRun(store, options.RunId, stderr);
            if (previous is null) return ExitCodes.Usage;
            // Before the playbook is even read: a journal that is not what a run writes names nothing to trust.
            if (previous.Problem is { } problem) return Usage(stderr, $"{problem}; the run cannot be resumed");
            if (LiveRun.PlaybookMismatch(previous) is { } mismatch) return Usage(stderr, mismatch);
            file = previous.PlaybookPath;
        }

        var loaded = PlaybookLoader.Load(file, stderr, options.Color && !Console.IsErrorRedirected, previous is null ? "run" : "resume");
        if (loaded is null) return ExitCodes.Usage;
        var playbook = loaded.Compiled;

        var errors = new List<string>();
        var inputs = CommonOptions.ParseInputs(options.Inputs, errors);
        var (answers, choices) = ParseAnswers(playbook, loaded.ResolveCallee, options.Answers, previous is not null, errors, out var orphanChoices);
        if (errors.Count > 0)
        {
            foreach (var e in errors) stderr.WriteLine($"playbook: {e}");
            return ExitCodes.Usage;
        }

        // A resume does what the run was told unless the operator says otherwise now.
        var given = new RunSettings
        {
            Answers = answers,
            Report = options.ReportFile is { } r ? Path.GetFullPath(r) : null,
            Template = options.TemplateFile is { } t ? Path.GetFullPath(t) : null,
            NoWait = options.NoWait,
        };
        var settings = previous is null ? given : previous.Settings.OverriddenBy(given.Answers, given.Report, given.Template, given.NoWait);
        if (previous is not null)
        {
            if (settings.Template is { } kept && !File.Exists(kept))
                return Usage(stderr, $"run {previous.RunId} was given --template {kept}, which no longer exists: give --template again");
            if (settings.WorkingDirectory is { } cwd && !Directory.Exists(cwd))
                return Usage(stderr, $"run {previous.RunId} ran its steps in {cwd}, which no longer exists: its steps cannot run where they did");
        }

        Simulation.SimulationScript? rehearsal = null;
        if (options.Rehearse)
        {
            rehearsal = Rehearsal.Script(playbook, options.Scenario, answers, stderr);
            if (rehearsal is null) return ExitCodes.Usage;
            given = given with { Scenario = options.Scenario };
            settings = given;
        }

        // A rehearsal never waits for a person: its manual steps are answered by the scenario or approved by default.
        if (rehearsal is null && !options.Interactive && UnansweredManualSteps.Find(playbook, loaded.ResolveCallee, settings.Answers) is { Count: > 0 } unanswered)
        {
            if (settings.NoWait)
            {
                foreach (var u in unanswered) stderr.WriteLine($"playbook: {u.Describe()}");
                stderr.WriteLine($"playbook: --no-wait: the run would wait for {(unanswered.Count == 1 ? "this answer" : "these answers")}, so it does not {(previous is null ? "start" : "continue")}; nothing was run");
                return ExitCodes.Usage;
            }
            foreach (var u in unanswered) stderr.WriteLine($"playbook: warning: {u.Describe()} (or give --no-wait to stop instead of waiting)");
        }

        var view = CreateView(options, stdout, rehearsal is not null);
        var runOptions = new LiveRunOptions
        {
            Playbook = playbook,
            ResolveCallee = loaded.ResolveCallee,
            View = view,
            JournalDirectory = options.JournalDirectory,
            Inputs = inputs,
            Answers = settings.Answers,
            Settings = settings,
            WorkingDirectory = settings.WorkingDirectory ?? Environment.CurrentDirectory,
            Rehearsal = rehearsal,
            Seed = options.Seed,
            CleanupStop = secondStop,
            Store = store is RunStores.FileRunStore ? null : store,
            WaitLock = options.WaitLock,
            LockWaiting = line => stderr.WriteLine($"playbook: {line}"),
        };
        var outcome = previous is null
            ? await LiveRun.StartAsync(runOptions, cancellationToken).ConfigureAwait(false)
            : await LiveRun.ResumeAsync(previous, runOptions,
                a => AnswerFor(choices, a) is { } c ? c : options.Interactive ? AskInFlight(a) : null, cancellationToken,
                a => AnswerFor(orphanChoices, a) is { } o ? o : options.Interactive ? AskOrphan(a) : null).ConfigureAwait(false);
        if (outcome.Errors.Count > 0)
        {
            foreach (var e in outcome.Errors) stderr.WriteLine($"playbook: {e}");
            return ExitCodes.Usage;
        }
        if (outcome.Interrupted)
        {
            stderr.WriteLine($"playbook: run {outcome.RunId} stopped; continue it with: playbook resume {outcome.RunId}{StoreOption.Argument(store)}");
            return Interrupted;
        }
        if (settings.Report is { } target)
        {
            var run = store.Read(outcome.RunId!)!;
            var text = RunReport.Render(run, ReportFormat(target)!, settings.Template is { } tf ? File.ReadAllText(tf) : null, ReportPlanLoader.Load(run), out var problem);
            if (problem is not null) stderr.WriteLine($"playbook: the report was not written: {problem}");
            else
            {
                Journal.PrivateFiles.WriteAllText(target, text);
                stdout.WriteLine($"report: {Path.GetRelativePath(Environment.CurrentDirectory, target)}");
            }
        }
        if (outcome.Result!.Interrupted)
        {
            // The cleanup ran (perhaps stopped by a second signal): the run is over, there is nothing to resume.
            stderr.WriteLine($"playbook: run {outcome.RunId} was interrupted; its cleanup ran and ended '{outcome.Result.Cleanup?.Outcome}'; the run is over");
            return Interrupted;
        }
        return outcome.Result!.Status switch
        {
            RunStatus.Success => ExitCodes.Success,
            RunStatus.Failure => ExitCodes.Failed,
            _ => Aborted,
        };
    }

    /// <summary>The --answer for an attempt in flight, the most specific first: one item's step bound to this attempt
    /// (NAME[i]/STATE#N), the step bound to it (STATE#N), one item's step (NAME[i]/STATE), the step in every item. An
    /// answer bound to another attempt is none: it was given for an attempt that is no longer the one in flight.</summary>
    private static T? AnswerFor<T>(Dictionary<string, T> given, InFlightAttempt a) where T : struct =>
        given.TryGetValue(StateAddress.WithAttempt(a.ItemAddress, a.Attempt), out var c) || given.TryGetValue(StateAddress.WithAttempt(a.Address, a.Attempt), out c)
        || given.TryGetValue(a.ItemAddress, out c) || given.TryGetValue(a.Address, out c) ? c : null;

    /// <summary>On a terminal, resume asks what to do with a non-idempotent step that was in flight.</summary>
    private static InFlightChoice AskInFlight(InFlightAttempt attempt)
    {
        var where = attempt.Flow.Length == 0 ? "" : $" (in {attempt.Flow})";
        var choice = AnsiConsole.Prompt(new SelectionPrompt<string>()
            .Title($"Step [bold]{Markup.Escape(attempt.ItemAddress)}[/]{Markup.Escape(where)} was running (attempt {attempt.Attempt}) when the run stopped, and it is not idempotent. Check what it did, then:")
            .AddChoices("rerun: run it again", "skip: it did its work; count it as done", "fail: count it as failed"));
        return choice[0] switch
        {
            'r' => InFlightChoice.Rerun,
            's' => InFlightChoice.Skip,
            _ => InFlightChoice.Fail,
        };
    }

    /// <summary>On a terminal, resume asks what to do with a step's process the stopped run left running.</summary>
    private static OrphanChoice AskOrphan(InFlightAttempt attempt)
    {
        var where = attempt.Flow.Length == 0 ? "" : $" (in {attempt.Flow})";
        var group = attempt.Processes.Count == 0 ? "" : $" in process group {attempt.Processes[^1].Group}";
        var choice = AnsiConsole.Prompt(new SelectionPrompt<string>()
            .Title($"Step [bold]{Markup.Escape(attempt.ItemAddress)}[/]{Markup.Escape(where)} is still running{Markup.Escape(group)}, left by the run that stopped. Then:")
            .AddChoices("wait: let it finish; its outcome is the step's", "kill: stop it, then decide what it did"));
        return choice[0] == 'w' ? OrphanChoice.Wait : OrphanChoice.Kill;
    }

    internal static string JournalArgument(string directory) => directory == DefaultJournal ? "" : $" --journal {directory}";

    internal static string? ReportFormat(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".md" or ".markdown" => "md",
        ".html" or ".htm" => "html",
        _ => null,
    };

    private static IRunView CreateView(RunOptions options, TextWriter stdout, bool rehearsal)
    {
        var redactor = new Redactor(Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("PLAYBOOK_SECRET_", StringComparison.Ordinal))
            .Select(k => Environment.GetEnvironmentVariable(k) ?? "")
            .Where(v => v.Length > 0));
        return options.Interactive ? new TerminalRunView(stdout, redactor, options.Color) { Rehearsal = rehearsal } : new PlainRunView(stdout, redactor, options.Color) { Rehearsal = rehearsal };
    }

    /// <summary>The run to resume: the one named, or the newest that has not ended.</summary>
    private static JournaledRun? FindRun(RunStores.IRunStore store, string? runId, TextWriter stderr)
    {
        var directory = store.Location;
        var runs = store.List().Select(r => r.Run).ToList();
        if (runId is not null)
        {
            var named = runs.FirstOrDefault(r => r.RunId == runId);
            if (named is null)
            {
                var hint = Text.Spelling.Suggest(runId, runs.Select(r => r.RunId).ToList()) is { } s ? $" (did you mean {s}?)" : "";
                stderr.WriteLine($"playbook: no run '{runId}' in {directory}{hint}; 'playbook runs{StoreOption.Argument(store)}' lists them");
            }
            return named;
        }
        var newest = runs.LastOrDefault(r => !r.Finished && !r.Running);
        if (newest is null)
            stderr.WriteLine(runs.Count == 0
                ? $"playbook: no runs in {directory}"
                : runs.Any(r => r.Running)
                    ? $"playbook: every unfinished run in {directory} is running in another process; nothing to resume"
                    : $"playbook: every run in {directory} has ended; nothing to resume");
        return newest;
    }

    /// <summary>--answer for manual steps (approve, reject) and, on resume, for steps in flight (rerun, skip, fail);
    /// a state of a called playbook is named by its address, CALLSTEP/STATE (<see cref="StateAddress"/>).</summary>
    private static (Dictionary<string, string> Answers, Dictionary<string, InFlightChoice> Choices) ParseAnswers(
        Compiling.CompiledPlaybook playbook, Func<Compiling.CompiledPlaybook, string, Compiling.CompiledPlaybook?> resolveCallee,
        IReadOnlyList<string> specs, bool resuming, List<string> errors, out Dictionary<string, OrphanChoice> orphans)
    {
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        var choices = new Dictionary<string, InFlightChoice>(StringComparer.Ordinal);
        orphans = new Dictionary<string, OrphanChoice>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            var eq = spec.IndexOf('=');
            var name = eq < 0 ? spec : spec[..eq];
            var value = eq < 0 ? "" : spec[(eq + 1)..];
            var address = StateAddress.WithoutAttempt(name, out var attempt);
            if (StateAddress.Resolve(playbook, address, resolveCallee, out var unresolved) is not { } state)
            {
                errors.Add($"--answer {spec}: {unresolved}");
                continue;
            }
            if (address.Contains('[', StringComparison.Ordinal) && state.Kind != Semantics.StateKind.Manual && !(state.Kind == Semantics.StateKind.Step && resuming))
            {
                // An item's address names a step left in flight, which only a resume has (or one item's manual step, any time).
                errors.Add($"--answer {spec}: one item's state is answered only on resume, for a step that was running (rerun|skip|fail, wait|kill); " +
                           $"answer '{address[(address.LastIndexOf('/') + 1)..]}' for every item");
                continue;
            }
            if (attempt is not null && !(state.Kind == Semantics.StateKind.Step && resuming))
            {
                // STATE#N names one attempt of a step that was running: only a resume has such an attempt.
                errors.Add($"--answer {spec}: '#{attempt}' names one attempt of a step that was running when the run stopped, which only a resume answers (rerun|skip|fail, wait|kill); " +
                           $"answer '{address}' without it");
                continue;
            }
            if (state.Kind == Semantics.StateKind.Manual)
            {
                if (value is "approve" or "reject") answers[name] = value;
                else errors.Add($"--answer {spec}: '{name}' is a manual step: answer approve or reject");
            }
            else if (state.Kind == Semantics.StateKind.Step && resuming)
            {
                // wait|kill is about the step's process, rerun|skip|fail about its effect: a step may take one of each.
                if (Enum.TryParse<InFlightChoice>(value, ignoreCase: true, out var choice) && value.All(char.IsLower)) choices[name] = choice;
                else if (Enum.TryParse<OrphanChoice>(value, ignoreCase: true, out var orphan) && value.All(char.IsLower)) orphans[name] = orphan;
                else errors.Add($"--answer {spec}: for a step that was running when the run stopped, answer rerun, skip or fail (and, while its process still runs, wait or kill)");
            }
            else
            {
                errors.Add(resuming
                    ? $"--answer {spec}: '{name}' is a {state.Symbol.KindName}: only manual steps (approve|reject) and steps (rerun|skip|fail, wait|kill) take answers"
                    : $"--answer {spec}: '{name}' is a {state.Symbol.KindName}, not a manual step");
            }
        }
        return (answers, choices);
    }

    private static int Usage(TextWriter stderr, string message)
    {
        stderr.WriteLine($"playbook: {message}");
        return ExitCodes.Usage;
    }
}
