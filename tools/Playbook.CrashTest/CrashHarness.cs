using System.Text;
using System.Text.Json;
using Playbook.LiveRuns;

namespace Playbook.CrashTest;

/// <summary>How the harness is to kill and resume.</summary>
public sealed record CrashOptions
{
    /// <summary>The built CLI the harness runs and kills.</summary>
    public required string PlaybookDll { get; init; }

    /// <summary>Stop once this many processes (runs and resumes) have been killed.</summary>
    public required int Kills { get; init; }

    /// <summary>Seeds every random choice (when to kill, which resumes to kill), so a failing schedule can be replayed.</summary>
    public int Seed { get; init; }

    /// <summary>Where the runs' directories and the shared journal go; a new temp directory by default.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>The chance that the harness, before a resume, lets a killed run's orphaned shell step finish on
    /// its own (the resume then takes its outcome from its status file); otherwise the resume finds it running
    /// and is told to wait for it or to kill it.</summary>
    public double OrphanEndsChance { get; init; } = 0.3;

    /// <summary>The chance that a resume that finds a step still running is told to wait for it (else to kill it).</summary>
    public double OrphanWaitChance { get; init; } = 0.5;

    /// <summary>The chance that a resume is killed too. High, because each kill is cheap next to the resume
    /// that finally has to run to the end.</summary>
    public double ResumeKillChance { get; init; } = 0.7;

    /// <summary>Gets one line per run: when it was killed, each resume and its answers, how it ended.</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>How a crash test went. <see cref="Violations"/> is empty when every run came out right.
/// <see cref="KillsInShellSteps"/> counts the kills after which a shell step's process was still running
/// (an orphan); each was then waited for (<see cref="OrphansWaited"/>) or stopped (<see cref="OrphansKilled"/>)
/// by a resume, or ended before the resume looked (<see cref="OrphansEnded"/>).</summary>
public sealed record CrashSummary(int Kills, int Runs, int RunsCompleted, int Resumes, IReadOnlyList<string> Violations, TimeSpan Elapsed,
    TimeSpan UninterruptedRun, string WorkDirectory)
{
    public int KillsInShellSteps { get; init; }

    public int OrphansWaited { get; init; }

    public int OrphansKilled { get; init; }

    public int OrphansEnded { get; init; }
}

/// <summary>Kills real runs of crash.playbook at random moments (SIGKILL, the dotnet process only, so a shell
/// step's process lives on as an orphan) and resumes them, killing some resumes too, until each reaches its
/// end; a resume that finds an orphan is told to wait for it or to kill it. Then checks that every change ran
/// exactly once, that no process of a killed runner still runs, that the run ended as an uninterrupted one
/// does, that <c>playbook runs</c> lists it as a success and that its journal reads clean. Shared by
/// <c>tools/Playbook.CrashTest</c> and the crash test.</summary>
public sealed class CrashHarness(CrashOptions options)
{
    /// <summary>A run that needs this many resumes is not converging: something is wrong.</summary>
    private const int MaxResumes = 50;

    private readonly Random _random = new(options.Seed);
    private readonly PlaybookProcess _process = new(options.PlaybookDll);
    private readonly List<string> _violations = new();
    private readonly List<string> _completed = new();
    private readonly List<TimeSpan> _lifetimes = new();
    private int _kills;
    private int _resumes;
    private int _killsInShellSteps;
    private int _orphansWaited;
    private int _orphansKilled;
    private int _orphansEnded;

