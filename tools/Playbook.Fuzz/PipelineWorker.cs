using System.Text.Json;

namespace Playbook.Fuzz;

/// <summary>One request to a pipeline worker: a mutant's path, and whether to check its line-ending parity.</summary>
public sealed record WorkerRequest(string Path, bool Parity);

/// <summary>A worker's answer for the pipeline part of a request (the "P" line).</summary>
/// <param name="CheckCpuSeconds">CPU time of reading, parsing and checking (the worker's, all threads).</param>
/// <param name="CpuSeconds">CPU time of the whole pipeline: what the fuzz bound judges.</param>
public sealed record PipelineAnswer(bool Valid, bool Simulated, double CheckSeconds, double ElapsedSeconds, string? Failure, double CheckCpuSeconds, double CpuSeconds);

/// <summary>A worker's answer for the parity part of a request (the "Q" line): null when LF, CR and CRLF agree.</summary>
public sealed record ParityAnswer(string? Difference, double CpuSeconds);

/// <summary>The child side of <see cref="PipelineProcess"/> (<c>Playbook.Fuzz --pipeline-worker</c>): reads one
/// JSON request a line from stdin, runs the in-process pipeline on it, then the parity check, and answers
/// each with a line on stdout. It runs on a 256 MiB-stack thread like <see cref="FuzzPipeline.Run"/> but with
/// no time-out of its own: the parent kills the whole process when an answer is late, so nothing a hung
/// mutant holds outlives it (threads left running in one long process made the harness die "Out of memory.").</summary>
public static class PipelineWorker
{
    public const string Ready = "READY";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static int Serve(TextReader input, TextWriter output, IReadOnlyList<string> warmUp)
    {
        var exit = 0;
        var thread = new Thread(() => exit = Loop(input, output, warmUp), 256 * 1024 * 1024) { Name = "fuzz worker" };
        thread.Start();
        thread.Join();
        return exit;
    }

    private static int Loop(TextReader input, TextWriter output, IReadOnlyList<string> warmUp)
    {
        // Loads and JIT-compiles Jint and Roslyn before the first timed mutant.
        foreach (var path in warmUp) FuzzPipeline.RunHere(path, simulate: true);
        output.WriteLine(Ready);
        output.Flush();
        while (input.ReadLine() is { } line)
        {
            var request = JsonSerializer.Deserialize<WorkerRequest>(line, s_json) ?? throw new InvalidDataException("empty request");
            var outcome = FuzzPipeline.RunHere(request.Path, simulate: true);
            var answer = new PipelineAnswer(outcome.Valid, outcome.Simulated, outcome.CheckTime.TotalSeconds, outcome.Elapsed.TotalSeconds, outcome.Failure?.ToString(),
                outcome.CheckCpu.TotalSeconds, outcome.Cpu.TotalSeconds);
            output.WriteLine("P " + JsonSerializer.Serialize(answer, s_json));
            output.Flush();
            if (!request.Parity) continue;
            var cpu = Environment.CpuUsage.TotalTime;
            var difference = Parity(request.Path);
            output.WriteLine("Q " + JsonSerializer.Serialize(new ParityAnswer(difference, (Environment.CpuUsage.TotalTime - cpu).TotalSeconds), s_json));
            output.Flush();
        }
        return 0;
    }

    /// <summary>Null when the LF, CR and CRLF variants of the file give the same "line:col ID" list, else
    /// the first difference. The variants are written to one path beside the file, so messages that name a
    /// file (the mutant, a callee it looks for) agree.</summary>
    public static string? Parity(string path)
    {
        var (lf, cr, crlf) = FuzzPipeline.LineEndingVariants(File.ReadAllBytes(path));
        var folder = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, "parity")).FullName;
        var variantPath = System.IO.Path.Combine(folder, "mutant.playbook");
        var results = new List<IReadOnlyList<string>>();
        foreach (var bytes in new[] { lf, cr, crlf })
        {
            File.WriteAllBytes(variantPath, bytes);
            results.Add(FuzzPipeline.Diagnostics(variantPath));
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
}
