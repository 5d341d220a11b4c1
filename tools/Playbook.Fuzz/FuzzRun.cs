using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Playbook.Fuzz;

public sealed record FuzzOptions(int Mutants, int Seed, string Corpus, string Failures, int Batch = 50, int CliEvery = 5,
    double AllowanceSeconds = 5, double CliAllowanceSeconds = 15, int ParityMaxBytes = 512 * 1024, int From = 0);

/// <summary>One finding: what went wrong with which mutant.</summary>
public sealed record Finding(string Kind, Mutant Mutant, string Detail);

/// <summary>Mutates the corpus and runs every mutant through <c>playbook validate</c> out of process (in
/// batches of a folder each; a batch that does not answer is re-run file by file to name the mutant),
/// through the in-process pipeline (timed against 2 s per MiB plus an allowance), through the line-ending
/// parity check, and — for every K-th mutant without errors — through <c>graph</c>, <c>simulate</c> and
/// <c>test</c> out of process. Failing mutants are saved with a note saying why.</summary>
public sealed class FuzzRun(FuzzOptions options, string playbookDll, TextWriter log)
{
    private readonly CliRun _cli = new(playbookDll);
    public List<Finding> Findings { get; } = new();
    public int Valid { get; private set; }
    public int CliCommands { get; private set; }
    public long Bytes { get; private set; }
    public (double SecondsPerMiB, Mutant? Mutant) SlowestPerMiB { get; private set; }
    public (TimeSpan Time, Mutant? Mutant) SlowestSmall { get; private set; }
    public int ParityChecked { get; private set; }

    /// <summary>Files from 256 KiB up are judged per MiB; below, start-up costs dominate and the time is shown as is.</summary>
    private const int PerMiBFrom = 256 * 1024;

    public void Execute()
    {
        var corpus = Mutator.LoadCorpus(options.Corpus);
        var mutator = new Mutator(corpus, options.Seed);
        var work = Directory.CreateTempSubdirectory("playbook-fuzz-").FullName;
        try
        {
            // Warm up: the first check loads and JIT-compiles Jint and Roslyn, which no mutant should pay.
            foreach (var (name, _) in corpus.Take(2)) FuzzPipeline.Run(Path.Combine(options.Corpus, name), TimeSpan.FromMinutes(2));
            // Mutant i depends only on the seed and i, so --from N continues a run with the same mutants.
            for (var first = options.From; first < options.Mutants; first += options.Batch)
            {
                var mutants = Enumerable.Range(first, Math.Min(options.Batch, options.Mutants - first)).Select(mutator.Make).ToList();
                RunBatch(Path.Combine(work, $"batch-{first / options.Batch}"), corpus, mutants);
                log.WriteLine($"{first + mutants.Count}/{options.Mutants} mutants, {Findings.Count} findings, slowest {SlowestPerMiB.SecondsPerMiB:0.00} s/MiB");
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

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
        var batch = _cli.Run(dir, FuzzPipeline.Allowed(total, TimeSpan.FromSeconds(options.CliAllowanceSeconds * 2)), "validate", ".");
        CliCommands++;
        if (!batch.Answered)
        {
            foreach (var m in mutants)
            {
                var alone = _cli.Run(dir, CliLimit(m), "validate", FileName(m));
                CliCommands++;
                if (!alone.Answered) Report("validate " + (alone.TimedOut ? "hang" : "crash"), m, $"{alone.Describe()}\n{alone.Stderr}", dir);
            }
        }

        foreach (var m in mutants)
        {
            var path = Path.Combine(dir, FileName(m));
            // 2. the whole pipeline in process, timed.
            var allowed = FuzzPipeline.Allowed(m.Bytes.Length, TimeSpan.FromSeconds(options.AllowanceSeconds));
            var outcome = FuzzPipeline.Run(path, allowed);
            if (outcome.TimedOut) { Report("pipeline hang", m, $"still running after {allowed.TotalSeconds:0.0} s", dir); continue; }
            if (outcome.Failure is { } e) { Report("pipeline exception", m, e.ToString(), dir); continue; }
            if (outcome.Elapsed > allowed) Report("pipeline slow", m, $"{outcome.Elapsed.TotalSeconds:0.00} s, allowed {allowed.TotalSeconds:0.00} s", dir);
            if (m.Bytes.Length >= PerMiBFrom)
            {
                var perMiB = outcome.CheckTime.TotalSeconds / m.MiB;
                if (perMiB > SlowestPerMiB.SecondsPerMiB) SlowestPerMiB = (perMiB, m);
            }
            else if (outcome.CheckTime > SlowestSmall.Time)
            {
                SlowestSmall = (outcome.CheckTime, m);
            }

            // 3. CR, LF and CRLF give the same diagnostics.
            if (m.Bytes.Length <= options.ParityMaxBytes && Parity(dir, m) is { } parity) Report("line-ending parity", m, parity, dir);

            // 4. a mutant without errors goes through the commands that compile, draw and simulate it.
            if (!outcome.Valid) continue;
            Valid++;
            if (Valid % options.CliEvery != 0) continue;
            var seed = corpus.FirstOrDefault(c => c.Name == m.Seed);
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
                var result = _cli.Run(dir, CliLimit(m), args);
                CliCommands++;
                if (!result.Answered) Report($"{args[0]} " + (result.TimedOut ? "hang" : "crash"), m, $"{string.Join(' ', args)}: {result.Describe()}\n{result.Stderr}", dir);
            }
        }
        Directory.Delete(dir, recursive: true);
    }

    private TimeSpan CliLimit(Mutant m) => FuzzPipeline.Allowed(m.Bytes.Length, TimeSpan.FromSeconds(options.CliAllowanceSeconds));

    /// <summary>Null when the three line-ending variants give the same diagnostics, else the first difference.</summary>
    private string? Parity(string dir, Mutant m)
    {
        ParityChecked++;
        var (lf, cr, crlf) = FuzzPipeline.LineEndingVariants(m.Bytes);
        var results = new List<IReadOnlyList<string>>();
        // One path for all three, so messages that name a file (the mutant, a callee it looks for) agree.
        var folder = Directory.CreateDirectory(Path.Combine(dir, "parity")).FullName;
        var path = Path.Combine(folder, "mutant.playbook");
        foreach (var (variant, bytes) in new[] { ("LF", lf), ("CR", cr), ("CRLF", crlf) })
        {
            File.WriteAllBytes(path, bytes);
            IReadOnlyList<string>? found = null;
            var thread = new Thread(() => found = FuzzPipeline.Diagnostics(path), 256 * 1024 * 1024) { IsBackground = true };
            thread.Start();
            if (!thread.Join(FuzzPipeline.Allowed(bytes.Length, TimeSpan.FromSeconds(options.AllowanceSeconds)))) return $"{variant}: no answer in time";
            results.Add(found!);
        }
        for (var v = 1; v < 3; v++)
        {
            var name = v == 1 ? "CR" : "CRLF";
            var a = results[0];
            var b = results[v];
            for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
            {
                var x = i < a.Count ? a[i] : "(none)";
                var y = i < b.Count ? b[i] : "(none)";
                if (x != y) return $"LF gives  {x}\n{name} gives {y}";
            }
        }
        return null;
    }

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
