using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Playbook.Tests.LiveRuns;
using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.RealRuns;

/// <summary><c>playbook run</c> for real, through the built CLI: shell commands that write files, HTTP
/// against a server on 127.0.0.1, timeouts that stop process groups, approvals, called playbooks and
/// parallel branches. Each test has a folder of its own (see <see cref="RunWorkspace"/>).</summary>
public class RunEndToEndTests
{
    [Fact]
    public void Shell_steps_write_files_read_them_back_and_expect_on_the_exit_code()
    {
        using var work = new RunWorkspace("shell-files");

        var ok = work.Run("shell-files", "--input", "greeting=hello world");
        Assert.True(ok.Exit == 0, ok.ToString());
        Assert.Equal("hello world\n", work.Read("greeting.txt"));
        var captured = work.Records(ok).Where(r => Type(r) == "captured").ToDictionary(r => Str(r, "name")!, r => r.GetProperty("value"));
        Assert.Equal("hello world", captured["said"].GetString());
        Assert.Equal(0, captured["code_seen"].GetInt64());
        Assert.Contains("ended at 'done' (success)", ok.Out);

        // A non-zero exit fails the expect: the run goes the 'fail' way, and the capture still saw the code.
        var failed = work.Run("shell-files", "--input", "code=3");
        Assert.True(failed.Exit == 1, failed.ToString());
        Assert.Contains("ended at 'broken' (failure)", failed.Out);
        var records = work.Records(failed);
        Assert.Equal("fail", records.Single(r => Type(r) == "attempt-ended" && Str(r, "state") == "read").GetProperty("outcome").GetString());
        Assert.Equal(3, records.Last(r => Type(r) == "captured" && Str(r, "name") == "code_seen").GetProperty("value").GetInt64());
    }

    [Fact]
    public void An_input_that_looks_like_shell_syntax_is_one_word_and_runs_nothing()
    {
        using var work = new RunWorkspace("injection");
        const string hostile = "x; touch pwned $(touch pwned2) `touch pwned3` ' \" && touch pwned4";

        var result = work.Run("injection", "--input", "name=" + hostile);

        Assert.True(result.Exit == 0, result.ToString());
        foreach (var file in new[] { "pwned", "pwned2", "pwned3", "pwned4" }) Assert.False(work.Exists(file), $"{file} was created:\n{result}");
        // Unquoted, in "…" and in '…': the command saw exactly the text that was given.
        Assert.Equal(hostile, work.Read("seen.txt"));
        Assert.Equal(hostile, work.Read("seen-quoted.txt"));
        Assert.Equal(hostile, work.Read("seen-single.txt"));
    }

    [Fact]
    public async Task Http_steps_capture_the_response_and_send_the_secret_only_to_the_server()
    {
        const string secret = "tok-3f9a1c7e55d2";
        await using var server = new TestHttpServer(request => request.Method == "GET"
            ? TestHttpServer.Response(200, """{"healthy": true, "version": "v42"}""", "Content-Type: application/json")
            // The server echoes the credential it got, so the response body carries the secret back.
            : TestHttpServer.Response(201, "accepted for " + request.Headers["authorization"]));
        using var work = new RunWorkspace("http-calls");
        work.Environment["PLAYBOOK_SECRET_API_TOKEN"] = secret;

        var result = work.Run("http-calls", "--input", "base=" + server.Url);

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Equal(2, server.Received.Count);
        Assert.Equal(("GET", "/status"), (server.Received[0].Method, server.Received[0].Path));
        var post = server.Received[1];
        Assert.Equal(("POST", "/deploy"), (post.Method, post.Path));
        Assert.Equal("""{"version": "v42"}""", post.Body);
        Assert.Equal("Bearer " + secret, post.Headers["authorization"]);
        Assert.Equal("application/json", post.Headers["content-type"]);

        var journal = work.JournalPath(RunIdOf(result));
        var captured = Records(journal).Where(r => Type(r) == "captured").ToDictionary(r => Str(r, "name")!, r => r.GetProperty("value"));
        Assert.Equal(200, captured["status"].GetInt64());
        Assert.Equal("v42", captured["version"].GetString());
        Assert.Equal("accepted for Bearer ***", captured["echoed"].GetString());
        Assert.DoesNotContain(secret, result.Out + result.Err);
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(File.ReadAllBytes(journal)));

