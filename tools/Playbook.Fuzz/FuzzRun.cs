using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Playbook.Fuzz;

/// <param name="AllowanceSeconds">CPU seconds a mutant's pipeline may use beyond 2 s per MiB (the worker is warm).</param>
/// <param name="CliAllowanceSeconds">CPU seconds a CLI process may use beyond 2 s per MiB: start-up, loading and
/// JIT-compiling the engine, Jint and Roslyn.</param>
public sealed record FuzzOptions(int Mutants, int Seed, string Corpus, string Failures, int Batch = 50, int CliEvery = 5,
    double AllowanceSeconds = 2, double CliAllowanceSeconds = 4, int ParityMaxBytes = 512 * 1024, int From = 0);

/// <summary>One finding: what went wrong with which mutant.</summary>
public sealed record Finding(string Kind, Mutant Mutant, string Detail);

/// <summary>Mutates the corpus and runs every mutant through <c>playbook validate</c> out of process (in
/// batches of a folder each; a batch that does not answer in its budget is re-run file by file to name the
/// mutant), through the pipeline and the line-ending parity check in a worker process, and — for every K-th
/// mutant without errors — through <c>graph</c>, <c>simulate</c> and <c>test</c> out of process. Every part is
/// judged by its CPU time against 2 s per MiB plus an allowance (<see cref="CpuBudget"/>); the wall clock only
/// catches hangs. Failing mutants are saved with a note saying why.</summary>
public sealed class FuzzRun(FuzzOptions options, string playbookDll, string fuzzDll, TextWriter log)
{
    private readonly CliRun _cli = new(playbookDll);
    private PipelineProcess _pipeline = null!;
    public List<Finding> Findings { get; } = new();
    public int Valid { get; private set; }
    public int CliCommands { get; private set; }
    public long Bytes { get; private set; }
    /// <summary>The largest CPU per MiB of checking (read → parse → check) among files from 256 KiB.</summary>
    public (double SecondsPerMiB, Mutant? Mutant) SlowestPerMiB { get; private set; }
    /// <summary>The largest CPU per MiB of a CLI process (graph, simulate, test) among files from 256 KiB, start-up included.</summary>
    public (double SecondsPerMiB, Mutant? Mutant, string? Command) SlowestCliPerMiB { get; private set; }
    public (TimeSpan Time, Mutant? Mutant) SlowestSmall { get; private set; }
    public int ParityChecked { get; private set; }
    public int Workers => _pipeline?.Started ?? 0;

    /// <summary>Files from 256 KiB up are judged per MiB; below, start-up costs dominate and the time is shown as is.</summary>
    private const int PerMiBFrom = 256 * 1024;

