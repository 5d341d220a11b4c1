using Playbook.Parsing;
using Playbook.Syntax;
using Playbook.Text;
using Xunit;

namespace Playbook.Tests.Parsing;

/// <summary>Every construct of the language parses into the tree a reader would expect.</summary>
public class ConstructTests
{
    private static PlaybookSyntax Parse(string body)
    {
        var result = PlaybookParser.Parse(new SourceFile("t.playbook", "playbook t {\n" + body + "\n}\n"));
        Assert.True(result.Diagnostics.Count == 0, string.Join("\n", result.Diagnostics));
        return result.Syntax!;
    }

    private static T Only<T>(PlaybookSyntax p) => Assert.Single(p.Members.OfType<T>());

    [Fact]
    public void Exec_and_typed_captures_parse()
    {
        var p = Parse("""
            step pend {
              exec ["redis-cli", "-p", "${port}", "XPENDING", "${stream}"]
              capture pending : int = `stdout.trim()`
              capture raw = `stdout`
              -> done
            }
            wait w { until `n > 0` every 1s  probe exec ["true"]  timeout 5s  -> done }
            """);
        var step = Assert.IsType<StepSyntax>(p.States.First());
        var exec = Assert.IsType<ExecActionSyntax>(step.Action);
        Assert.Equal(new[] { "redis-cli", "-p", "${port}", "XPENDING", "${stream}" }, exec.Arguments.Select(a => a.Template));
        var captures = step.Body.OfType<CaptureSyntax>().ToList();
        Assert.Equal(("pending", "int"), (captures[0].Name.Text, captures[0].Type!.Text));
        Assert.Null(captures[1].Type);
        Assert.IsType<ExecActionSyntax>(p.States.Last().Find<ProbeSyntax>()!.Action);
    }

    [Fact]
    public void Metadata_and_objectives()
    {
        var p = Parse("""
            title "Worker rollback"
            version "1.0"
            owner "sre"
            tags "workers", cloudflare
            description ""
              Line one
                indented
              ""
            rto 15m
            rpo 1h30m
            expressions csharp
            """.Replace("\"\"", "\"\"\""));
        var meta = p.Members.OfType<MetadataSyntax>().ToDictionary(m => m.Keyword.Text);
        Assert.Equal("Worker rollback", ((StringSyntax)meta["title"].Value).Template);
        Assert.Equal(new[] { "workers", "cloudflare" }, ((ListSyntax)meta["tags"].Value).Items.Select(i => i is StringSyntax s ? s.Template : ((WordSyntax)i).Text));
        Assert.Equal("Line one\n  indented", ((StringSyntax)meta["description"].Value).Template);
        var objectives = p.Members.OfType<ObjectiveSyntax>().ToList();
        Assert.Equal(TimeSpan.FromMinutes(15), objectives[0].Duration.Value);
        Assert.Equal(TimeSpan.FromMinutes(90), objectives[1].Duration.Value);
        Assert.Equal(ExpressionLanguage.CSharp, Only<ExpressionsSyntax>(p).Value);
    }

    [Fact]
    public void Inputs_secrets_lets_and_start()
    {
        var p = Parse("""
            input worker : string = "api-gateway"
            input max_errors : int = 100
            input ratio : number = -0.5
            input dry : bool = true
            input grace : duration = 30s
            input account : string
            secret api_token
            let url = "https://monotask-${worker}.workers.dev"
            let limit = `max_errors * 2`
            start a
            step a { notify "hi" }
            """);
        var inputs = p.Members.OfType<InputSyntax>().ToList();
        Assert.Equal(6, inputs.Count);
        Assert.Equal(100, ((NumberSyntax)inputs[1].Default!).Value);
        Assert.True(((NumberSyntax)inputs[1].Default!).IsInteger);
        Assert.Equal(-0.5, ((NumberSyntax)inputs[2].Default!).Value);
        Assert.True(((BoolSyntax)inputs[3].Default!).Value);
        Assert.Equal(TimeSpan.FromSeconds(30), ((DurationSyntax)inputs[4].Default!).Value);
        Assert.Null(inputs[5].Default);
        Assert.Equal("api_token", Only<SecretSyntax>(p).Name.Text);
        var lets = p.Members.OfType<LetSyntax>().ToList();
        var url = (StringSyntax)lets[0].Value;
        Assert.Equal("worker", Assert.Single(url.Holes).Code);
        Assert.Equal("max_errors * 2", ((ExpressionSyntax)lets[1].Value).Code);
        Assert.Equal("a", Only<StartSyntax>(p).Target.Text);
    }

