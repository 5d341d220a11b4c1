using System.Globalization;
using System.Text;

namespace Playbook.Benchmarks;

/// <summary>Writes a large, realistic and valid playbook for benchmarks: a fleet recovery that walks
/// through one section per service. Each section has http and shell steps with timeouts, retries,
/// JavaScript captures and expects, a decide, waits (for and until/probe), a parallel with branches, a
/// manual escalation and a notify; every third section is a phase with a <c>within</c> budget. Every
/// state is reachable, every outcome is handled, all names are unique, and there are no loops, so the
/// only diagnostics a check may report are PB4001/PB4002 (worst case against the rto).
/// Deterministic: the same arguments always give the same text.</summary>
public static class PlaybookGenerator
{
    /// <summary>The playbook's name; a file holding it should be called <c>generated-fleet.playbook</c>.</summary>
    public const string Name = "generated-fleet";

    public const string FileName = Name + ".playbook";

    private static readonly string[] Services =
    {
        "api-gateway", "orders", "payments", "inventory", "search", "checkout", "billing", "notifications",
        "auth", "profile", "catalog", "shipping", "pricing", "reviews", "recommendations", "media",
    };

    private static readonly string[] Dependencies = { "postgres", "redis", "kafka", "s3", "elastic" };

    /// <summary>A playbook of about <paramref name="lines"/> lines (within one section, ~100 lines, of it;
    /// at least one section).</summary>
    public static string Generate(int lines = 10_000)
    {
        if (lines < 1) throw new ArgumentOutOfRangeException(nameof(lines));
        var header = Header();
        var tail = Tail();
        var total = CountLines(header) + CountLines(tail);
        var count = 0;
        while (true)
        {
            var (let, section) = Section(count + 1, last: false);
            var more = CountLines(let) + CountLines(section);
            // Stop when one more section would overshoot by more than stopping now undershoots.
            if (count > 0 && total + more - lines > lines - total) break;
            count++;
            total += more;
            if (total >= lines) break;
        }
        var lets = new StringBuilder();
        var body = new StringBuilder();
        for (var i = 1; i <= count; i++)
        {
            var (let, section) = Section(i, last: i == count);
            lets.Append(let);
            body.Append(section);
        }
        return header + lets + body + tail;
    }

    /// <summary>Newline-terminated lines in <paramref name="text"/> (what <c>wc -l</c> counts).</summary>
    public static int CountLines(string text) => text.Count(c => c == '\n');

    private static string Header() => """"
        # Fleet recovery: generated for benchmarks by tools/Playbook.Benchmarks (PlaybookGenerator).
        # One section per service: health, pods, triage, fix, dependency checks, verify, escalate.
        playbook generated-fleet {
          title   "Fleet recovery"
          version "1.0"
          owner   "platform"
          tags    "generated", "benchmark", "kubernetes"
          description """
            Walk the whole fleet after a regional outage, one service at a time.
            For each service: check its health endpoint and pods, restart or scale it,
            check its dependencies in parallel, wait until it is healthy again, and page
            its owners when it does not recover.
          """
          rto 30d
          expressions js

          input namespace         : string = "production"
          input cluster           : string = "eu-west-1"
          input base_url          : string = "https://internal.example.com"
          input replicas          : int = 6
          input max_restarts      : int = 3
          input latency_budget_ms : number = 250
          input error_budget_pct  : number = 1.5
          input dry_run           : bool = false
          input settle_time       : duration = 30s
          secret api_token
          secret pager_key

          let status_url = "${base_url}/status"
          let incident   = `'fleet-' + cluster + '-' + new Date().toISOString().slice(0, 10)`

        """";

