using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Nerdbank.Streams;
using Playbook.LanguageServer;
using StreamJsonRpc;

namespace Playbook.Benchmarks;

/// <summary><c>--lsp [EDITS] [MEMORY_EDITS]</c>: the language server in-process over a duplex pipe (real
/// JSON-RPC framing, as an editor talks to <c>playbook lsp</c>), on the generated 1 000-line playbook.
/// Per edit, the time from sending didChange (full text) to receiving its publishDiagnostics; per request,
/// a completion after "-> "; each next to <c>PlaybookDocument.FromText(path, text).Check()</c> of the same
/// text in-process — what <c>playbook validate</c> does for one file, without reading it from disk. Then the
/// managed heap after EDITS and after MEMORY_EDITS edits (full collection first): flat means the server keeps
/// nothing per edit.</summary>
public static class LanguageServerLoop
{
    private const string Uri = "file:///tmp/playbook-bench/generated-fleet.playbook";

    public static async Task Run(int edits, int memoryEdits)
    {
        var text = PlaybookGenerator.Generate(1_000);
        var lines = text.Split('\n');
        var path = new System.Uri(Uri).LocalPath;
        Console.WriteLine($"// playbook: {PlaybookGenerator.CountLines(text)} lines, {text.Length} chars; {Environment.ProcessorCount} cores, load {Load()}");

        var (clientStream, serverStream) = FullDuplexStream.CreatePair();
        using var server = new PlaybookLanguageServer(serverStream, serverStream);
        var serving = server.RunAsync();
        var published = Channel.CreateUnbounded<int>();
        using var rpc = new JsonRpc(new HeaderDelimitedMessageHandler(clientStream, clientStream, new SystemTextJsonFormatter()));
        rpc.AddLocalRpcTarget(new Notifications(published.Writer));
        rpc.StartListening();
        await rpc.InvokeWithParameterObjectAsync<JsonElement>("initialize", new { processId = (int?)null, rootUri = (string?)null, capabilities = new { } });
        await rpc.NotifyWithParameterObjectAsync("textDocument/didOpen", new { textDocument = new { uri = Uri, languageId = "playbook", version = 1, text } });
        await published.Reader.ReadAsync();

        var version = 1;
        // Edit i appends a comment to one line (a different line each time), so every change is a new text.
        string Edited(int i)
        {
            var copy = (string[])lines.Clone();
            var line = i * 37 % copy.Length;
            copy[line] += $" # edit {i}";
            return string.Join('\n', copy);
        }
        async Task<double> Change(string changed)
        {
            var v = ++version;
            var sw = Stopwatch.StartNew();
            await rpc.NotifyWithParameterObjectAsync("textDocument/didChange", new { textDocument = new { uri = Uri, version = v }, contentChanges = new[] { new { text = changed } } });
            while (await published.Reader.ReadAsync() != v) { }
            return sw.Elapsed.TotalMilliseconds;
        }

        for (var i = 0; i < 50; i++) { await Change(Edited(i)); PlaybookDocument.FromText(path, Edited(i)).Check(); }

        var server1 = new List<double>(edits);
        var validate = new List<double>(edits);
        // Where the tail comes from: per edit, the GC's pause time and the process's CPU time (every thread) spent
        // during it. A slow edit with little CPU time waited for a core; one with a long pause waited for the GC.
        var pauses = new List<double>(edits);
        var cpu = new List<double>(edits);
        var gen2 = GC.CollectionCount(2);
        var gen0 = GC.CollectionCount(0);
        for (var i = 0; i < edits; i++)
        {
            var changed = Edited(i);
            var pause = GC.GetTotalPauseDuration();
            var cpuBefore = Environment.CpuUsage.TotalTime;
            server1.Add(await Change(changed));
            cpu.Add((Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds);
            pauses.Add((GC.GetTotalPauseDuration() - pause).TotalMilliseconds);
            var sw = Stopwatch.StartNew();
            PlaybookDocument.FromText(path, changed).Check();
            validate.Add(sw.Elapsed.TotalMilliseconds);
        }
        Report($"diagnostics after a change ({edits} edits)", server1);
        Report("validate in-process, same texts", validate);
        Report("  of which GC pause, per edit", pauses);
        Report("  process CPU time, per edit", cpu);
        var slow = Enumerable.Range(0, edits).OrderByDescending(i => server1[i]).Take(Math.Max(1, edits / 100)).ToList();
        Console.WriteLine($"  the slowest 1 % ({slow.Count} edits): wall {slow.Average(i => server1[i]):F2} ms, CPU {slow.Average(i => cpu[i]):F2} ms, GC pause {slow.Average(i => pauses[i]):F2} ms on average; " +
                          $"{GC.CollectionCount(0) - gen0} gen0 and {GC.CollectionCount(2) - gen2} gen2 collections over both loops; " +
                          $"GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, latency {System.Runtime.GCSettings.LatencyMode}");

        // Completion after "-> " on the first transition line of the (unchanged) last text.
        await Change(text);
        var arrowLine = Array.FindIndex(lines, l => l.Contains("on ok -> ", StringComparison.Ordinal));
        var character = lines[arrowLine].IndexOf("on ok -> ", StringComparison.Ordinal) + "on ok -> ".Length;
        var completion = new List<double>(edits);
        var items = 0;
        for (var i = 0; i < edits + 50; i++)
        {
            var sw = Stopwatch.StartNew();
            var result = await rpc.InvokeWithParameterObjectAsync<JsonElement>("textDocument/completion",
                new { textDocument = new { uri = Uri }, position = new { line = arrowLine, character } });
            if (i >= 50) completion.Add(sw.Elapsed.TotalMilliseconds);
            items = result.GetProperty("items").GetArrayLength();
        }
        Report($"completion after '-> ' ({items} states offered)", completion);

        var heap1 = Heap();
        for (var i = edits; i < memoryEdits; i++) await Change(Edited(i));
        var heap2 = Heap();
        Console.WriteLine($"managed heap after {edits} edits: {heap1 / 1024.0 / 1024.0:F1} MiB; after {memoryEdits} edits: {heap2 / 1024.0 / 1024.0:F1} MiB ({(heap2 - heap1) / 1024.0:+0;-0} KiB)");

        await rpc.InvokeWithParameterObjectAsync<JsonElement?>("shutdown", null);
        await rpc.NotifyAsync("exit");
        try { await serving.WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (Exception e) when (e is ConnectionLostException or ObjectDisposedException or OperationCanceledException or IOException) { }
    }

    private sealed class Notifications(ChannelWriter<int> versions)
    {
        [JsonRpcMethod("textDocument/publishDiagnostics", UseSingleObjectParameterDeserialization = true)]
        public void Publish(JsonElement parameters) =>
            versions.TryWrite(parameters.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0);
    }

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static void Report(string what, List<double> times)
    {
        var sorted = times.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Console.WriteLine($"{what}: p50 {At(0.50):F2} ms, p99 {At(0.99):F2} ms, max {sorted[^1]:F2} ms");
    }

    internal static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