    [Fact]
    public void Step_with_every_setting()
    {
        var p = Parse("""
            step rollback "Roll back" {
              shell "bunx wrangler rollback --name monotask-${worker}"
              timeout 5m
              retry 3 backoff 1s x2 max 8s jitter
              expect `exit_code == 0`
              capture version = `stdout.trim()`
              idempotent
              on ok -> settle
              on fail, timeout when `attempts > 1` -> escalate
              -> done
              simulate { duration 1m..4m  fail 10%  outputs { stdout = "v41", response = { status = 200 } } }
              description "Rolls back"
            }
            """);
        var step = Assert.IsType<StepSyntax>(Assert.Single(p.States));
        Assert.Equal("Roll back", step.Title!.Template);
        Assert.IsType<ShellActionSyntax>(step.Action);
        Assert.Equal(TimeSpan.FromMinutes(5), step.Find<TimeoutSyntax>()!.Duration.Value);
        var retry = step.Find<RetrySyntax>()!;
        Assert.Equal((3.0, 1.0, 2.0, 8.0, true), (retry.Count.Value, retry.Backoff!.Value.TotalSeconds, retry.Factor!.Value, retry.Max!.Value.TotalSeconds, retry.Jitter));
        Assert.Equal("exit_code == 0", step.Find<ExpectSyntax>()!.Condition.Code);
        Assert.Equal("version", step.Find<CaptureSyntax>()!.Name.Text);
        Assert.NotNull(step.Find<IdempotentSyntax>());
        var transitions = step.Transitions.ToList();
        Assert.Equal(3, transitions.Count);
        Assert.Equal(new[] { "fail", "timeout" }, transitions[1].OutcomeNames);
        Assert.Equal("attempts > 1", transitions[1].When!.Code);
        Assert.True(transitions[2].IsShorthand);
        Assert.Equal(new[] { "ok" }, transitions[2].OutcomeNames);
        var sim = step.Find<SimulateSyntax>()!;
        Assert.Equal((60.0, 240.0, 10.0), (sim.MinDuration!.Value.TotalSeconds, sim.MaxDuration!.Value.TotalSeconds, sim.Fail!.Value));
        Assert.Equal(new[] { "stdout", "response" }, sim.Outputs!.Entries.Select(e => e.Key.Text));
        Assert.IsType<MapSyntax>(sim.Outputs.Entries[1].Value);
    }

    [Fact]
    public void Every_action()
    {
        var p = Parse("""
            step a { http POST "${url}/jobs" body "{\"retry\": true}" header "Content-Type: application/json" header "X-Id: 1" }
            step b { script `Math.max(0, errors - 1)` }
            step c { call d1-recovery with { database = "monotask", retries = 3, hard = false } }
            step d { call kv-restore }
            step e { notify "Rolled ${worker} back" }
            """);
        var steps = p.States.Cast<StepSyntax>().ToList();
        var http = Assert.IsType<HttpActionSyntax>(steps[0].Action);
        Assert.Equal("POST", http.Method.Text);
        Assert.Equal("{\"retry\": true}", http.Body!.Template);
        Assert.Equal(2, http.Headers.Length);
        Assert.Equal("Math.max(0, errors - 1)", Assert.IsType<ScriptActionSyntax>(steps[1].Action).Script.Code);
        var call = Assert.IsType<CallActionSyntax>(steps[2].Action);
        Assert.Equal("d1-recovery", call.Playbook.Text);
        Assert.Equal(new[] { "database", "retries", "hard" }, call.Arguments.Select(a => a.Key.Text));
        Assert.Empty(Assert.IsType<CallActionSyntax>(steps[3].Action).Arguments);
        Assert.IsType<NotifyActionSyntax>(steps[4].Action);
    }

    [Fact]
    public void Decide_wait_manual()
    {
        var p = Parse("""
            decide choose "Pick a fix" {
              when `errors > max_errors` -> rollback
              when `errors > 0`          -> redeploy
              else                       -> verify
            }
            wait settle "Let caches settle" { for 30s  -> verify }
            wait verify "Wait until healthy" {
              until `status == 200` every 10s
              probe http GET "${url}/health"
              capture status = `response.status`
              timeout 5m
              on ok      -> recovered
              on timeout -> escalate
            }
            manual escalate "Escalate" {
              prompt "Page the team lead?"
              choices approve "Take over", reject
              timeout 15m
              on approve -> recovered
              on reject, timeout -> failed
            }
            """);
        var states = p.States.ToList();
        var decide = Assert.IsType<DecideSyntax>(states[0]);
        Assert.Equal(2, decide.Body.OfType<WhenSyntax>().Count());
        Assert.Equal("verify", decide.Find<ElseSyntax>()!.Target.Text);
        Assert.Equal(TimeSpan.FromSeconds(30), states[1].Find<ForSyntax>()!.Duration.Value);
        var until = states[2].Find<UntilSyntax>()!;
        Assert.Equal(TimeSpan.FromSeconds(10), until.Every!.Value);
        Assert.IsType<HttpActionSyntax>(states[2].Find<ProbeSyntax>()!.Action);
        var choices = states[3].Find<ChoicesSyntax>()!.Choices;
        Assert.Equal(new[] { "approve", "reject" }, choices.Select(c => c.Outcome.Text));
        Assert.Equal("Take over", choices[0].Label!.Template);
        Assert.Null(choices[1].Label);
    }

