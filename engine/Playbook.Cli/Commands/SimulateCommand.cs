using System.CommandLine;
using System.Runtime.InteropServices;
using Playbook.Cli.Output;
using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.Semantics;
using Playbook.Simulation;
using Playbook.Text;
using Spectre.Console;

namespace Playbook.Cli.Commands;

/// <summary>What <c>playbook simulate</c> was asked to do.</summary>
/// <param name="Interactive">stdout is a terminal: a long Monte Carlo may show a progress bar.</param>
internal sealed record SimulateOptions(
    string File,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Failures,
    IReadOnlyList<string> Answers,
    int Seed = 0,
    int? Runs = null,
    bool WorstCase = false,
    bool Json = false,
    bool Color = false,
    bool Interactive = false);

/// <summary><c>playbook simulate FILE</c>: a dry run on a virtual clock (one run with a timeline, the
/// worst case per end, or many seeded runs). Exit codes: 0 the run ended in a success end, 1 in a
/// failure end, 3 aborted; 2 for usage errors and playbooks with errors. <c>--worst-case</c> and
/// <c>--runs</c> exit 0 once they have reported.</summary>
internal sealed class SimulateCommand
{
    /// <summary>The run ended with an outcome that has no transition, or an expression failed.</summary>
    public const int Aborted = 3;

    /// <summary>Runs at or above this show a progress bar on a terminal.</summary>
    public const int ProgressThreshold = 2_000;

    public const int MaxRuns = 10_000_000;

