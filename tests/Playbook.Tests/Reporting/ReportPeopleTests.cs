using System.Text.Json;
using Playbook.Reporting;
using Playbook.Tests.Cli;
using Xunit;
using static Playbook.Tests.Reporting.PeopleJournal;

namespace Playbook.Tests.Reporting;

/// <summary>Who did what and when, in every format, from one journal (<see cref="PeopleJournal"/>): each answer's
/// person, how it came (the runner's terminal, --answer, playbook answer from another terminal, the web console,
/// a quorum's votes one by one) and when; the resume on another host after the lease ran out (who, what it
/// answered, what it decided for the attempt in flight); the orphan it stopped; the downtime as a gap in the
/// timeline; the phase budget as a band and the RTO as a line.</summary>
public sealed class ReportPeopleTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pb-report-people-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly ReportPlan Plan = new() { Phases = [new PlannedPhase("restore", TimeSpan.FromSeconds(2), ["prep"])] };

    private Dictionary<string, string> Reports()
    {
        var run = Write(_directory);
        var reports = new Dictionary<string, string>();
        foreach (var format in new[] { "md", "html", "postmortem", "json" })
        {
            reports[format] = RunReport.Render(run, format, null, Plan, out var problem);
            Assert.Null(problem);
        }
        return reports;
    }

    [Fact]
    public void Each_answer_says_who_how_and_when_in_markdown()
    {
        // Markdown escapes an @ (no autolink from data).
        var md = Reports()["md"];

        Assert.Contains("Started by olivia at 2026-11-23 03:12:45.000Z.", md);
        Assert.Contains($"| term | approve | alice | terminal | {Time(3600)} |", md);
        // --answer: the person is whoever ran the process that took it, here the resume's user.
        Assert.Contains($"| opt | approve | ravi | --answer | {Time(3900)} |", md);
        Assert.Contains($"| cli | approve | bob\\@{Host} | playbook answer (terminal {Host} pid 9) | {Time(4200)} |", md);
        Assert.Contains($"| web | reject | carol | web console (10.0.0.7) | {Time(4500)} |", md);
        Assert.Contains($"| quorum | approve | dave\\@{Host}, erin | playbook answer (terminal {Host} pid 11); web console (10.0.0.8) | {Time(5000)} |", md);
        Assert.Contains($"- cli, bob\\@{Host} commented: checked the replica \\<b\\>lag\\</b\\>", md);
        Assert.Contains("- web, carol commented: not \\*now\\*", md);
        Assert.Contains($"- quorum needed 2 approvals: dave\\@{Host} (playbook answer (terminal {Host} pid 11)) at {Time(4600)}, commenting: ok by me; " +
            $"erin (web console (10.0.0.8)) at {Time(4700)}", md);
        Assert.Contains($"- Resumed at {Time(3000)} by ravi after 2s800ms down, answering opt = approve; prep (attempt 1) in flight: rerun, its process killed", md);
        Assert.Contains($"- Orphan found on resume: process group 4001 of prep (attempt 1) still ran; stopped at {Time(3000)}", md);
        Assert.Contains($"| taken over | on {Host} at {Time(3000)} from node-a pid 4242, whose lease ran out at ", md);
    }

    [Fact]
    public void Each_answer_says_who_how_and_when_in_html()
    {
        var html = Reports()["html"];

        Assert.Contains($"<tr><td>term</td><td class=\"approve\">approve</td><td>alice</td><td>terminal</td><td>{Time(3600)}</td></tr>", html);
        Assert.Contains($"<tr><td>opt</td><td class=\"approve\">approve</td><td>ravi</td><td>--answer</td><td>{Time(3900)}</td></tr>", html);
        Assert.Contains($"<tr><td>cli</td><td class=\"approve\">approve</td><td>bob@{Host}</td><td>playbook answer (terminal {Host} pid 9)</td><td>{Time(4200)}</td></tr>", html);
        Assert.Contains($"<td colspan=\"4\">bob@{Host} commented: checked the replica &lt;b&gt;lag&lt;/b&gt;</td>", html);
        Assert.Contains($"<tr><td>web</td><td class=\"reject\">reject</td><td>carol</td><td>web console (10.0.0.7)</td><td>{Time(4500)}</td></tr>", html);
        Assert.Contains($"<tr class=\"vote\"><td></td><td>approve 1 of 2</td><td>dave@{Host}</td><td>playbook answer (terminal {Host} pid 11)</td><td>{Time(4600)}</td></tr>", html);
        Assert.Contains($"<td colspan=\"4\">dave@{Host} commented: ok by me</td>", html);
        Assert.Contains($"<tr class=\"vote\"><td></td><td>approve 2 of 2</td><td>erin</td><td>web console (10.0.0.8)</td><td>{Time(4700)}</td></tr>", html);
        Assert.Contains($"<li>Resumed at {Time(3000)} by ravi after 2s800ms down, answering opt = approve; prep (attempt 1) in flight: rerun, its process killed</li>", html);
        Assert.Contains($"<li>Orphan found on resume: process group 4001 of prep (attempt 1) still ran; stopped at {Time(3000)}</li>", html);
        Assert.Contains($"<tr><th>taken over</th><td>on {Host} at {Time(3000)} from node-a pid 4242, whose lease ran out at ", html);
        Assert.DoesNotContain("<b>lag</b>", html);
    }

    [Fact]
    public void The_postmortem_says_what_people_did_and_how_long_the_runner_was_down()
    {
        var postmortem = Reports()["postmortem"];

        var people = postmortem[postmortem.IndexOf("## What people did", StringComparison.Ordinal)..postmortem.IndexOf("## Follow-ups", StringComparison.Ordinal)];
        Assert.Contains($"- {Time(3600)}: `term` answered **approve** by alice (terminal)\n", people);
        Assert.Contains($"- {Time(3900)}: `opt` answered **approve** by ravi (--answer)\n", people);
        Assert.Contains($"- {Time(4200)}: `cli` answered **approve** by bob\\@{Host} (playbook answer (terminal {Host} pid 9)), commenting: checked the replica \\<b\\>lag\\</b\\>\n", people);
        Assert.Contains($"- {Time(4500)}: `web` answered **reject** by carol (web console (10.0.0.7)), commenting: not \\*now\\*\n", people);
        Assert.Contains($"- {Time(5000)}: `quorum` answered **approve** by dave\\@{Host}, erin (playbook answer (terminal {Host} pid 11); web console (10.0.0.8))\n" +
            $"  - {Time(4600)}: dave\\@{Host} voted approve (playbook answer (terminal {Host} pid 11)), commenting: ok by me\n" +
            $"  - {Time(4700)}: erin voted approve (web console (10.0.0.8))\n", people);
        Assert.Contains($"- {Time(3000)}: resumed the run (ravi), answering opt = approve\n", people);
        Assert.Contains($"- {Time(3000)}: the run was taken over on {Host} from node-a pid 4242, whose lease ran out at ", people);
        Assert.Contains($"- {Time(3000)}: a process of `prep` left by the stopped run (process group 4001) was found and stopped", people);
        Assert.Contains($"| the runner was down (stopped until resumed at {Time(3000)}) | 2s800ms |", postmortem);
    }

    [Fact]
    public void The_json_report_holds_every_answer_vote_resume_and_orphan_and_matches_its_schema()
    {
        var json = Reports()["json"];

        OutputSchemas.AssertValid("report.schema.json", json);
        var root = JsonDocument.Parse(json).RootElement;
        var approvals = root.GetProperty("approvals").EnumerateArray().ToDictionary(a => a.GetProperty("state").GetString()!);
        Assert.Equal(["term", "opt", "cli", "web", "quorum"], approvals.Keys);
        Assert.Equal(("alice", "terminal"), (approvals["term"].GetProperty("person").GetString(), approvals["term"].GetProperty("how").GetString()));
        Assert.Equal(("--answer", "ravi", "--answer"), (approvals["opt"].GetProperty("who").GetString(), approvals["opt"].GetProperty("person").GetString(),
            approvals["opt"].GetProperty("how").GetString()));
        Assert.Equal("checked the replica <b>lag</b>", approvals["cli"].GetProperty("comment").GetString());
        Assert.Equal("web console (10.0.0.7)", approvals["web"].GetProperty("how").GetString());
        var votes = approvals["quorum"].GetProperty("votes").EnumerateArray().ToList();
        Assert.Equal([$"dave@{Host}", "erin"], votes.Select(v => v.GetProperty("who").GetString()));
        Assert.Equal([Time(4600), Time(4700)], votes.Select(v => v.GetProperty("when").GetString()));
        Assert.Equal(["ok by me", ""], votes.Select(v => v.GetProperty("comment").GetString()));
        Assert.All(approvals.Where(a => a.Key != "quorum"), a => Assert.Equal(0, a.Value.GetProperty("votes").GetArrayLength()));
        var resume = root.GetProperty("resume_log")[0];
        Assert.Equal(("ravi", "2s800ms"), (resume.GetProperty("who").GetString(), resume.GetProperty("down").GetString()));
        Assert.Equal("killed", resume.GetProperty("in_flight")[0].GetProperty("process").GetString());
        Assert.Equal(4001, root.GetProperty("orphans")[0].GetProperty("pgid").GetInt32());
        Assert.Equal("node-a pid 4242", root.GetProperty("takeovers")[0].GetProperty("from").GetString());
    }

    [Fact]
    public void The_timeline_draws_the_crash_gap_the_phase_budget_as_a_band_and_the_rto_as_a_line()
    {
        var reports = Reports();
        var html = reports["html"];
        var md = reports["md"];

        // 6 s (the RTO, past the run's 5.3 s) across 760 px from x = 170: 0-2 s is 170-423.3, 0.2-3 s is 195.3-550, 6 s is 930.
        Assert.Matches(@"<rect class=""budget"" x=""170"" y=""8"" width=""253.3"" [^>]*><title>phase restore: budget 2s</title></rect>", html);
        Assert.Matches(@"<rect class=""gap"" x=""195.3"" y=""8"" width=""354.7"" [^>]*><title>down 2s800ms: the run was stopped and resumed</title></rect>", html);
        Assert.Matches(@"<line class=""rto"" x1=""930"" y1=""8"" x2=""930"" ", html);
        Assert.Contains(">RTO 6s</text>", html);
        // The attempt the crash cut short ends where the run stopped; the rerun starts after the resume.
        Assert.Matches(@"<rect class=""unfinished"" x=""170"" [^>]*><title>prep attempt 1 unfinished when the run stopped 200ms from \+0s</title>", html);

        Assert.Contains("  section main\n  prep attempt 1 unfinished :crit, t0, 0, 200\n  prep attempt 2 ok :done, t1, 3100, 3300\n", md);
        Assert.Contains("  section budgets\n  phase restore budget 2s :t7, 0, 2000\n", md);
        Assert.Contains("  section down\n  stopped until resumed :crit, t8, 200, 3000\n", md);
        Assert.Contains("  section RTO\n  RTO 6s :milestone, t9, 6000, 6001\n```", md);
    }
}