    [Fact]
    public void Parallel_phase_end()
    {
        var p = Parse("""
            parallel health "Check" {
              branch api "API" { step api-check { http GET "https://api/health" timeout 10s } }
              branch tasks { step tasks-check { shell "curl tasks" } decide more { else -> tasks-check } }
              join 1
              timeout 1m
              on ok -> core
              on fail -> failed
            }
            phase core "Phase 1" within 15m {
              step d1 { shell "d1" timeout 5m -> done }
              on timeout -> failed
            }
            end done success "Recovered"
            end failed failure
            """);
        var parallel = Assert.IsType<ParallelSyntax>(p.States.First());
        Assert.Equal(new[] { "api", "tasks" }, parallel.Branches.Select(b => b.Name.Text));
        Assert.Equal(2, parallel.Branches.Last().NestedStates.Count());
        Assert.Equal(1, ((NumberSyntax)parallel.Find<JoinSyntax>()!.Mode).Value);
        var phase = Assert.IsType<PhaseSyntax>(p.States.ElementAt(1));
        Assert.Equal(TimeSpan.FromMinutes(15), phase.Within!.Value);
        Assert.Single(phase.NestedStates);
        Assert.Single(phase.Transitions);
        var ends = p.States.OfType<EndSyntax>().ToList();
        Assert.True(ends[0].IsSuccess);
        Assert.False(ends[1].IsSuccess);
        Assert.Null(ends[1].Message);
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("2h", 7200)]
    [InlineData("1d", 86400)]
    [InlineData("1h30m", 5400)]
    [InlineData("2m30s", 150)]
    [InlineData("1_000ms", 1)]
    public void Durations(string text, double seconds)
    {
        var p = Parse($"rto {text}");
        Assert.Equal(seconds, Only<ObjectiveSyntax>(p).Duration.Value.TotalSeconds);
        Assert.Equal(text, Only<ObjectiveSyntax>(p).Duration.Text);
    }

    [Theory]
    [InlineData("\"a\\\"b\"", "a\"b")]
    [InlineData("\"tab\\there\"", "tab\there")]
    [InlineData("\"back\\\\slash\"", "back\\slash")]
    [InlineData("\"line\\nbreak\"", "line\nbreak")]
    [InlineData("\"cost \\${5}\"", "cost ${5}")]
    [InlineData("\"rocket \\u{1F680}\"", "rocket \U0001F680")]
    [InlineData("\"# not a comment\"", "# not a comment")]
    public void String_escapes(string literal, string value)
    {
        var p = Parse($"title {literal}");
        var s = (StringSyntax)Only<MetadataSyntax>(p).Value;
        Assert.True(s.IsConstant);
        Assert.Equal(value, string.Concat(s.Parts.OfType<TextPartSyntax>().Select(t => t.Text)));
    }

    [Fact]
    public void Interpolation_holes_keep_exact_spans()
    {
        const string body = "let u = \"https://${host}/v1/${path.join('/')}\"";
        var p = Parse(body);
        var holes = ((StringSyntax)Only<LetSyntax>(p).Value).Holes.ToList();
        Assert.Equal(new[] { "host", "path.join('/')" }, holes.Select(h => h.Code));
        var text = "playbook t {\n" + body + "\n}\n";
        Assert.Equal("host", text.Substring(holes[0].CodeSpan.Start, holes[0].CodeSpan.Length));
        Assert.Equal("path.join('/')", text.Substring(holes[1].CodeSpan.Start, holes[1].CodeSpan.Length));
    }

    [Theory]
    [InlineData("`a > 1`", "a > 1", null)]
    [InlineData("`` a `b` ``", "a `b`", null)]
    [InlineData("```x``y```", "x``y", null)]
    [InlineData("js`a`", "a", ExpressionLanguage.JavaScript)]
    [InlineData("cs`a.Length > 2`", "a.Length > 2", ExpressionLanguage.CSharp)]
    [InlineData("`a &&\n  b`", "a &&\n  b", null)]
    public void Expressions_and_fences(string literal, string code, ExpressionLanguage? language)
    {
        var p = Parse($"let x = {literal}");
        var e = (ExpressionSyntax)Only<LetSyntax>(p).Value;
        Assert.Equal(code, e.Code);
        Assert.Equal(language, e.Language);
    }

    [Fact]
    public void Comments_semicolons_and_one_line_blocks()
    {
        var p = Parse("""
            # a comment
            step a { shell "x # not a comment"; timeout 5s; -> b }  # trailing comment
            wait b { for 1s; -> c }
            end c success
            """);
        Assert.Equal(3, p.States.Count());
        Assert.Equal("x # not a comment", ((ShellActionSyntax)((StepSyntax)p.States.First()).Action!).Command.Template);
    }

    [Fact]
    public void Spans_point_at_the_source_text()
    {
        const string text = "playbook t {\n  step check \"Check\" {\n    shell \"true\"\n  }\n}\n";
        var result = PlaybookParser.Parse(new SourceFile("t.playbook", text));
        var step = result.Syntax!.States.Single();
        Assert.Equal("check", text.Substring(step.Name.Span.Start, step.Name.Span.Length));
        Assert.StartsWith("step check", text[step.Span.Start..]);
        Assert.EndsWith("}", text[..step.Span.End]);
        Assert.Equal(new LinePosition(2, 8), result.Source.GetPosition(step.Name.Span.Start));
    }
}