    public async Task<CrashSummary> RunAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var playbook = CrashPlaybook.Beside();
        var root = options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), $"playbook-crash-{options.Seed}-{Guid.NewGuid():N}"[..40]);
        var journal = Path.Combine(root, "journal");
        Directory.CreateDirectory(journal);

        var (reference, uninterrupted) = await ReferenceAsync(playbook, root, journal);
        if (reference is null) return Summary(0, clock, uninterrupted, root);
        _lifetimes.Add(uninterrupted);
        Say($"uninterrupted run: {Ms(uninterrupted)}, ends {reference.Status} at '{reference.End}'; killing {options.Kills} times (seed {options.Seed})");

        var runs = 0;
        while (_kills < options.Kills)
        {
            runs++;
            await CycleAsync(runs, playbook, Path.Combine(root, $"run-{runs:D4}"), journal, reference, Window());
        }
        await CheckListedAsync(root, journal, reference);
        return Summary(runs, clock, uninterrupted, root);
    }

    private CrashSummary Summary(int runs, System.Diagnostics.Stopwatch clock, TimeSpan uninterrupted, string root) =>
        new(_kills, runs, Math.Max(0, _completed.Count - 1), _resumes, _violations, clock.Elapsed, uninterrupted, root)
        {
            KillsInShellSteps = _killsInShellSteps,
            OrphansWaited = _orphansWaited,
            OrphansKilled = _orphansKilled,
            OrphansEnded = _orphansEnded,
        };

    /// <summary>One run nobody kills: what every killed run must come out as, and how long a run takes.</summary>
    private async Task<(ReferenceRun?, TimeSpan)> ReferenceAsync(CrashPlaybook playbook, string root, string journal)
    {
        var directory = Path.Combine(root, "uninterrupted");
        playbook.CopyInto(directory);
        var outcome = await _process.RunAsync(directory, ["run", CrashPlaybook.FileName, "--journal", journal], killAfter: null);
        var path = NewJournals(journal, new HashSet<string>()).SingleOrDefault();
        if (outcome.ExitCode != 0 || path is null)
        {
            _violations.Add($"the uninterrupted run exited {outcome.ExitCode}: {outcome.Stderr.Trim()}");
            return (null, outcome.Lifetime);
        }
        _violations.AddRange(CrashChecks.Ledger(playbook.Changes, CrashPlaybook.ReadLedger(directory)).Select(v => "uninterrupted run: " + v));
        var run = JournaledRun.Read(path);
        _completed.Add(run.RunId);
        return (ReferenceRun.Of(run), outcome.Lifetime);
    }

    private async Task CycleAsync(int number, CrashPlaybook playbook, string directory, string journal, ReferenceRun reference, TimeSpan window)
    {
        playbook.CopyInto(directory);
        var before = Directory.EnumerateFiles(journal).ToHashSet(StringComparer.Ordinal);
        var log = new StringBuilder($"run {number}:");
        string? path = null;
        var outcome = await StartAsync(["run", CrashPlaybook.FileName, "--journal", journal], directory, KillAt(window, always: true), log, "run");
        if (!outcome.Killed && outcome.ExitCode == 0) _lifetimes.Add(outcome.Lifetime);
        var refusals = 0;
        for (var resumes = 0; ; resumes++)
        {
            if (!outcome.Killed && !(outcome.ExitCode == 2 && NeedsAnswers(outcome)))
            {
                if (outcome.ExitCode == 0) break;
                Violation(number, log, $"{(resumes == 0 ? "the run" : "a resume")} exited {outcome.ExitCode}: {FirstLines(outcome.Stderr + outcome.Stdout)}");
                return;
            }
            if (resumes == MaxResumes)
            {
                Violation(number, log, $"still not at its end after {MaxResumes} resumes");
                return;
            }
            path ??= NewJournals(journal, before).FirstOrDefault();
            if (path is null)
            {
                // Killed before it wrote its first record: nothing ran, and there is nothing to resume.
                await Orphans.WaitAsync(directory, TimeSpan.FromSeconds(2));
                outcome = await StartAsync(["run", CrashPlaybook.FileName, "--journal", journal], directory, KillAt(window, always: false), log, "nothing journaled, run again");
                continue;
            }
            var run = JournaledRun.Read(path);
            if (outcome.Killed && RunProcesses.Live(run).Count > 0) _killsInShellSteps++;
            if (outcome.Killed && _random.NextDouble() < options.OrphanEndsChance)
            {
                // The operator looks only once the step's process has ended: the resume takes its outcome as it is.
                var live = RunProcesses.Live(run).Count;
                await Orphans.WaitAsync(directory, TimeSpan.FromSeconds(5));
                _orphansEnded += live;
                run = JournaledRun.Read(path);
            }
            if (run.Finished)
            {
                log.Append(" (it had ended before the kill)");
                break;
            }
            if (run.Contents.Damage is { AtTail: false } damage)
            {
                Violation(number, log, $"the journal is damaged before its end after a kill: {damage.Reason}");
                return;
            }
            if (outcome.Killed) refusals = 0;
            else if (++refusals > 3)
            {
                Violation(number, log, $"resume keeps asking for answers: {FirstLines(outcome.Stderr)}");
                return;
            }
            var torn = run.Contents.Damage is not null;
            var answers = Answers(playbook, run, directory, out var waited, out var stopped);
            var inFlight = InFlight(run).Select(step => answers.FirstOrDefault(a => a.StartsWith(step + "=", StringComparison.Ordinal)) ?? step + " (idempotent)");
            string[] args = ["resume", run.RunId, "--journal", journal, .. answers.SelectMany(a => new[] { "--answer", a })];
            _resumes++;
            _orphansWaited += waited;
            _orphansKilled += stopped;
            outcome = await StartAsync(args, directory, KillAt(window, always: false), log,
                $"resume{(torn ? " (torn tail)" : "")} [in flight: {string.Join(", ", inFlight.DefaultIfEmpty("none"))}]");
            if (!outcome.Killed && outcome.ExitCode == 0 && torn && !outcome.Stdout.Contains("cut a torn record", StringComparison.Ordinal))
                Violation(number, log, "the journal had a torn tail, and the resume did not say it cut it");
        }
        if (path is null)
        {
            path = NewJournals(journal, before).FirstOrDefault();
            if (path is null)
            {
                Violation(number, log, "the run ended, but it left no journal");
                return;
            }
        }
        var problems = CrashChecks.Ledger(playbook.Changes, CrashPlaybook.ReadLedger(directory))
            .Concat(CrashChecks.Journal(path, reference))
            .Concat(CrashChecks.NothingLeftRunning(directory)).ToList();
        _completed.Add(JournaledRun.Read(path).RunId);
        log.Append(problems.Count == 0 ? " → ok" : "");
        foreach (var problem in problems) Violation(number, log, problem);
        if (problems.Count == 0) Say(log.ToString());
    }

    private async Task<ProcessOutcome> StartAsync(IReadOnlyList<string> args, string directory, TimeSpan? killAt, StringBuilder log, string what)
    {
        var outcome = await _process.RunAsync(directory, args, killAt);
        if (outcome.Killed) _kills++;
        log.Append($" {what} {(outcome.Killed ? $"killed at {Ms(outcome.Lifetime)}" : $"exit {outcome.ExitCode}")};");
        return outcome;
    }

    /// <summary>Kill moments are drawn uniformly over a whole run, start-up included, and a little past it (some
    /// runs end before their kill): 1.1 × the median of the last uninterrupted runs, since one run alone may
    /// have been slowed down by the machine's load, and then most kills would come too late.</summary>
    private TimeSpan Window()
    {
        var last = _lifetimes.TakeLast(5).Order().ToList();
        return last[last.Count / 2] * 1.1;
    }

    /// <summary>When to kill the next process: always for a fresh run, sometimes for a resume; never once
    /// enough kills have happened, so the last run ends on its own.</summary>
    private TimeSpan? KillAt(TimeSpan window, bool always)
    {
        if (_kills >= options.Kills) return null;
        if (!always && _random.NextDouble() >= options.ResumeKillChance) return null;
        return window * _random.NextDouble();
    }

    /// <summary>A resume that stopped to ask: a step still running needs wait|kill, or a step whose process was
    /// just stopped needs rerun|skip|fail. The harness answers and resumes again.</summary>
    private static bool NeedsAnswers(ProcessOutcome outcome) => outcome.Stderr.Contains("say what to do with --answer", StringComparison.Ordinal);

    /// <summary>What an operator answers. A step whose process still runs: wait for it, or kill it (and decide what
    /// it did on the next resume, once it is stopped). Any other change: its line in the ledger says it ran, so
    /// skip it; else run it again (resume reads only the answers for steps in flight whose outcome is unknown).</summary>
    private List<string> Answers(CrashPlaybook playbook, JournaledRun run, string directory, out int waited, out int stopped)
    {
        waited = stopped = 0;
        // By address: a foreach's items are answered one by one (each-item[2]/put), as an operator who checked each would.
        var live = RunProcesses.Live(run).Select(p => StateAddress.ItemAddressOf(p.Flow, p.State)).ToHashSet(StringComparer.Ordinal);
        var ledger = CrashPlaybook.ReadLedger(directory);
        var answers = new List<string>();
        foreach (var step in live)
        {
            var wait = _random.NextDouble() < options.OrphanWaitChance;
            if (wait) waited++;
            else stopped++;
            answers.Add($"{step}={(wait ? "wait" : "kill")}");
        }
        answers.AddRange(playbook.Writes.Where(w => !live.Contains(w.Address)).Select(w => $"{w.Address}={(ledger.Contains(w.Line) ? "skip" : "rerun")}"));
        return answers;
    }

    /// <summary>The final check, once for all runs: <c>playbook runs</c> lists each as it ended.</summary>
    private async Task CheckListedAsync(string root, string journal, ReferenceRun reference)
    {
        var outcome = await _process.RunAsync(root, ["runs", "--journal", journal, "--format", "json"], killAfter: null);
        if (outcome.ExitCode != 0)
        {
            _violations.Add($"'playbook runs' exited {outcome.ExitCode}: {FirstLines(outcome.Stderr)}");
            return;
        }
        using var listed = JsonDocument.Parse(outcome.Stdout);
        var status = listed.RootElement.GetProperty("runs").EnumerateArray().ToDictionary(r => r.GetProperty("run").GetString() ?? "", r => r.GetProperty("status").GetString() ?? "", StringComparer.Ordinal);
        foreach (var id in _completed) _violations.AddRange(CrashChecks.Listed(id, status, reference));
    }

    /// <summary>Journals in <paramref name="journal"/> that start a run and are not in <paramref name="before"/>.</summary>
    private static IEnumerable<string> NewJournals(string journal, IReadOnlySet<string> before) =>
        Directory.EnumerateFiles(journal, "*" + JournaledRun.Extension).Order(StringComparer.Ordinal)
            .Where(p => !before.Contains(p) && JournaledRun.Read(p).IsRun);

    /// <summary>The steps whose attempt had started and not ended when the process died.</summary>
    private static IEnumerable<string> InFlight(JournaledRun run)
    {
        var open = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in run.Records)
        {
            var key = $"{r.Body.String("flow")}/{r.Body.String("state")}#{r.Body.Long("attempt")}";
            if (r.Type == "attempt-started") open[key] = StateAddress.ItemAddressOf(r.Body.String("flow") ?? "", r.Body.String("state") ?? "");
            else if (r.Type == "attempt-ended") open.Remove(key);
        }
        return open.Values;
    }

    private void Violation(int number, StringBuilder log, string problem)
    {
        var text = $"{log} ✗ {problem}";
        _violations.Add(text);
        Say(text);
    }

    private void Say(string line) => options.Log?.Invoke(line);

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0}ms";

    private static string FirstLines(string text) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(6));
}
