using System.Globalization;
using System.Text.Json.Nodes;
using Playbook.Tests.Resume;

namespace Playbook.Tests.Reporting;

/// <summary>Makes a real run's journal give the same report every time: each record's time becomes 100 ms per
/// record from a fixed start (so order, overlaps and gaps are kept, their sizes fixed), an attempt lasts from its
/// own start record to its end record, and what differs between machines and runs (run id, process ids, boot
/// id, the user) is replaced by fixed values. The checksums are written again, so the journal still reads.</summary>
internal static class GoldenJournal
{
    public static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public const string RunId = "20260102-030405-0001";

    public static void Normalise(string path)
    {
        var started = new Dictionary<string, double>(StringComparer.Ordinal);
        var seq = 0;
        JournalEdits.Rewrite(path, r =>
        {
            seq++;
            var ms = seq * 100.0;
            var type = (string)r["type"]!;
            r["at"] = Start.AddMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            if (r.ContainsKey("at_ms")) r["at_ms"] = ms;
            var key = $"{r["flow"]}|{r["state"]}|{r["attempt"]}";
            switch (type)
            {
                case "run-started":
                    r["run"] = RunId;
                    r["started_at"] = Start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
                    r["pid"] = 1000;
                    r["user"] = "operator";
                    r["seed"] = 1;
                    break;
                case "run-resumed":
                    r["pid"] = 1001;
                    r["user"] = "operator";
                    break;
                case "attempt-started":
                    started[key] = ms;
                    break;
                case "attempt-ended":
                    var from = started.GetValueOrDefault(key, ms);
                    r["at_ms"] = from;
                    r["duration_ms"] = ms - from;
                    break;
                case "process-started":
                    r["pgid"] = 2000 + seq;
                    r.Remove("boot_id");
                    r.Remove("start_ticks");
                    r.Remove("cmdline_sha256");
                    break;
                case "process-stopped":
                    r["pgid"] = 3000 + seq;
                    break;
                case "answered":
                    r["when"] = r["at"]!.DeepClone();
                    break;
                case "run-ended":
                    r["elapsed_ms"] = ms;
                    break;
            }
            return r;
        });
    }
}
