using System.Diagnostics.Tracing;

namespace Playbook.Benchmarks;

/// <summary>Sums what the runtime's GC events say each collection promoted (GCHeapStats: bytes that survived gen0 and
/// gen1): what a measurement left alive at its collections, which `GC.CollectionCount` does not tell.</summary>
internal sealed class GcListener : EventListener
{
    private long _promoted0;
    private long _promoted1;
    private long _collections;

    public (long Promoted0, long Promoted1, long Collections) Totals => (Interlocked.Read(ref _promoted0), Interlocked.Read(ref _promoted1), Interlocked.Read(ref _collections));

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Informational, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("GCHeapStats", StringComparison.Ordinal) || e.PayloadNames is null) return;
        Interlocked.Add(ref _promoted0, Convert.ToInt64(e.Payload![e.PayloadNames.IndexOf("TotalPromotedSize0")]));
        Interlocked.Add(ref _promoted1, Convert.ToInt64(e.Payload![e.PayloadNames.IndexOf("TotalPromotedSize1")]));
        Interlocked.Increment(ref _collections);
    }
}
