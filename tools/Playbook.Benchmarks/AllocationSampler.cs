using System.Diagnostics.Tracing;

namespace Playbook.Benchmarks;

/// <summary>Samples the runtime's GC AllocationTick events (one per ~100 KB allocated) in-process and
/// counts them by type: a cheap "who allocates" view without an external profiler.</summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private bool _on;

    protected override void OnEventSourceCreated(EventSource source)
    {
        // GC keyword (0x1) at Verbose level carries AllocationTick.
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_on || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var type = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        lock (_bytes) _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
    }

    public void Start() => _on = true;

    public void Stop() => _on = false;

    public void Print(int iterations, int top = 80)
    {
        lock (_bytes)
        {
            var total = _bytes.Values.Sum();
            // Bytes when an iteration allocates little (a simulated run: a few KB), else KB.
            var (unit, scale) = total / (double)iterations < 100_000 ? ("B", 1.0) : ("KB", 1024.0);
            Console.WriteLine($"sampled allocations per iteration: {total / scale / iterations:F0} {unit}");
            foreach (var (type, bytes) in _bytes.OrderByDescending(kv => kv.Value).Take(top))
                Console.WriteLine($"  {bytes / scale / iterations,8:F0} {unit,-2}  {100.0 * bytes / total,5:F1}%  {type}");
        }
    }
}