    public Command CreateCommand(bool color)
    {
        var file = new Argument<string>("FILE") { Description = "The playbook to simulate" };
        var input = CommonOptions.Inputs();
        var inputFile = CommonOptions.InputFile();
        var fail = new Option<string[]>("--fail")
        {
            Description = "Make a step fail: --fail STEP (every attempt) or --fail STEP=N (the first N attempts) (repeatable)",
            HelpName = "STEP[=N]",
            AllowMultipleArgumentsPerToken = false,
        };
        var answer = new Option<string[]>("--answer")
        {
            Description = "Answer a manual step: --answer STEP=approve|reject|timeout (repeatable; default approve)",
            HelpName = "STEP=answer",
            AllowMultipleArgumentsPerToken = false,
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed for jitter and, with --runs, for the random draws (default 0)",
            DefaultValueFactory = _ => 0,
        };
        var runs = new Option<int?>("--runs")
        {
            Description = "Monte Carlo: N runs drawing durations and failures from the simulate hints",
            HelpName = "N",
        };
        runs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } n && (n < 1 || n > MaxRuns))
                result.AddError($"--runs must be between 1 and {MaxRuns:N0}");
        });
        var worstCase = new Option<bool>("--worst-case") { Description = "Show the worst-case path to each end and each state's share of it" };
        var format = new Option<string>("--format")
        {
            Description = "Output format: text or json",
            DefaultValueFactory = _ => "text",
            HelpName = "text|json",
        };
        format.AcceptOnlyFromAmong("text", "json");

        var command = new Command("simulate", "Dry-run a playbook on a virtual clock: one run, its worst case, or many seeded runs")
        {
            file, input, inputFile, fail, answer, seed, runs, worstCase, format,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(worstCase) && result.GetValue(runs) is not null)
                result.AddError("--worst-case and --runs cannot be used together");
            if (result.GetValue(worstCase) && ((result.GetValue(fail)?.Length ?? 0) > 0 || (result.GetValue(answer)?.Length ?? 0) > 0 || (result.GetValue(input)?.Length ?? 0) > 0 || result.GetValue(inputFile) is not null))
                result.AddError("--worst-case takes no --input, --fail or --answer: it covers every path");
        });
        command.SetAction(parseResult =>
        {
            var invocation = parseResult.InvocationConfiguration;
            var inputs = CommonOptions.WithInputFile(parseResult.GetValue(inputFile), parseResult.GetValue(input) ?? [], invocation.Error);
            if (inputs is null) return ExitCodes.Usage;
            var options = new SimulateOptions(
                parseResult.GetValue(file) ?? "",
                inputs,
                parseResult.GetValue(fail) ?? [],
                parseResult.GetValue(answer) ?? [],
                parseResult.GetValue(seed),
                parseResult.GetValue(runs),
                parseResult.GetValue(worstCase),
                parseResult.GetValue(format) == "json",
                color,
                Interactive: ReferenceEquals(invocation.Output, Console.Out) && !Console.IsOutputRedirected);
            return Run(options, invocation.Output, invocation.Error);
        });
        return command;
    }

    public int Run(SimulateOptions options, TextWriter stdout, TextWriter stderr)
    {
        using var stop = new CancellationTokenSource();
        // Ctrl+C and SIGTERM stop a long --runs on every worker at once: a message, no partial figures.
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        try
        {
            return RunAsync(options, stdout, stderr, stop.Token).AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    public async ValueTask<int> RunAsync(SimulateOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var loaded = PlaybookLoader.Load(options.File, stderr, options.Color && !Console.IsErrorRedirected, "simulate");
        if (loaded is null) return ExitCodes.Usage;
        var playbook = loaded.Compiled;
        var color = options.Color && !options.Json;
        var text = new SimulationText(color);

        if (options.WorstCase)
        {
            var ends = WorstCaseReport.Build(loaded.Model, loaded.CalleeWorstCase);
            var cleanup = Timing.WorstCaseAnalysis.CleanupWorstCase(loaded.Model, loaded.CalleeWorstCase);
            if (options.Json) stdout.Write(SimulationJson.WorstCase(playbook, ends, cleanup));
            else
            {
                text.WriteWorstCase(playbook, ends, stdout);
                if (cleanup is { } c) text.WriteCleanupWorstCase(c.Total, c.Path, stdout);
            }
            stdout.Flush();
            return ExitCodes.Success;
        }

        var errors = new List<string>();
        var script = BuildScript(playbook, options, errors);
        var given = CommonOptions.ParseInputs(options.Inputs, errors);
        var (values, bindErrors) = RunParameters.Bind(playbook, given, Simulator.PlaceholderSecret);
        errors.AddRange(bindErrors);
        if (errors.Count > 0)
        {
            foreach (var e in errors) stderr.WriteLine($"playbook: {e}");
            return ExitCodes.Usage;
        }

        if (HintCoverage.HasNoHints(playbook)) stderr.WriteLine($"playbook: {HintCoverage.NoHintsWarning}");
        var simulator = new Simulator(playbook, loaded.ResolveCallee);
        if (options.Runs is { } n)
        {
            MonteCarloResult result;
            try
            {
                result = options.Interactive && !options.Json && n >= ProgressThreshold
                    ? await WithProgressAsync(n, progress => simulator.MonteCarloAsync(n, options.Seed, values, script, progress, cancellationToken)).ConfigureAwait(false)
                    : await simulator.MonteCarloAsync(n, options.Seed, values, script, ct: cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                stderr.WriteLine($"playbook: simulation interrupted before its {n:N0} runs finished: no figures");
                return RunCommand.Interrupted;
            }
            if (options.Json) stdout.Write(SimulationJson.MonteCarlo(playbook, result));
            else text.WriteMonteCarlo(playbook, result, stdout);
            stdout.Flush();
            return ExitCodes.Success;
        }

        var run = await simulator.RunOnceAsync(script, values, options.Seed).ConfigureAwait(false);
        if (options.Json) stdout.Write(SimulationJson.Run(playbook, run, options.Seed));
        else text.WriteRun(playbook, run, options.Seed, stdout);
        stdout.Flush();
        return run.Status switch
        {
            RunStatus.Success => ExitCodes.Success,
            RunStatus.Failure => ExitCodes.Failed,
            _ => Aborted,
        };
    }

    /// <summary>A Spectre.Console progress bar on the terminal while the runs go; cleared when done, so
    /// only the report stays. Never used for redirected output.</summary>
    private static async Task<MonteCarloResult> WithProgressAsync(int runs, Func<IProgress<int>, ValueTask<MonteCarloResult>> work) =>
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("simulating", maxValue: runs);
                var result = await Task.Run(async () => await work(new TaskProgress(task)).ConfigureAwait(false)).ConfigureAwait(false);
                task.Value = runs;
                return result;
            }).ConfigureAwait(false);

    /// <summary>Sets the task's value directly (no synchronization context hop, unlike <see cref="Progress{T}"/>).</summary>
    private sealed class TaskProgress(ProgressTask task) : IProgress<int>
    {
        public void Report(int value) => task.Value = value;
    }

    /// <summary>--fail and --answer as a <see cref="SimulationScript"/>; unknown or unsuitable state names
    /// become errors with a suggestion.</summary>
    internal static SimulationScript BuildScript(CompiledPlaybook playbook, SimulateOptions options, List<string> errors)
    {
        var script = new SimulationScript();
        // Steps and polling waits make attempts that can fail.
        var failable = playbook.States.Where(s => s.Kind == StateKind.Step || s.Kind == StateKind.Wait && s.Action is not null).Select(s => s.Name).ToList();
        var manual = playbook.States.Where(s => s.Kind == StateKind.Manual).Select(s => s.Name).ToList();
        foreach (var spec in options.Failures)
        {
            var (name, count) = Split(spec);
            var attempts = int.MaxValue;
            if (count is not null && (!int.TryParse(count, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out attempts) || attempts < 1))
            {
                errors.Add($"--fail {spec}: the number of failing attempts must be a whole number of at least 1");
                continue;
            }
            if (CheckName(playbook, name, failable, "--fail", errors, "is not a step that can fail")) script.Failures[name] = attempts;
        }
        foreach (var spec in options.Answers)
        {
            var (name, value) = Split(spec);
            if (value is not ("approve" or "reject" or "timeout"))
            {
                errors.Add($"--answer {spec}: give STEP=approve, STEP=reject or STEP=timeout");
                continue;
            }
            if (name.Contains('[', StringComparison.Ordinal))
            {
                // One item's manual step, by its address (approve-each[2]/approve): answered before the answer for every item.
                if (ItemManualStep(playbook, name, spec, errors)) script.Answers[name] = value;
                continue;
            }
            if (CheckName(playbook, name, manual, "--answer", errors, "is not a manual step")) script.Answers[name] = value;
        }
        return script;
    }

    /// <summary>An item address (<c>FOREACH[i]/STATE</c>) of this playbook that names a manual step of the body. A dry
    /// run does not reach into called playbooks' items: their steps run as their hints say.</summary>
    private static bool ItemManualStep(CompiledPlaybook playbook, string name, string spec, List<string> errors)
    {
        if (Playbook.LiveRuns.StateAddress.Resolve(playbook, name, (_, _) => null, out var unresolved) is not { } state)
        {
            errors.Add($"--answer {spec}: {unresolved}");
            return false;
        }
        if (name.IndexOf('/', StringComparison.Ordinal) != name.LastIndexOf('/'))
        {
            errors.Add($"--answer {spec}: a dry run answers the items of this playbook's own foreach states (FOREACH[i]/STATE), not a called playbook's");
            return false;
        }
        if (state.Kind == StateKind.Manual) return true;
        errors.Add($"--answer {spec}: '{state.Name}' is not a manual step: it is a {state.Symbol.KindName}");
        return false;
    }

    private static bool CheckName(CompiledPlaybook playbook, string name, IReadOnlyList<string> allowed, string option, List<string> errors, string notSuitable)
    {
        if (allowed.Contains(name, StringComparer.Ordinal)) return true;
        if (playbook.ByName.TryGetValue(name, out var state))
        {
            var hint = option == "--fail" && state.Kind == StateKind.Manual ? $" (answer it instead: --answer {name}=reject)" : "";
            errors.Add($"{option} {name}: '{name}' {notSuitable}: it is a {state.Symbol.KindName}{hint}");
            return false;
        }
        var suggestion = Spelling.Suggest(name, allowed) is { } s ? $" (did you mean '{s}'?)" : "";
        var list = allowed.Count == 0 ? "it has none" : "they are: " + string.Join(", ", allowed);
        errors.Add($"{option} {name}: playbook '{playbook.Name}' has no state '{name}'{suggestion}; {list}");
        return false;
    }

    private static (string Name, string? Value) Split(string spec)
    {
        var eq = spec.IndexOf('=');
        return eq < 0 ? (spec, null) : (spec[..eq], spec[(eq + 1)..]);
    }
}
