using System.Text.Json;
using Playbook.Journal;
using Playbook.LiveRuns;
using Xunit;

namespace Playbook.Tests.Reporting;

/// <summary>A journal of a run where people did everything a report must account for, written record by record
/// with a set clock: a crash in the middle of <c>prep</c> (its process left running), a resume on another host
/// that took the run over after the lease ran out (by ravi, answering <c>opt</c> in advance) and stopped the orphan,
/// and five manual steps answered every way there is: on the runner's terminal, by <c>--answer</c>, by
/// <c>playbook answer</c> from another terminal with a comment, on the web console, and by a quorum of two (one
/// vote from a terminal, one from the web). The RTO is 6 s and the run takes 5.3 s, so the RTO is drawn.</summary>
internal static class PeopleJournal
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 3, 12, 45, TimeSpan.Zero);

    public const string Host = "node-b";

    public static JournaledRun Write(string directory)
    {
        var path = Path.Combine(directory, "20261123-031245-beef.journal");
        var time = new SetClock { Now = Start };
        using (var w = JournalWriter.Create(path, time))
        {
            void At(double ms) => time.Now = Start.AddMilliseconds(ms);
            w.Append("run-started", j =>
            {
                j.WriteString("run", "20261123-031245-beef");
                j.WriteString("playbook", Path.Combine(directory, "people.playbook"));
                j.WriteString("name", "people");
                j.WriteString("sha256", new string('a', 64));
                j.WriteStartObject("inputs");
                j.WriteEndObject();
                j.WriteStartArray("secrets");
                j.WriteEndArray();
                j.WriteNumber("seed", 1);
                j.WriteNumber("rto_ms", 6000);
                j.WriteString("started_at", Start.UtcDateTime.ToString("O"));
                j.WriteNumber("pid", 4242);
                j.WriteString("user", "olivia");
            });
            w.Append("state-entered", j => { Where(j, "prep"); j.WriteNumber("at_ms", 0); });
            w.Append("attempt-started", j => { Where(j, "prep", 1); j.WriteNumber("at_ms", 0); j.WriteBoolean("idempotent", true); });
            At(200);
            w.Append("process-started", j => { Where(j, "prep", 1); j.WriteNumber("pgid", 4001); j.WriteString("command", "restore --all"); });
            // The runner's host died here; another host took the run over 2.8 s later.
            At(3000);
            w.Append("run-resumed", j =>
            {
                j.WriteNumber("pid", 5151);
                j.WriteString("user", "ravi");
                j.WriteStartArray("in_flight");
                j.WriteStartObject();
                Where(j, "prep", 1);
                j.WriteString("choice", "rerun");
                j.WriteString("process", "killed");
                j.WriteEndObject();
                j.WriteEndArray();
                j.WriteStartArray("stopped_process_groups");
                j.WriteNumberValue(4001);
                j.WriteEndArray();
                j.WriteStartObject("options");
                j.WriteStartObject("answers");
                j.WriteString("opt", "approve");
                j.WriteEndObject();
                j.WriteEndObject();
                j.WriteString("host", Host);
                j.WriteString("taken_over_from", "node-a pid 4242");
                j.WriteString("lease_expired_at", Start.AddMilliseconds(2500).UtcDateTime.ToString("O"));
                j.WriteNumber("gap_ms", 2800);
            });
            w.Append("process-stopped", j => { Where(j, "prep", 1); j.WriteNumber("pgid", 4001); });
            At(3100);
            w.Append("attempt-started", j => { Where(j, "prep", 2); j.WriteNumber("at_ms", 3100); j.WriteBoolean("idempotent", true); });
            At(3300);
            w.Append("attempt-ended", j => { Where(j, "prep", 2); j.WriteString("outcome", "ok"); j.WriteNumber("at_ms", 3100); j.WriteNumber("duration_ms", 200); });

            var at = 3300.0;
            void Manual(string state, string answer, string? who, string? from, string? comment, params (string Who, string From, string? Comment)[] votes)
            {
                At(at);
                var start = at;
                w.Append("state-entered", j => { Where(j, state); j.WriteNumber("at_ms", start); });
                w.Append("attempt-started", j => { Where(j, state, 1); j.WriteNumber("at_ms", start); j.WriteBoolean("idempotent", false); });
                var n = 0;
                foreach (var vote in votes)
                {
                    n++;
                    var count = n;
                    At(at += 100);
                    w.Append("voted", j =>
                    {
                        Where(j, state);
                        j.WriteString("answer", "approve");
                        j.WriteString("who", vote.Who);
                        j.WriteString("from", vote.From);
                        j.WriteString("when", time.Now.UtcDateTime.ToString("O"));
                        if (vote.Comment is not null) j.WriteString("comment", vote.Comment);
                        j.WriteNumber("count", count);
                        j.WriteNumber("quorum", votes.Length);
                    });
                }
                At(at += 300);
                w.Append("answered", j =>
                {
                    Where(j, state);
                    j.WriteString("answer", answer);
                    if (who is not null) j.WriteString("who", who);
                    j.WriteString("when", time.Now.UtcDateTime.ToString("O"));
                    if (from is not null) j.WriteString("from", from);
                    if (comment is not null) j.WriteString("comment", comment);
                });
                var took = at - start;
                w.Append("attempt-ended", j => { Where(j, state, 1); j.WriteString("outcome", answer); j.WriteNumber("at_ms", start); j.WriteNumber("duration_ms", took); });
            }
            Manual("term", "approve", "alice", null, null);
            Manual("opt", "approve", "--answer", null, null);
            Manual("cli", "approve", "bob@" + Host, "terminal " + Host + " pid 9", "checked the replica <b>lag</b>");
            Manual("web", "reject", "carol", "web 10.0.0.7", "not *now*");
            Manual("quorum", "approve", "dave@" + Host + ", erin", "terminal " + Host + " pid 11; web 10.0.0.8", "dave@" + Host + ": ok by me",
                ("dave@" + Host, "terminal " + Host + " pid 11", "ok by me"), ("erin", "web 10.0.0.8", null));
            At(5300);
            w.Append("state-entered", j => { Where(j, "done"); j.WriteNumber("at_ms", 5300); });
            w.Append("run-ended", j => { j.WriteString("end", "done"); j.WriteString("status", "success"); j.WriteNumber("elapsed_ms", 5300); });
        }
        var run = JournaledRun.Read(path);
        Assert.True(run.IsRun, run.Problem);
        return run;
    }

    /// <summary>When each answer was given, as the report writes it.</summary>
    public static string Time(double ms) => Start.AddMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'");

    private static void Where(Utf8JsonWriter j, string state, int? attempt = null)
    {
        j.WriteString("flow", "");
        j.WriteString("state", state);
        if (attempt is { } a) j.WriteNumber("attempt", a);
    }

    private sealed class SetClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
