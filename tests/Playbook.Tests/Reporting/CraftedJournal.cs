using System.Text.Json;
using Playbook.Journal;
using Playbook.LiveRuns;
using Xunit;

namespace Playbook.Tests.Reporting;

/// <summary>A journal written record by record with chosen values and a fake clock, as a crafted (or damaged)
/// journal would hold them: every string field a report shows is <c>value(n)</c>, so a test can fill them all
/// with hostile text, or with plain text of the same shape to compare with.</summary>
internal static class CraftedJournal
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 3, 12, 45, TimeSpan.Zero);

    /// <summary>A finished run of two steps (one retried, with output), a capture, a notification, an approval and an end.</summary>
    public static JournaledRun Write(string directory, Func<int, string> value, string status = "failure")
    {
        var path = Path.Combine(directory, "20261123-031245-abcd.journal");
        var time = new SetClock { Now = Start };
        using (var w = JournalWriter.Create(path, time))
        {
            void At(double ms) => time.Now = Start.AddMilliseconds(ms);
            w.Append("run-started", j =>
            {
                j.WriteString("run", value(1));
                j.WriteString("playbook", "/srv/" + value(2) + ".playbook");
                j.WriteString("name", value(3));
                j.WriteString("sha256", new string('a', 64));
                j.WriteStartObject("inputs");
                j.WriteString("target", value(4));
                j.WriteEndObject();
                j.WriteStartArray("secrets");
                j.WriteStringValue("token");
                j.WriteEndArray();
                j.WriteNumber("seed", 1);
                j.WriteNumber("rto_ms", 300000);
                j.WriteString("started_at", Start.UtcDateTime.ToString("O"));
                j.WriteNumber("pid", 4242);
            });
            var state = value(5);
            At(100);
            w.Append("state-entered", j => { j.WriteString("flow", ""); j.WriteString(nameof(state), state); j.WriteNumber("at_ms", 100); });
            for (var attempt = 1; attempt <= 2; attempt++)
            {
                var start = 100 + (attempt - 1) * 1500;
                var n = attempt;
                At(start);
                w.Append("attempt-started", j => { Where(j, "", state, n); j.WriteNumber("at_ms", start); j.WriteBoolean("idempotent", false); });
                w.Append("process-started", j => { Where(j, "", state, n); j.WriteNumber("pgid", 5000 + n); j.WriteString("command", value(6)); });
                At(start + 1000);
                w.Append("attempt-ended", j =>
                {
                    Where(j, "", state, n);
                    j.WriteString("outcome", n == 1 ? "fail" : value(7));
                    j.WriteNumber("at_ms", start);
                    j.WriteNumber("duration_ms", 1000);
                    j.WriteString("note", value(8));
                    j.WriteStartObject("outputs");
                    j.WriteString("stdout", value(9) + "\n" + value(10) + "\n");
                    j.WriteString("stderr", value(11));
                    j.WriteNumber("exit_code", n == 1 ? 1 : 0);
                    j.WriteEndObject();
                });
            }
            w.Append("captured", j => { j.WriteString("flow", ""); j.WriteString(nameof(state), state); j.WriteString("name", value(12)); j.WriteString("value", value(13)); });
            var gate = value(14);
            At(3200);
            w.Append("state-entered", j => { j.WriteString("flow", ""); j.WriteString(nameof(state), gate); j.WriteNumber("at_ms", 3200); });
            w.Append("attempt-started", j => { Where(j, "", gate, 1); j.WriteNumber("at_ms", 3200); j.WriteBoolean("idempotent", false); });
            w.Append("notified", j => { j.WriteString("flow", ""); j.WriteString(nameof(state), gate); j.WriteString("message", value(15)); });
            At(5200);
            w.Append("answered", j => { j.WriteString("flow", ""); j.WriteString(nameof(state), gate); j.WriteString("answer", value(16)); j.WriteString("who", value(17)); j.WriteString("when", Start.AddMilliseconds(5200).UtcDateTime.ToString("O")); });
            w.Append("attempt-ended", j => { Where(j, "", gate, 1); j.WriteString("outcome", value(16)); j.WriteNumber("at_ms", 3200); j.WriteNumber("duration_ms", 2000); j.WriteString("note", value(18)); });
            At(5300);
            w.Append("state-entered", j => { j.WriteString("flow", ""); j.WriteString(nameof(state), value(19)); j.WriteNumber("at_ms", 5300); });
            w.Append("run-ended", j => { j.WriteString("end", value(19)); j.WriteString("status", status); j.WriteNumber("elapsed_ms", 5300); j.WriteString("reason", value(20)); });
        }
        var run = JournaledRun.Read(path);
        Assert.True(run.IsRun, run.Problem);
        return run;
    }

    /// <summary>A clock that says what the test set: each record's <c>at</c> is where the run would have been.</summary>
    private sealed class SetClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static void Where(Utf8JsonWriter j, string flow, string state, int attempt)
    {
        j.WriteString("flow", flow);
        j.WriteString("state", state);
        j.WriteNumber("attempt", attempt);
    }
}
