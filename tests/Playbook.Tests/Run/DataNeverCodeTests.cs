using Playbook.Tests.LiveRuns;
using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.RealRuns;

/// <summary>Issue 10, section 1, through the real CLI: a value reaches no place where bash (or a shell it
/// starts) would read it as code — refused by the checker unless its type proves it safe, refused again
/// at run time — and exec passes anything as one argument.</summary>
public sealed class DataNeverCodeTests
{
    private const string Pwn = "a[$(touch pwned)]";

    private static RunWorkspace With(string name, string text)
    {
        var work = new RunWorkspace();
        File.WriteAllText(work.PathOf(name + ".playbook"), text);
        return work;
    }

    private static string OneStep(string name, string declarations, string action, string extra = "") => $$"""
        playbook {{name}} {
          {{declarations}}
          step act {
            {{action}}
            timeout 10s
            {{extra}}
            on ok   -> done
            on fail -> failed
          }
          end done success
          end failed failure
        }
        """;

    [Fact]
    public void A_string_in_arithmetic_is_refused_before_anything_runs()
    {
        using var work = With("arith", OneStep("arith", "input n : string = \"1\"", "shell \"echo next=$(( ${n} + 1 )) > out.txt\""));
        var result = work.Run("arith", "--input", "n=" + Pwn);
        Assert.True(result.Exit == 2, result.ToString());
        Assert.Contains("error PB3101", result.Out + result.Err);
        Assert.False(work.Exists("pwned"));
        Assert.False(work.Exists("out.txt"));
    }

    [Fact]
    public void An_int_input_in_arithmetic_runs_and_a_non_number_never_binds()
    {
        using var work = With("arith", OneStep("arith", "input n : int = 1", "shell \"echo next=$(( ${n} + 1 )) > out.txt\""));
        var bad = work.Run("arith", "--input", "n=" + Pwn);
        Assert.True(bad.Exit == 2, bad.ToString());
        Assert.False(work.Exists("pwned"));

        var good = work.Run("arith", "--input", "n=41");
        Assert.True(good.Exit == 0, good.ToString());
        Assert.Equal("next=42\n", work.Read("out.txt"));
    }

    [Fact]
    public void A_string_handed_to_bash_c_is_refused_and_the_positional_form_runs_it_as_text()
    {
        using (var work = With("nested", OneStep("nested", "input svc : string = \"api\"", "shell \"bash -c 'echo restarting ${svc} > out.txt'\"")))
        {
            var result = work.Run("nested", "--input", "svc=x; touch pwned");
            Assert.True(result.Exit == 2, result.ToString());
            Assert.Contains("error PB3102", result.Out + result.Err);
            Assert.False(work.Exists("pwned"));
        }
        using (var work = With("nested", OneStep("nested", "input svc : string = \"api\"", "shell \"bash -c 'echo restarting \\\"$1\\\" > out.txt' _ ${svc}\"")))
        {
            var result = work.Run("nested", "--input", "svc=x; touch pwned");
            Assert.True(result.Exit == 0, result.ToString());
            Assert.Equal("restarting x; touch pwned\n", work.Read("out.txt"));
            Assert.False(work.Exists("pwned"));
        }
    }

    [Fact]
    public void A_here_document_gets_the_value_itself_without_quotes_and_refuses_a_string()
    {
        const string Doc = "shell \"\"\"\n      cat > out.txt <<EOF\n      replicas=${n}\n      EOF\n      cat > quoted.txt <<'EOF'\n      replicas=${n}\n      EOF\n      \"\"\"";
        using (var work = With("doc", OneStep("doc", "input n : int = 3", Doc)))
        {
            var result = work.Run("doc");
            Assert.True(result.Exit == 0, result.ToString());
            Assert.Equal("replicas=3\n", work.Read("out.txt"));
            Assert.Equal("replicas=3\n", work.Read("quoted.txt"));
        }
        using (var work = With("doc", OneStep("doc", "input n : string = \"db1\"", Doc)))
        {
            var result = work.Run("doc");
            Assert.True(result.Exit == 2, result.ToString());
            Assert.Contains("error PB3103", result.Out + result.Err);
            Assert.False(work.Exists("out.txt"));
        }
    }