    private static string Tail() => """

          # ==== Final: the whole fleet ==================================================================
          parallel fleet-final "Fleet-wide checks" {
            branch fleet-status "Status page green" {
              step fleet-status-page {
                http GET "${status_url}" header "Authorization: Bearer ${api_token}"
                timeout 20s
                retry 2 backoff 2s x2 max 8s
                expect `response.status == 200 && response.json.indicator === 'none'`
              }
            }
            branch fleet-alerts "No alert firing" {
              step fleet-alerts-query {
                shell "amtool alert query --active -o json --alertmanager.url=${base_url}/alertmanager"
                timeout 30s
                expect `JSON.parse(stdout).filter(a => a.labels.severity === 'critical').length === 0`
              }
            }
            join all
            timeout 2m
            on ok   -> fleet-announce
            on fail -> fleet-escalate
          }

          step fleet-announce "Announce recovery" {
            notify "Fleet ${cluster} recovered (incident ${incident}). Remember the post-incident review."
            on ok -> recovered
          }

          manual fleet-escalate "Escalate the fleet recovery" {
            prompt "The fleet in ${cluster} did not converge (incident ${incident}). Page the incident commander. Approve once recovered by hand."
            choices approve "Recovered by hand", reject "Not recovered"
            timeout 30m
            on approve          -> recovered-by-hand
            on reject, timeout  -> unresolved
          }

          end recovered         success "Fleet recovered"
          end recovered-by-hand success "Fleet recovered with the incident commander"
          end unresolved        failure "Fleet still failing: escalate further"
        }

        """;