    public void Execute()
    {
        var corpus = Mutator.LoadCorpus(options.Corpus);
        var mutator = new Mutator(corpus, options.Seed);
        var work = Directory.CreateTempSubdirectory("playbook-fuzz-").FullName;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // The worker warms up (loads and JIT-compiles Jint and Roslyn) on two originals before its first mutant.
            _pipeline = new PipelineProcess(fuzzDll, corpus.Take(2).Select(c => Path.Combine(options.Corpus, c.Name)).ToList());
            // Mutant i depends only on the seed and i, so --from N continues a run with the same mutants.
            for (var first = options.From; first < options.Mutants; first += options.Batch)
            {
                var mutants = Enumerable.Range(first, Math.Min(options.Batch, options.Mutants - first)).Select(mutator.Make).ToList();
                RunBatch(Path.Combine(work, $"batch-{first / options.Batch}"), corpus, mutants);
                int Count(string kind) => Findings.Count(f => f.Kind.Contains(kind, StringComparison.Ordinal));
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{first + mutants.Count}/{options.Mutants} mutants, {Findings.Count} findings (crash {Count("crash")}, hang {Count("hang")}, exception {Count("exception")}, slow {Count("slow")}, parity {Count("line-ending parity")} of {ParityChecked} checked), slowest check {SlowestPerMiB.SecondsPerMiB:0.00} s CPU/MiB, CLI {SlowestCliPerMiB.SecondsPerMiB:0.00} s CPU/MiB, {clock.Elapsed.TotalMinutes:0.0} min, load {Load()}"));
            }
        }
        finally
        {
            _pipeline?.Dispose();
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static string FileName(Mutant m) => $"m{m.Index}.playbook";

    private void RunBatch(string dir, IReadOnlyList<(string Name, string Text)> corpus, List<Mutant> mutants)
    {
        Directory.CreateDirectory(dir);
        // The originals sit beside the mutants, so a mutant's 'call' resolves as it does in playbooks/.
        foreach (var (name, text) in corpus) File.WriteAllText(Path.Combine(dir, name), text);
        foreach (var m in mutants)
        {
            File.WriteAllBytes(Path.Combine(dir, FileName(m)), m.Bytes);
            Bytes += m.Bytes.Length;
        }

        // 1. validate, out of process: a stack overflow or an abort shows as an exit code, not as our own death.
        var total = mutants.Sum(m => (long)m.Bytes.Length) + corpus.Sum(c => (long)c.Text.Length);
        var batch = _cli.Run(dir, CpuBudget.For(total, TimeSpan.FromSeconds(options.CliAllowanceSeconds)), "validate", ".");
        CliCommands++;
        if (!batch.Answered || batch.Judgement.Verdict != Verdict.InBudget)
        {
            foreach (var m in mutants)
            {
                var alone = _cli.Run(dir, CliBudget(m), "validate", FileName(m));
                CliCommands++;
                JudgeCli("validate", m, alone, dir, FileName(m));
            }
        }

        foreach (var m in mutants)
        {
            var path = Path.Combine(dir, FileName(m));
            // 2. the whole pipeline, and 3. CR, LF and CRLF give the same diagnostics: in a worker process that
            // is killed when a part is stopped, so a hung mutant takes nothing it holds along.
            var budget = CpuBudget.For(m.Bytes.Length, TimeSpan.FromSeconds(options.AllowanceSeconds));
            var parity = m.Bytes.Length <= options.ParityMaxBytes;
            if (parity) ParityChecked++;
            // A variant may be a little longer than the mutant (CRLF); the three are checked one after another.
            var parityBudget = 3 * CpuBudget.For(m.Bytes.Length * 2, TimeSpan.FromSeconds(options.AllowanceSeconds));
            var outcome = _pipeline.Check(path, parity, budget, parityBudget);
            if (outcome.Crash is { } crash) { Report($"{outcome.StoppedIn} crash", m, crash, dir); continue; }
            if (outcome.Pipeline is not { } answer) { Report(KindOf("pipeline", outcome.Stopped!), m, outcome.Stopped!.Describe(), dir); continue; }
            if (answer.Failure is { } e) { Report("pipeline exception", m, e, dir); continue; }
            var judged = CpuBudget.Finished(TimeSpan.FromSeconds(answer.CpuSeconds), TimeSpan.FromSeconds(answer.ElapsedSeconds), budget);
            if (judged.Verdict == Verdict.Slow) Report("pipeline slow", m, judged.Describe(), dir);
            if (m.Bytes.Length >= PerMiBFrom)
            {
                var perMiB = answer.CheckCpuSeconds / m.MiB;
                if (perMiB > SlowestPerMiB.SecondsPerMiB) SlowestPerMiB = (perMiB, m);
            }
            else if (answer.CheckCpuSeconds > SlowestSmall.Time.TotalSeconds)
            {
                SlowestSmall = (TimeSpan.FromSeconds(answer.CheckCpuSeconds), m);
            }
            if (outcome.Stopped is { } parityStopped) { Report(KindOf("parity", parityStopped), m, parityStopped.Describe(), dir); continue; }
            if (outcome.Parity is { } parityAnswer)
            {
                if (parityAnswer.Difference is { } difference) Report("line-ending parity", m, difference, dir);
                if (parityAnswer.CpuSeconds > parityBudget.TotalSeconds)
                    Report("parity slow", m, CpuBudget.Finished(TimeSpan.FromSeconds(parityAnswer.CpuSeconds), TimeSpan.Zero, parityBudget).Describe(), dir);
            }

            // 4. a mutant without errors goes through the commands that compile, draw and simulate it.
            if (!answer.Valid) continue;
            Valid++;
            if (Valid % options.CliEvery != 0) continue;
            var scenarios = Path.Combine(options.Corpus, Path.GetFileNameWithoutExtension(m.Seed) + ".scenarios.yaml");
            var commands = new List<string[]> { new[] { "graph", FileName(m) }, new[] { "simulate", FileName(m) }, new[] { "simulate", FileName(m), "--runs", "200" } };
            if (File.Exists(scenarios))
            {
                var yaml = Regex.Replace(File.ReadAllText(scenarios), @"(?m)^playbook:.*$", "playbook: " + FileName(m));
                var scenarioFile = $"m{m.Index}.scenarios.yaml";
                File.WriteAllText(Path.Combine(dir, scenarioFile), yaml);
                commands.Add(new[] { "test", scenarioFile });
            }
            foreach (var args in commands)
            {
                var result = _cli.Run(dir, CliBudget(m), args);
                CliCommands++;
                JudgeCli(args[0], m, result, dir, string.Join(' ', args));
            }
        }
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>A CLI process that crashed, was stopped (hang, or far over its CPU budget) or went over its
    /// budget is a finding; the CPU per MiB of one that answered is kept for the summary.</summary>
    private void JudgeCli(string command, Mutant m, CliOutcome result, string dir, string what)
    {
        if (result.Killed) { Report(KindOf(command, result.Judgement), m, $"{what}: {result.Describe()}\n{result.Stderr}", dir); return; }
        if (!result.Answered) { Report($"{command} crash", m, $"{what}: {result.Describe()}\n{result.Stderr}", dir); return; }
        if (result.Judgement.Verdict == Verdict.Slow) Report($"{command} slow", m, $"{what}: {result.Describe()}", dir);
        if (m.Bytes.Length >= PerMiBFrom && result.Judgement.Cpu.TotalSeconds / m.MiB > SlowestCliPerMiB.SecondsPerMiB)
            SlowestCliPerMiB = (result.Judgement.Cpu.TotalSeconds / m.MiB, m, what);
    }

    private static string KindOf(string part, Judgement stopped) => part + (stopped.Verdict == Verdict.Hang ? " hang" : " slow");

    private TimeSpan CliBudget(Mutant m) => CpuBudget.For(m.Bytes.Length, TimeSpan.FromSeconds(options.CliAllowanceSeconds));

    private void Report(string kind, Mutant m, string detail, string dir)
    {
        Findings.Add(new Finding(kind, m, detail));
        log.WriteLine($"  {kind}: mutant {m.Index} ({m.Seed}, {m.Mutations}, {m.Bytes.Length} bytes): {detail.Split('\n')[0]}");
        Directory.CreateDirectory(options.Failures);
        var stem = Path.Combine(options.Failures, $"seed{options.Seed}-m{m.Index}");
        File.WriteAllBytes(stem + ".playbook", m.Bytes);
        File.AppendAllText(stem + ".txt", string.Create(CultureInfo.InvariantCulture,
            $"{kind}\nseed {options.Seed}, mutant {m.Index}, from {m.Seed}, mutations {m.Mutations}, {m.Bytes.Length} bytes\n{detail}\n\n"), Encoding.UTF8);
    }
}