    [Fact]
    public void A_string_in_backquotes_is_refused_and_dollar_paren_keeps_it_one_word()
    {
        using (var work = With("bq", OneStep("bq", "input pat : string = \"*\"", "shell \"echo `echo ${pat}` > out.txt\"")))
        {
            var result = work.Run("bq");
            Assert.True(result.Exit == 2, result.ToString());
            Assert.Contains("error PB3104", result.Out + result.Err);
        }
        using (var work = With("bq", OneStep("bq", "input pat : string = \"*\"", "shell \"echo \\\"$(echo ${pat})\\\" > out.txt\"")))
        {
            var result = work.Run("bq");
            Assert.True(result.Exit == 0, result.ToString());
            Assert.Equal("*\n", work.Read("out.txt"));
        }
    }

    private static string FromHttp(string url, string capture) => $$"""
        playbook remote {
          step read {
            http GET "{{url}}"
            timeout 10s
            {{capture}}
            on ok   -> use
            on fail -> failed
          }
          step use {
            shell "echo next=$(( ${pending} + 1 )) > out.txt"
            timeout 10s
            on ok   -> done
            on fail -> failed
          }
          end done success
          end failed failure
        }
        """;

    [Fact]
    public async Task Remote_data_reaches_arithmetic_only_through_a_typed_capture()
    {
        var body = "{\"pending\": \"" + Pwn + "\"}";
        await using var server = new TestHttpServer(_ => TestHttpServer.Response(200, body, "Content-Type: application/json"));
        using (var work = With("remote", FromHttp(server.Url + "/queue", "capture pending = `response.json.pending`")))
        {
            var result = work.Run("remote");
            Assert.True(result.Exit == 2, result.ToString());
            Assert.Contains("error PB3101", result.Out + result.Err);
        }
        using (var work = With("remote", FromHttp(server.Url + "/queue", "capture pending : int = `response.json.pending`")))
        {
            var result = work.Run("remote");
            Assert.True(result.Exit == 1, result.ToString());
            Assert.Contains("capture 'pending' : int got \"a[$(touch pwned)]\", which is not a whole number", result.Out);
            Assert.False(work.Exists("pwned"));
            Assert.False(work.Exists("out.txt"));
        }
        body = "{\"pending\": 41}";
        using (var work = With("remote", FromHttp(server.Url + "/queue", "capture pending : int = `response.json.pending`")))
        {
            var result = work.Run("remote");
            Assert.True(result.Exit == 0, result.ToString());
            Assert.Equal("next=42\n", work.Read("out.txt"));
        }
    }

    [Fact]
    public void Exec_passes_each_element_as_exactly_one_argument()
    {
        using var work = With("argv", OneStep("argv", "input v : string = \"x; touch pwned\"",
            "exec [\"sh\", \"-c\", \"printf '[%s]' \\\"$@\\\" > out.txt\", \"sh\", \"${v}\", \"$(touch pwned2)\", \"a b\", \"\"]"));
        var result = work.Run("argv");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Equal("[x; touch pwned][$(touch pwned2)][a b][]", work.Read("out.txt"));
        Assert.False(work.Exists("pwned"));
        Assert.False(work.Exists("pwned2"));
    }

    [Fact]
    public void Exec_results_retries_and_timeouts_work_as_for_shell()
    {
        using var work = With("ex", """
            playbook ex {
              step count {
                exec ["sh", "-c", "echo 7; echo oops >&2; exit 0"]
                timeout 10s
                capture seven : int = `stdout.trim()`
                expect `exit_code == 0 && stderr.trim() == "oops"`
                on ok   -> hang
                on fail -> failed
              }
              step hang {
                exec ["sleep", "${seven}0"]
                timeout 1s
                on ok      -> failed
                on timeout -> missing
                on fail    -> failed
              }
              step missing {
                exec ["no-such-program-${seven}"]
                timeout 10s
                retry 1 backoff 100ms
                on ok   -> failed
                on fail -> done
              }
              end done success
              end failed failure
            }
            """);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = work.Run("ex");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}: the timeout did not stop sleep 70");
        var records = Records(work.JournalPath(RunIdOf(result)));
        Assert.Equal(2, records.Count(r => Type(r) == "attempt-ended" && Str(r, "state") == "missing"));
    }
}