    /// <summary>One service's section; it enters at its first state (or its phase) and leaves to the next
    /// section's entry (or to the final checks).</summary>
    private static (string Let, string Section) Section(int i, bool last)
    {
        var service = Services[(i - 1) % Services.Length];
        var s = $"s{i}";                                   // state prefix
        var svc = $"{service}-{i}";                        // deployment name
        var v = $"_{i}";                                   // expression name suffix
        var next = last ? "fleet-final" : Entry(i + 1);
        var phased = IsPhased(i);
        var ind = phased ? "    " : "  ";

        var let = $"  let svc{v}_url = \"${{base_url}}/{svc}\"\n";

        var b = new StringBuilder();
        void L(string line = "") => b.Append(line.Length == 0 ? "" : ind).Append(line).Append('\n');

        b.Append($"  # ==== {i}. {svc} {new string('=', Math.Max(4, 80 - svc.Length))}\n");
        if (phased)
        {
            b.Append($"  phase p{i} \"Recover {svc}\" within 2h {{\n");
        }

        // -- health: http on even sections, a shell curl on odd ones.
        L($"step {s}-health \"Check {svc} health\" {{");
        if (i % 2 == 0)
        {
            L($"  http GET \"${{svc{v}_url}}/health\" header \"Authorization: Bearer ${{api_token}}\" header \"X-Incident: ${{incident}}\"");
            L("  timeout 20s");
            L($"  retry 2 backoff 2s x2 max 10s{(i % 4 == 0 ? " jitter" : "")}");
            L("  expect `response.status < 500`");
            L($"  capture status{v}  = `response.status`");
            L($"  capture latency{v} = `Number((response.json && response.json.latency_ms) || 0)`");
        }
        else
        {
            L($"  shell \"curl -fsS -m 15 -w '\\\\n%{{http_code}} %{{time_total}}' ${{svc{v}_url}}/health\"");
            L("  timeout 20s");
            L("  retry 1 backoff 3s");
            L($"  capture status{v}  = `Number(stdout.trim().split('\\n').pop().split(' ')[0])`");
            L($"  capture latency{v} = `Math.round(1000 * Number(stdout.trim().split('\\n').pop().split(' ')[1]))`");
        }
        L($"  on ok   -> {s}-pods");
        L($"  on fail -> {s}-pods          # unhealthy or unreachable: look at the pods either way");
        L($"  simulate {{ duration 200ms..{3 + i % 5}s  fail {2 + i % 7}% }}");
        L("}");
        L();

        // -- pods
        L($"step {s}-pods \"List {svc} pods\" {{");
        L($"  shell \"kubectl get pods -l app={svc} -n ${{namespace}} --context ${{cluster}} -o json\"");
        L("  timeout 30s");
        L("  retry 2 backoff 5s x2 max 20s");
        L($"  capture pods{v}     = `JSON.parse(stdout).items.length`");
        L($"  capture restarts{v} = `JSON.parse(stdout).items.reduce((n, p) => n + (p.status.containerStatuses || []).reduce((m, c) => m + c.restartCount, 0), 0)`");
        L($"  capture crashing{v} = `JSON.parse(stdout).items.filter(p => (p.status.containerStatuses || []).some(c => c.state.waiting && c.state.waiting.reason === 'CrashLoopBackOff')).map(p => p.metadata.name).join(' ')`");
        L($"  on ok   -> {s}-triage");
        L($"  on fail -> {s}-escalate");
        L("  simulate { duration 1s..5s  fail 2% }");
        L("}");
        L();

        // -- triage
        L($"decide {s}-triage \"What is wrong with {svc}?\" {{");
        L($"  when `pods{v} == 0`                                 -> {s}-scale");
        L($"  when `crashing{v} != '' || restarts{v} > max_restarts` -> {s}-restart");
        L($"  when `status{v} >= 500 || latency{v} > latency_budget_ms` -> {s}-deps");
        L($"  else                                                -> {s}-verify");
        L("}");
        L();

        // -- fixes
        L($"step {s}-scale \"Scale {svc} up\" {{");
        L($"  shell \"kubectl scale deployment {svc} -n ${{namespace}} --context ${{cluster}} --replicas=${{replicas}}\"");
        L("  timeout 1m");
        L("  retry 1 backoff 10s");
        L("  idempotent");
        L($"  on ok   -> {s}-ready");
        L($"  on fail -> {s}-escalate");
        L("  simulate { duration 1s..5s  fail 2% }");
        L("}");
        L();

        L($"step {s}-restart \"Restart {svc}\" {{");
        L($"  description \"Crashing pods: ${{crashing{v}}}; restarts so far: ${{restarts{v}}}\"");
        L($"  shell \"kubectl rollout restart deployment/{svc} -n ${{namespace}} --context ${{cluster}}\"");
        L("  timeout 1m");
        L($"  retry 2 backoff 5s x2 max 20s{(i % 3 == 1 ? " jitter" : "")}");
        L("  idempotent");
        L($"  on ok   -> {s}-ready");
        L($"  on fail -> {s}-escalate");
        L("  simulate { duration 2s..20s  fail 5% }");
        L("}");
        L();

        L($"wait {s}-ready \"{svc} replicas ready\" {{");
        L($"  until `ready{v} >= wanted{v}` every 10s");
        L($"  probe shell \"kubectl get deployment {svc} -n ${{namespace}} --context ${{cluster}} -o json\"");
        L($"  capture ready{v}  = `JSON.parse(stdout).status.readyReplicas || 0`");
        L($"  capture wanted{v} = `JSON.parse(stdout).spec.replicas`");
        L("  timeout 5m");
        L($"  on ok            -> {s}-verify");
        L($"  on fail, timeout -> {s}-escalate");
        L("}");
        L();

        // -- dependencies in parallel
        var deps = 2 + i % 3;
        L($"parallel {s}-deps \"Check {svc} dependencies\" {{");
        for (var d = 0; d < deps; d++)
        {
            var dep = Dependencies[(i + d) % Dependencies.Length];
            var br = $"{s}-{dep}";
            L($"  branch {br} \"{dep} reachable from {svc}\" {{");
            switch (dep)
            {
                case "postgres":
                    L($"    step {br}-ping {{");
                    L($"      shell \"kubectl exec deploy/{svc} -n ${{namespace}} -- pg_isready -t 5\"");
                    L("      timeout 15s");
                    L("      retry 1 backoff 2s");
                    L($"      on ok -> {br}-locks");
                    L("    }");
                    L($"    step {br}-locks {{");
                    L($"      shell \"kubectl exec deploy/{svc} -n ${{namespace}} -- psql -At -c 'SELECT count(*) FROM pg_locks WHERE NOT granted'\"");
                    L("      timeout 20s");
                    L("      expect `Number(stdout.trim()) < 10`");
                    L("    }");
                    break;
                case "redis":
                    L($"    step {br}-ping {{");
                    L($"      shell \"kubectl exec deploy/{svc} -n ${{namespace}} -- redis-cli PING\"");
                    L("      timeout 10s");
                    L("      expect `stdout.trim() === 'PONG'`");
                    L("    }");
                    break;
                case "kafka":
                    L($"    step {br}-lag {{");
                    L($"      shell \"kafka-consumer-groups --bootstrap-server kafka:9092 --describe --group {svc}\"");
                    L("      timeout 30s");
                    L("      expect `stdout.split('\\n').slice(1).map(l => Number(l.trim().split(/\\s+/)[5]) || 0).reduce((a, b) => a + b, 0) < 10000`");
                    L("    }");
                    break;
                case "s3":
                    L($"    step {br}-head {{");
                    L($"      http HEAD \"https://{svc}-assets.s3.amazonaws.com/healthcheck\"");
                    L("      timeout 10s");
                    L("      expect `response.status == 200`");
                    L("    }");
                    break;
                default:
                    L($"    step {br}-cluster {{");
                    L($"      http GET \"${{base_url}}/elastic/_cluster/health\" header \"Authorization: ApiKey ${{api_token}}\"");
                    L("      timeout 15s");
                    L("      retry 2 backoff 1s x2 max 4s");
                    L("      expect `response.json.status !== 'red'`");
                    L("    }");
                    break;
            }
            L("  }");
        }
        L(i % 4 == 3 ? "  join any" : deps > 2 && i % 2 == 0 ? $"  join {deps - 1}" : "  join all");
        L("  timeout 2m");
        L($"  on ok   -> {s}-drain");
        L($"  on fail -> {s}-escalate");
        L("}");
        L();

        L($"step {s}-drain \"Shift traffic away from slow {svc} pods\" {{");
        L($"  http POST \"${{base_url}}/lb/pools/{svc}/drain\" body \"{{\\\"max_latency_ms\\\": ${{latency_budget_ms}}, \\\"dry_run\\\": ${{dry_run}}}}\" header \"Authorization: Bearer ${{api_token}}\" header \"Content-Type: application/json\"");
        L("  timeout 30s");
        L("  retry 2 backoff 2s x2 max 8s");
        L("  expect `response.status == 200 || response.status == 202`");
        L($"  capture drained{v} = `(response.json && response.json.drained) || 0`");
        L($"  on ok   -> {s}-settle");
        L($"  on fail -> {s}-escalate");
        L($"  simulate {{ duration 500ms..4s  fail 3%  outputs {{ response = {{ status = 200 }} }} }}");
        L("}");
        L();

        L($"wait {s}-settle \"Let {svc} settle\" {{ for {30 + 15 * (i % 4)}s -> {s}-verify }}");
        L();

        L($"wait {s}-verify \"{svc} healthy again\" {{");
        L($"  until `verify{v} == 200 && verify_ms{v} <= latency_budget_ms` every 10s");
        L($"  probe http GET \"${{svc{v}_url}}/health\"");
        L($"  capture verify{v}    = `response.status`");
        L($"  capture verify_ms{v} = `Number((response.json && response.json.latency_ms) || 0)`");
        L("  timeout 5m");
        L($"  on ok            -> {s}-done");
        L($"  on fail, timeout -> {s}-escalate");
        L("}");
        L();

        L($"step {s}-done \"Report {svc} recovered\" {{");
        L($"  notify \"{svc} is healthy: status ${{verify{v}}}, ${{verify_ms{v}}} ms (incident ${{incident}})\"");
        L($"  on ok -> {next}");
        L("}");
        L();

        L($"manual {s}-escalate \"Escalate {svc}\" {{");
        L($"  prompt \"{svc} did not recover in ${{cluster}} (pods: ${{pods{v}}}, restarts: ${{restarts{v}}}). Page its owners (key ${{pager_key.length > 0 ? 'set' : 'missing'}}). Approve once it is fixed, reject to stop the fleet recovery.\"");
        L("  choices approve \"Fixed, go on\", reject \"Stop here\"");
        L($"  timeout {10 + 5 * (i % 3)}m");
        L($"  on approve          -> {next}");
        L("  on reject, timeout  -> unresolved");
        L("}");

        if (phased)
        {
            b.Append("    on timeout -> fleet-escalate\n");
            b.Append("  }\n");
        }
        b.Append('\n');
        return (let, b.ToString());
    }

    private static bool IsPhased(int i) => i % 3 == 0;

    private static string Entry(int i) => IsPhased(i) ? $"p{i}" : $"s{i}-health";
}