        // The report's evidence: each request as it was sent, its HTTP status and the response body (redacted).
        var report = work.Cli("report", RunIdOf(result), "--journal", JournalDir);
        Assert.True(report.Exit == 0, report.ToString());
        Assert.Contains($"Attempt 1: `GET {server.Url}/status`", report.Out);
        Assert.Contains($"Attempt 1: `POST {server.Url}/deploy`", report.Out);
        Assert.Matches(@"\| 1 \| [^|]+ \| [^|]+ \| [^|]+ \| ok \|  \| 201 \| HTTP 201 \|", report.Out);
        Assert.Contains("response body:\n\n```text\naccepted for Bearer ***\n```", report.Out);
        Assert.DoesNotContain(secret, report.Out);
    }

    [Fact]
    public async Task A_guard_on_the_response_json_takes_the_other_way_when_it_does_not_hold()
    {
        await using var server = new TestHttpServer(_ =>
            TestHttpServer.Response(200, """{"healthy": false, "version": "v41"}""", "Content-Type: application/json"));
        using var work = new RunWorkspace("http-calls");
        work.Environment["PLAYBOOK_SECRET_API_TOKEN"] = "unused";

        var result = work.Run("http-calls", "--input", "base=" + server.Url);

        Assert.True(result.Exit == 1, result.ToString());
        Assert.Contains("ended at 'unhealthy' (failure)", result.Out);
        Assert.Single(server.Received); // no deploy was asked for
    }

    [Fact]
    public void A_wait_polls_for_real_and_a_phase_budget_cuts_a_long_step()
    {
        using var work = new RunWorkspace("poll-and-phase");

        var result = work.Run("poll-and-phase");

        Assert.True(result.Exit == 1, result.ToString());
        Assert.Contains("ended at 'cut' (failure)", result.Out);
        var records = work.Records(result);
        var polls = records.Where(r => Type(r) == "attempt-ended" && Str(r, "state") == "ready").Select(r => Str(r, "outcome")).ToList();
        // The flag appears 1.5 s after the spawn and is probed every 100 ms: several misses, then a hit.
        Assert.True(polls.Count >= 3, string.Join(", ", polls));
        Assert.All(polls[..^1], p => Assert.Equal("not yet", p));
        Assert.Equal("ok", polls[^1]);
        // The 1 s phase budget, not the step's 20 s timeout nor its 30 s sleep, ends the slow step.
        var slow = records.Single(r => Type(r) == "attempt-ended" && Str(r, "state") == "slow");
        Assert.Equal("deadline", Str(slow, "outcome"));
        var took = slow.GetProperty("duration_ms").GetDouble();
        Assert.InRange(took, 900, 5_000);
        Assert.False(work.Exists("late.txt"));
    }

    [Fact]
    public async Task A_timeout_stops_the_command_and_its_background_children()
    {
        using var work = new RunWorkspace("timeout-kill");

        var clock = Stopwatch.StartNew();
        var result = work.Run("timeout-kill");
        clock.Stop();

        Assert.True(result.Exit == 1, result.ToString());
        Assert.Contains("ended at 'timed-out' (failure)", result.Out);
        var attempt = work.Records(result).Single(r => Type(r) == "attempt-ended");
        Assert.Equal("timeout", attempt.GetProperty("outcome").GetString());
        // 1 s of timeout and a SIGTERM that sleep obeys at once: nowhere near the 300 s it asked for (the bound
        // leaves room for a slow start on a loaded machine).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        var child = int.Parse(work.Read("child.pid").Trim(), CultureInfo.InvariantCulture);
        Assert.True(await Processes.Gone(child), $"the background sleep {child} is still running");
    }

    [Fact]
    public void Answers_given_on_the_command_line_choose_the_way_and_are_journaled_with_who_and_when()
    {
        using var work = new RunWorkspace("approval");

        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var approved = work.Run("approval", "--answer", "gate=approve", "--report", "approved.md");
        Assert.True(approved.Exit == 0, approved.ToString());
        Assert.Contains("ended at 'approved' (success)", approved.Out);
        Assert.Contains("report: approved.md", approved.Out);
        var answered = work.Records(approved).Single(r => Type(r) == "answered");
        Assert.Equal(("gate", "approve", "--answer"), (Str(answered, "state"), Str(answered, "answer"), Str(answered, "who")));
        var when = DateTimeOffset.Parse(Str(answered, "when")!, CultureInfo.InvariantCulture);
        Assert.InRange(when, before, DateTimeOffset.UtcNow);
        // Who: the person who ran it (the answer came with the command); how: --answer.
        Assert.Contains($"| gate | approve | {(global::Playbook.Reporting.MarkdownText.Text(Environment.UserName))} | --answer | {when.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}Z |", work.Read("approved.md"));

        var rejected = work.Run("approval", "--answer", "gate=reject");
        Assert.True(rejected.Exit == 1, rejected.ToString());
        Assert.Contains("ended at 'rejected' (failure)", rejected.Out);
        Assert.Equal("reject", Str(work.Records(rejected).Single(r => Type(r) == "answered"), "answer"));
    }

    [Fact]
    public void A_manual_step_nobody_can_answer_goes_the_timeout_way()
    {
        using var work = new RunWorkspace("approval");

        var result = work.Run("approval");

        Assert.True(result.Exit == 1, result.ToString());
        Assert.Contains("ended at 'nobody' (failure)", result.Out);
        Assert.Contains("give --answer gate=approve", result.Out);
        var records = work.Records(result);
        Assert.Equal("timeout", Str(records.Single(r => Type(r) == "answered"), "answer"));
        var gate = records.Single(r => Type(r) == "attempt-ended" && Str(r, "state") == "gate");
        Assert.Equal("timeout", Str(gate, "outcome"));
        Assert.InRange(gate.GetProperty("duration_ms").GetDouble(), 900, 5000);
    }

    [Fact]
    public void A_called_playbook_really_runs_and_its_end_is_the_steps_outcome()
    {
        using var work = new RunWorkspace("caller", "callee");

        var ok = work.Run("caller");
        Assert.True(ok.Exit == 0, ok.ToString());
        Assert.Contains("ended at 'restored' (success)", ok.Out);
        Assert.Equal("restored\n", work.Read("callee-orders.txt"));
        // The callee's records are in the caller's journal, under the flow of the call.
        var records = work.Records(ok);
        var calleeStates = records.Where(r => Type(r) == "state-entered" && Str(r, "flow") == "restore#1").Select(r => Str(r, "state")).ToList();
        Assert.Equal(["mark", "choose", "fine"], calleeStates);
        Assert.Contains(records, r => Type(r) == "attempt-ended" && Str(r, "flow") == "restore#1" && Str(r, "state") == "mark" && Str(r, "outcome") == "ok");
        Assert.Equal("ok", Str(records.Single(r => Type(r) == "attempt-ended" && Str(r, "flow") == "" && Str(r, "state") == "restore"), "outcome"));

        // The callee reaching its failure end makes the call step fail.
        var failed = work.Run("caller", "--input", "fail=true");
        Assert.True(failed.Exit == 1, failed.ToString());
        Assert.Contains("ended at 'not-restored' (failure)", failed.Out);
        Assert.Contains(work.Records(failed), r => Type(r) == "state-entered" && Str(r, "flow") == "restore#1" && Str(r, "state") == "gave-up");
    }

    [Fact]
    public void Parallel_branches_run_at_the_same_time()
    {
        using var work = new RunWorkspace("parallel-sleep");

        var result = work.Run("parallel-sleep");

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Equal("left\n", work.Read("left.txt"));
        Assert.Equal("right\n", work.Read("right.txt"));
        var records = work.Records(result);
        static double Ms(JsonElement r, string name) => r.GetProperty(name).GetDouble();
        var entered = Ms(records.Single(r => Type(r) == "state-entered" && Str(r, "state") == "both"), "at_ms");
        var branchesEnded = records.Where(r => Type(r) == "branch-ended").ToList();
        Assert.Equal(["left", "right"], branchesEnded.Select(r => Str(r, "branch")).Order(StringComparer.Ordinal));
        var attempts = records.Where(r => Type(r) == "attempt-ended").ToDictionary(r => Str(r, "flow")!);
        // Each branch really slept its second…
        Assert.All(attempts.Values, a => Assert.True(Ms(a, "duration_ms") >= 1000, a.ToString()));
        // …and the two seconds overlapped: together they took less than the two, one after the other, would.
        // (Measured against the attempts' own durations, not a fixed figure, so a loaded machine cannot fail it.)
        var together = branchesEnded.Max(r => Ms(r, "at_ms")) - entered;
        var oneAfterTheOther = Ms(attempts["left"], "duration_ms") + Ms(attempts["right"], "duration_ms");
        Assert.True(together < oneAfterTheOther, $"the parallel took {together} ms, its attempts {oneAfterTheOther} ms one after the other");
        Assert.True(Ms(attempts["left"], "at_ms") < Ms(attempts["right"], "at_ms") + Ms(attempts["right"], "duration_ms")
            && Ms(attempts["right"], "at_ms") < Ms(attempts["left"], "at_ms") + Ms(attempts["left"], "duration_ms"), "the branches did not overlap");
    }

    [Fact]
    public async Task When_the_join_is_decided_the_branches_still_running_are_cancelled_and_their_processes_stopped()
    {
        using var work = new RunWorkspace("parallel-cancel");

        var clock = Stopwatch.StartNew();
        var result = work.Run("parallel-cancel");
        clock.Stop();

        Assert.True(result.Exit == 1, result.ToString());
        Assert.Contains("ended at 'failed' (failure)", result.Out);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}: the slow branch was waited for");
        var ended = work.Records(result).Where(r => Type(r) == "branch-ended").ToDictionary(r => Str(r, "branch")!, r => Str(r, "outcome"));
        Assert.Equal("fail", ended["quick"]);
        Assert.Equal("cancelled", ended["slow"]);
        var child = int.Parse(work.Read("child.pid").Trim(), CultureInfo.InvariantCulture);
        Assert.True(await Processes.Gone(child), $"the cancelled branch's background sleep {child} is still running");
    }
}
