using System.Globalization;
using System.Text.Json;
using Playbook.LiveRuns;
using Scriban.Runtime;

namespace Playbook.Reporting;

/// <summary>Who did what and when, from the journal: each answer to a manual step (who, when, and how it was
/// given: on the runner's terminal, by <c>--answer</c>, by <c>playbook answer</c> from another terminal, on the web
/// console, or nobody before the timeout; a quorum's votes one by one), each resume (when, by whom when
/// the journal says, what was answered for it and what it decided for the attempts in flight) and the
/// processes a resume found left over from the stopped run (orphans) and stopped.</summary>
internal static class RunPeople
{
    public static ScriptArray Approvals(JournaledRun run)
    {
        var approvals = new ScriptArray();
        // A quorum's votes, journaled one by one before the step's answer: each answer takes the votes cast for its step since the last one.
        var votes = new Dictionary<(string, string), ScriptArray>();
        foreach (var r in run.Records.Where(r => r.Type is "answered" or "voted"))
        {
            var key = (r.Body.String("flow") ?? "", r.Body.String("state") ?? "");
            if (r.Type == "voted")
            {
                if (!votes.TryGetValue(key, out var cast)) votes[key] = cast = new ScriptArray();
                cast.Add(new ScriptObject
                {
                    ["answer"] = r.Body.String("answer") ?? "",
                    ["who"] = r.Body.String("who") ?? "",
                    ["how"] = How(r.Body.String("from") ?? ""),
                    ["comment"] = r.Body.String("comment") ?? "",
                    ["when"] = When(r),
                });
                continue;
            }
            var who = r.Body.String("who");
            var answer = r.Body.String("answer") ?? "";
            // --answer is written as the "who" of an answer given on the command line; the person is whoever ran it.
            var from = r.Body.String("from");
            var how = from is not null ? How(from) : who switch
            {
                "--answer" => "--answer",
                null when answer == "timeout" => "nobody answered before the timeout",
                null => "",
                _ => "terminal",
            };
            approvals.Add(new ScriptObject
            {
                ["flow"] = key.Item1,
                ["state"] = key.Item2,
                ["answer"] = answer,
                // As journaled ("--answer" for an answer given on the command line), as templates have always seen it…
                ["who"] = who ?? "",
                // …and the person: for --answer, whoever ran the run or the resume (when the journal says).
                ["person"] = who == "--answer" ? RunnerOf(run, r.Seq) : who ?? "",
                ["how"] = how,
                // What the person wrote with an answer given away from the runner (playbook answer, the web console); data, escaped where shown.
                ["comment"] = r.Body.String("comment") ?? "",
                ["when"] = When(r),
                ["votes"] = votes.Remove(key, out var taken) ? taken : new ScriptArray(),
            });
        }
        return approvals;
    }

    /// <summary>How an answer came, from the journal's <c>from</c>: the runners and the answer command write where
    /// it was given (<c>--answer</c>; <c>terminal HOST pid N</c> for <c>playbook answer</c>; <c>web ADDRESS</c> for the
    /// web console; <c>the runner's terminal, …</c> for a quorum vote typed at the run), named here the way a reader
    /// knows them. A quorum's answer lists its voters' places, "; " between them.</summary>
    internal static string How(string from) => string.Join("; ", from.Split("; ").Select(part => part switch
    {
        "--answer" => "--answer",
        _ when part.StartsWith("the runner's terminal", StringComparison.Ordinal) => "terminal",
        _ when part.StartsWith("terminal ", StringComparison.Ordinal) => "playbook answer (" + part + ")",
        _ when part.StartsWith("web ", StringComparison.Ordinal) => "web console (" + part[4..] + ")",
        _ => part,
    }).Distinct(StringComparer.Ordinal));

    private static string When(Journal.JournalRecord r) =>
        RunReport.Iso(DateTimeOffset.TryParse(r.Body.String("when"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var w) ? w : r.At);

    public static ScriptArray Resumes(JournaledRun run)
    {
        var resumes = new ScriptArray();
        var records = run.Records;
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            if (r.Type != "run-resumed") continue;
            var answers = new ScriptArray();
            if (r.Body.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object
                && options.TryGetProperty("answers", out var given) && given.ValueKind == JsonValueKind.Object)
                foreach (var a in given.EnumerateObject())
                    answers.Add(new ScriptObject { ["step"] = a.Name, ["answer"] = a.Value.ValueKind == JsonValueKind.String ? a.Value.GetString() : "" });
            var decisions = new ScriptArray();
            if (r.Body.TryGetProperty("in_flight", out var inFlight) && inFlight.ValueKind == JsonValueKind.Array)
                foreach (var d in inFlight.EnumerateArray())
                    decisions.Add(new ScriptObject
                    {
                        ["flow"] = d.String("flow") ?? "",
                        ["state"] = d.String("state") ?? "",
                        ["attempt"] = d.Long("attempt") ?? 1,
                        ["choice"] = d.String("choice") ?? "",
                        ["process"] = d.String("process") ?? "",
                    });
            resumes.Add(new ScriptObject
            {
                ["when"] = RunReport.Iso(r.At),
                ["who"] = r.Body.String("user") ?? "",
                ["down"] = Text.DurationText.Format(i > 0 && r.At > records[i - 1].At ? r.At - records[i - 1].At : TimeSpan.Zero),
                ["answers"] = answers,
                ["in_flight"] = decisions,
                ["cut"] = r.Body.String("cut") ?? "",
            });
        }
        return resumes;
    }

    /// <summary>Process groups a resume found still running from the stopped run, and stopped.</summary>
    public static ScriptArray Orphans(JournaledRun run)
    {
        var orphans = new ScriptArray();
        foreach (var r in run.Records.Where(r => r.Type == "process-stopped"))
            orphans.Add(new ScriptObject
            {
                ["flow"] = r.Body.String("flow") ?? "",
                ["state"] = r.Body.String("state") ?? "",
                ["attempt"] = r.Body.Long("attempt") ?? 1,
                ["pgid"] = r.Body.Long("pgid") ?? 0,
                ["when"] = RunReport.Iso(r.At),
            });
        return orphans;
    }

    /// <summary>Who ran the process that wrote record <paramref name="seq"/>: the start's or the latest resume's user, when journaled.</summary>
    private static string RunnerOf(JournaledRun run, long seq) =>
        run.Records.Where(r => r.Seq <= seq && r.Type is "run-started" or "run-resumed").Select(r => r.Body.String("user")).LastOrDefault() ?? "";
}
