using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Playbook.Checking;
using Playbook.Parsing;
using Playbook.Semantics;
using Playbook.Text;

namespace Playbook.Benchmarks;

/// <summary>Small helpers run instead of BenchmarkDotNet (see README.md): write the generated playbook,
/// check a file, time parse and each check separately, loop simulated runs (for dotnet-trace), or
/// interleave raw and journal appends.</summary>
public static class DevCommands
{
    public static int Run(string[] args)
    {
        try
        {
            return RunCommand(args);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"Playbook.Benchmarks {args[0]}: {e.Message}");
            return 2;
        }
    }

    /// <summary>A command line this tool cannot use: said in one line, exit 2, no stack trace.</summary>
    internal sealed class UsageException(string message) : Exception(message);

    /// <summary>The whole number at <paramref name="index"/>, or <paramref name="fallback"/> when the command line stops
    /// before it.</summary>
    internal static int IntArg(string[] args, int index, int? fallback = null)
    {
        if (index >= args.Length)
            return fallback ?? throw new UsageException($"argument {index} is missing (a whole number)");
        return int.TryParse(args[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"'{args[index]}' is not a whole number (argument {index})");
    }

    private static int RunCommand(string[] args)
    {
        switch (args[0])
        {
            case "--generate":
                Console.Write(PlaybookGenerator.Generate(IntArg(args, 1, 10_000)));
                return 0;
            case "--check":
            {
                var (path, text) = Input(args);
                var diagnostics = PlaybookDocument.FromText(path, text).Check();
                foreach (var d in diagnostics) Console.WriteLine(d);
                Console.WriteLine($"{PlaybookGenerator.CountLines(text)} lines, {diagnostics.Count} diagnostics");
                return 0;
            }
            case "--profile":
            {
                var (path, text) = Input(args);
                Profile(path, text, IntArg(args, 2, 20));
                return 0;
            }
            case "--parse-check":
            {
                // A plain loop of what ParseCheckLargeBenchmarks.ParseAndCheck does, for dotnet-trace or callgrind.
                var text = PlaybookGenerator.Generate();
                var path = Path.Combine(Path.GetTempPath(), PlaybookGenerator.FileName);
                var n = IntArg(args, 1, 50);
                var count = 0;
                for (var i = 0; i < 3; i++) ParseCheckLoop(path, text);
                // --parse-check N allocations: which types the loop allocates (sampled), instead of the time.
                using var sampler = args.Length > 2 && args[2] == "allocations" ? new AllocationSampler() : null;
                sampler?.Start();
                var times = new List<double>();
                // CPU time next to wall time: on a loaded machine waiting for a core inflates the wall clock.
                var process = Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                for (var i = 0; i < n; i++)
                {
                    var sw = Stopwatch.StartNew();
                    count += ParseCheckLoop(path, text);
                    times.Add(sw.Elapsed.TotalMilliseconds);
                }
                sampler?.Stop();
                process.Refresh();
                var cpuEach = (process.TotalProcessorTime - cpu).TotalMilliseconds / Math.Max(1, n);
                Console.WriteLine($"{n} x parse + check: min {times.Min():F2} ms, median {Median(times):F2} ms, process CPU {cpuEach:F2} ms each, {count / Math.Max(1, n)} diagnostics");
                sampler?.Print(n);
                return 0;
            }
            case "--simulate":
                SimulationBenchmarks.Loop(IntArg(args, 1, 200_000), allocations: args.Length > 2 && args[2] == "allocations");
                return 0;
            case "--simulate-cores":
                MonteCarloCoresLoop.Run(IntArg(args, 1, 100_000), IntArg(args, 2, 5));
                return 0;
            case "--empty-enumerator":
                SharedEmptyEnumerator.Run(IntArg(args, 1, 100_000_000));
                return 0;
            case "--empty-enumerator-users":
                EmptyEnumeratorUsers.Run(IntArg(args, 1, 2_000));
                return 0;
            case "--bare-cores":
                BareReplayOnCores.Run(IntArg(args, 1, 200_000), IntArg(args, 2, 5));
                return 0;
            case "--simulate-warm-up":
                MonteCarloCoresLoop.WarmUp(IntArg(args, 1, 100_000), IntArg(args, 2, Environment.ProcessorCount));
                return 0;
            case "--allocation-scaling":
                AllocationScaling.Run(IntArg(args, 1, 200_000),
                    IntArg(args, 2, 2_000),
                    args.Length > 3 ? Enumerable.Range(3, args.Length - 3).Select(i => IntArg(args, i)).ToList() : [0, 4_096, 27_000]);
                return 0;
            case "--allocation-scaling-child":
                AllocationScaling.Child(IntArg(args, 1), IntArg(args, 2), IntArg(args, 3));
                return 0;
            case "--simulate-cores-processes":
                MonteCarloCoresLoop.Processes(IntArg(args, 1, 100_000), IntArg(args, 2, 3));
                return 0;
            case "--simulate-cores-child":
                MonteCarloCoresLoop.Child(IntArg(args, 1));
                return 0;
            case "--lsp":
                LanguageServerLoop.Run(IntArg(args, 1, 1_000), IntArg(args, 2, 10_000)).GetAwaiter().GetResult();
                return 0;
            case "--cold-start":
                return ColdStartLoop.Run(IntArg(args, 1, 20), args.Length > 2 ? args[2] : null);
            case "--store":
                return StoreBenchmark.Run(args);
            case "--journal":
                JournalBenchmarks.Loop(IntArg(args, 1, 50));
                return 0;
            default:
                return -1;
        }
    }

    private static int ParseCheckLoop(string path, string text) => PlaybookDocument.FromText(path, text).Check().Count;

    /// <summary>The file named after the command, or the generated 10 000-line playbook.</summary>
    private static (string Path, string Text) Input(string[] args) =>
        args.Length > 1 && args[1] != "generated"
            ? (Path.GetFullPath(args[1]), File.ReadAllText(args[1]))
            : (Path.Combine(Path.GetTempPath(), PlaybookGenerator.FileName), PlaybookGenerator.Generate());

    /// <summary>Median time of parse, model build, flow graph, worst-case analysis and each check, over
    /// <paramref name="iterations"/> runs after two warm-up runs.</summary>
    public static void Profile(string path, string text, int iterations)
    {
        var times = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        // Bytes allocated by each part (the same every run: the last run's figure is kept).
        var allocated = new Dictionary<string, long>(StringComparer.Ordinal);
        void Time(string name, Action action)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            action();
            sw.Stop();
            allocated[name] = GC.GetAllocatedBytesForCurrentThread() - before;
            if (!times.TryGetValue(name, out var list)) times[name] = list = new List<double>();
            list.Add(sw.Elapsed.TotalMilliseconds);
        }

        for (var run = 0; run < iterations + 2; run++)
        {
            var source = new SourceFile(path, text);
            ParseResult parse = null!;
            PlaybookModel model = null!;
            Time("parse (PlaybookParser.Parse)", () => parse = PlaybookParser.Parse(source));
            Time("model (PlaybookModel.Build)", () => model = PlaybookModel.Build(source, parse.Syntax!));
            var context = new CheckContext(model, new PlaybookWorkspace());
            Time("flow graph (CheckContext.Flow)", () => _ = context.Flow);
            Time("worst cases (CheckContext.WorstCases)", () => _ = context.WorstCases);
            foreach (var check in CheckRegistry.All) Time("check " + check.GetType().Name, () => check.Check(context));
            ExpressionCheckParts(context, Time);
            Time("whole: FromText(...).Check()", () => PlaybookDocument.FromText(path, text).Check());
            if (run < 2) foreach (var list in times.Values) list.Clear();
        }

        Console.WriteLine($"{Path.GetFileName(path)}: {PlaybookGenerator.CountLines(text)} lines, {text.Length} chars; median of {iterations} runs");
        var parts = times.Where(t => !t.Key.StartsWith("whole", StringComparison.Ordinal) && !t.Key.StartsWith(" ", StringComparison.Ordinal)).Select(t => (t.Key, Median: Median(t.Value))).ToList();
        var sum = parts.Sum(p => p.Median);
        foreach (var (name, median) in parts.OrderByDescending(p => p.Median))
            Console.WriteLine($"  {median,9:F2} ms  {100 * median / sum,5:F1}%  {allocated[name] / 1024.0,9:F0} KB  {name}");
        Console.WriteLine($"  {sum,9:F2} ms          sum of the parts");
        foreach (var (name, list) in times.Where(t => t.Key.StartsWith(" ", StringComparison.Ordinal)))
            Console.WriteLine($"  {Median(list),9:F2} ms         {allocated[name] / 1024.0,9:F0} KB  {name}");
        Console.WriteLine($"  {Median(times["whole: FromText(...).Check()"]),9:F2} ms         {allocated["whole: FromText(...).Check()"] / 1024.0,9:F0} KB  whole: FromText(...).Check()");
    }

    /// <summary>ExpressionCheck's own parts, reached by reflection (they are private; skipped if renamed):
    /// which captures reach each state, collecting every expression with its scope, and parsing the
    /// JavaScript expressions with Acornima.</summary>
    private static void ExpressionCheckParts(CheckContext context, Action<string, Action> time)
    {
        const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Static;
        var type = typeof(Playbook.Checking.Rules.ExpressionCheck);
        var captures = type.GetMethod("CapturesAvailable", Private);
        var collect = type.GetMethod("CollectUses", Private);
        if (captures is null || collect is null) return;
        time("  ExpressionCheck part: CapturesAvailable", () => captures.Invoke(null, new object[] { context }));
        System.Collections.IList uses = null!;
        time("  ExpressionCheck part: CollectUses (incl. CapturesAvailable)", () => uses = (System.Collections.IList)collect.Invoke(null, new object[] { context })!);
        var codes = new List<string>();
        foreach (var use in uses)
        {
            var expression = (Playbook.Syntax.ExpressionSyntax)use!.GetType().GetProperty("Expression")!.GetValue(use)!;
            codes.Add(expression.Code);
        }
        time($"  ExpressionCheck part: JavaScriptAnalyzer.Analyze x{codes.Count}", () =>
        {
            foreach (var code in codes) Playbook.Expressions.JavaScriptAnalyzer.Analyze(code);
        });
    }

    internal static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}
