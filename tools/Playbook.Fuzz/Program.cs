using System.Diagnostics;
using Playbook.Fuzz;

// dotnet run -c Release --project tools/Playbook.Fuzz -- --mutants 10000 --seed 1 [--from N] [--out DIR] [--corpus DIR] [--cli-every K]
// dotnet run -c Release --project tools/Playbook.Fuzz -- --seed 1 --write 42 [--out DIR]   (writes mutant 42 of seed 1, to reproduce it)
// Exits 1 when any mutant crashed, hung, used more CPU than 2 s per MiB plus an allowance, or broke line-ending
// parity; each is saved to --out. Time is judged as CPU time (the wall clock only catches hangs): see CpuBudget.
// (--pipeline-worker WARMUP... is the child process the run starts to check mutants in: see PipelineWorker.)
if (args.Length > 0 && args[0] == "--pipeline-worker")
    return PipelineWorker.Serve(Console.In, Console.Out, args[1..]);

var mutants = 1000;
var seed = 1;
string? corpus = null;
var failures = Path.Combine(Environment.CurrentDirectory, "fuzz-failures");
var cliEvery = 5;
var from = 0;
int? write = null;
for (var i = 0; i < args.Length; i++)
{
    var next = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--mutants" when int.TryParse(next, out var n) && n > 0: mutants = n; i++; break;
        case "--seed" when int.TryParse(next, out var s): seed = s; i++; break;
        case "--corpus" when next is not null: corpus = next; i++; break;
        case "--out" when next is not null: failures = Path.GetFullPath(next); i++; break;
        case "--cli-every" when int.TryParse(next, out var k) && k > 0: cliEvery = k; i++; break;
        case "--from" when int.TryParse(next, out var f) && f >= 0: from = f; i++; break;
        case "--write" when int.TryParse(next, out var w) && w >= 0: write = w; i++; break;
        default:
            Console.Error.WriteLine("usage: Playbook.Fuzz [--mutants N] [--seed S] [--out DIR] [--corpus DIR] [--cli-every K] [--from N] [--write INDEX]");
            return 2;
    }
}
corpus ??= FindPlaybooks();
if (corpus is null)
{
    Console.Error.WriteLine("Playbook.Fuzz: no playbooks/ folder found above the current directory: give --corpus DIR");
    return 2;
}

if (write is { } index)
{
    // Reproduce one mutant: write it to --out and stop.
    var mutant = new Mutator(Mutator.LoadCorpus(corpus), seed).Make(index);
    Directory.CreateDirectory(failures);
    var file = Path.Combine(failures, $"seed{seed}-m{index}.playbook");
    File.WriteAllBytes(file, mutant.Bytes);
    Console.WriteLine($"{file}: from {mutant.Seed}, mutations {mutant.Mutations}, {mutant.Bytes.Length} bytes");
    return 0;
}

var dll = Path.Combine(AppContext.BaseDirectory, "playbook.dll");
var clock = Stopwatch.StartNew();
var fuzzDll = typeof(PipelineWorker).Assembly.Location;
var run = new FuzzRun(new FuzzOptions(mutants, seed, corpus, failures, CliEvery: cliEvery, From: from), dll, fuzzDll, Console.Out);
run.Execute();
clock.Stop();

Console.WriteLine();
Console.WriteLine($"mutants:            {mutants - from} of {mutants} (seed {seed}, from {from}), {run.Bytes / (1024.0 * 1024.0):0.0} MiB in all, {run.Valid} without errors");
Console.WriteLine($"pipeline workers:   {run.Workers} processes (restarted after a hang or crash and every {PipelineProcess.RecycleAfter} mutants)");
Console.WriteLine($"CLI processes:      {run.CliCommands} (validate in batches; graph, simulate x2, test for every {cliEvery}th mutant without errors)");
foreach (var kind in new[] { "crash", "hang", "exception", "slow", "line-ending parity" })
    Console.WriteLine($"{kind + ":",-19} {run.Findings.Count(f => f.Kind.Contains(kind, StringComparison.Ordinal))}");
Console.WriteLine($"parity checked:     {run.ParityChecked} mutants (LF, CR and CRLF)");
if (run.SlowestPerMiB.Mutant is { } slow)
    Console.WriteLine($"slowest check:      {run.SlowestPerMiB.SecondsPerMiB:0.00} s CPU/MiB (mutant {slow.Index}: {slow.Seed}, {slow.Mutations}, {slow.MiB:0.00} MiB; read, parse, check; files from 256 KiB)");
if (run.SlowestCliPerMiB.Mutant is { } slowCli)
    Console.WriteLine($"slowest CLI:        {run.SlowestCliPerMiB.SecondsPerMiB:0.00} s CPU/MiB (mutant {slowCli.Index}: {run.SlowestCliPerMiB.Command}, {slowCli.MiB:0.00} MiB, start-up included; files from 256 KiB)");
if (run.SlowestSmall.Mutant is { } small)
    Console.WriteLine($"slowest small:      {run.SlowestSmall.Time.TotalSeconds:0.00} s CPU to check (mutant {small.Index}: {small.Seed}, {small.Mutations}, {small.Bytes.Length} bytes)");
Console.WriteLine($"wall time:          {clock.Elapsed.TotalMinutes:0.0} min, load average at the end {LoadAverage()}");
if (run.Findings.Count > 0) Console.WriteLine($"failing mutants saved to {failures}");
return run.Findings.Count == 0 ? 0 : 1;

// The machine's load, so a wall time can be read for what it is.
static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

static string? FindPlaybooks()
{
    for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Playbook.sln")) && Directory.Exists(Path.Combine(dir.FullName, "playbooks")))
            return Path.Combine(dir.FullName, "playbooks");
    }
    return null;
}
