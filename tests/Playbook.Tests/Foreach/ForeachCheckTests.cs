using Playbook.Diagnostics;
using Playbook.Syntax;
using Playbook.Timing;
using Xunit;

namespace Playbook.Tests.Foreach;

/// <summary>foreach through the parser, the checker and the worst case.</summary>
public class ForeachCheckTests
{
    private static PlaybookDocument Doc(string body) => PlaybookDocument.FromText("t.playbook", "playbook t {\n" + body + "\n}\n");

    private static List<string> Ids(string body) => Doc(body).Check().Select(d => d.Descriptor.Id).ToList();

    private const string Tail = """
        end done success
        end failed failure
        """;

    [Fact]
    public void The_issue_syntax_parses_into_one_foreach_with_its_settings_and_body()
    {
        var doc = Doc("""
            input poison_ids : list = ["1-0", "2-0"]
            input port : int = 6379
            foreach dead-letter "Move each poison message to the dead-letter stream" {
              each id in `poison_ids`
              parallel 4
              max 500
              step move {
                exec ["redis-cli", "-p", "${port}", "XCLAIM", "s", "g", "dlq-mover", "0", "${id}"]
                timeout 10s
                retry 2 backoff 1s
              }
              on ok   -> done
              on fail -> failed
            }
            """ + "\n" + Tail);
        Assert.DoesNotContain(doc.Check(), d => d.Severity == Severity.Error);
        var loop = Assert.IsType<ForeachSyntax>(doc.Model!.Lookup("dead-letter")!.Syntax);
        Assert.Equal("id", loop.Each!.Variable.Text);
        Assert.Equal("poison_ids", loop.Each.List.Code);
        Assert.Equal(4, loop.Parallelism!.Value.Value);
        Assert.Equal(500, loop.Max!.Value.Value);
        Assert.Equal("dead-letter", doc.Model.Lookup("move")!.Branch!.Parallel.Name);
    }

    [Fact]
    public void Worst_case_is_rounds_of_parallel_times_the_body_with_retries()
    {
        // 3 attempts × 1m + 1s + 1s of backoff = 3m2s per item; max 10 at 4 at once = 3 rounds.
        var doc = Doc("""
            input ids : list = ["a"]
            foreach each-one {
              each id in `ids`
              parallel 4
              max 10
              step work { shell "x ${id}" timeout 1m retry 2 backoff 1s  on fail -> work }
              on ok -> done
              on fail -> failed
            }
            """.Replace("  on fail -> work ", "") + "\n" + Tail);
        Assert.DoesNotContain(doc.Check(), d => d.Severity == Severity.Error);
        var done = WorstCaseAnalysis.Analyze(doc.Model!).Single(w => w.End.Name == "done");
        Assert.Equal("9m6s", done.Total.ToString());
    }

    [Fact]
    public void Without_max_the_worst_case_is_unbounded_and_says_why()
    {
        var doc = Doc("""
            input ids : list = ["a"]
            foreach each-one {
              each id in `ids`
              step work { shell "x" timeout 1m }
              on ok -> done
              on fail -> failed
            }
            """ + "\n" + Tail);
        var done = WorstCaseAnalysis.Analyze(doc.Model!).Single(w => w.End.Name == "done");
        Assert.True(done.Total.IsUnbounded);
        Assert.Contains("foreach 'each-one' has no max", done.Total.UnboundedBecause);
    }

    [Theory]
    [InlineData("step work { shell \"x\" timeout 1m }", "PB2501")]                            // no each
    [InlineData("each id in `count`\n step work { shell \"x\" timeout 1m }", "PB3501")]       // an int input
    [InlineData("each id in `got`\n step work { shell \"x\" timeout 1m }", "PB3502")]         // a typed capture, no max
    [InlineData("each id in `raw`\n max 5\n step work { shell \"x\" timeout 1m }", "PB3501")] // an untyped capture
    [InlineData("each count in `ids`\n step work { shell \"x\" timeout 1m }", "PB3503")]      // shadows an input
    [InlineData("each id in `ids`\n parallel 0\n step work { shell \"x\" timeout 1m }", "PB2502")]
    [InlineData("each id in `ids`\n max 2.5\n step work { shell \"x\" timeout 1m }", "PB2502")]
    [InlineData("each id in `ids`", "PB2503")]                                                 // no states
    [InlineData("each id in `ids`\n step work { shell \"x\" timeout 1m  on ok -> done }", "PB2015")] // leaves the body
    public void Each_rule_reports_its_diagnostic(string inside, string id)
    {
        var body = $$"""
            input ids : list = ["a"]
            input count : int = 3
            step fetch { shell "x" timeout 1m  capture got : list = `JSON.parse(stdout)`  capture raw = `stdout`  on ok -> loop  on fail -> failed }
            foreach loop {
              {{inside}}
              on ok -> after
              on fail -> failed
            }
            step after { shell "y ${id}" timeout 1m  on ok -> done  on fail -> failed }
            """ + "\n" + Tail;
        var ids = Ids(body);
        Assert.Contains(id, ids);
    }

    [Fact]
    public void The_item_is_read_only_inside_the_body_and_results_only_after_the_foreach()
    {
        var body = """
            input ids : list = ["a"]
            step before { shell "x ${loop.results.length}" timeout 1m  on ok -> loop  on fail -> failed }
            foreach loop {
              each id in `ids`
              max 3
              step work { shell "x ${id}" timeout 1m }
              on ok -> after
              on fail -> failed
            }
            step after { shell "y ${id} ${loop.results.length}" timeout 1m  on ok -> done  on fail -> failed }
            """ + "\n" + Tail;
        var unknown = Doc(body).Check().Where(d => d.Descriptor.Id == "PB1004").Select(d => d.Message).ToList();
        Assert.Equal(2, unknown.Count);
        Assert.Contains(unknown, m => m.Contains("'loop'"));
        Assert.Contains(unknown, m => m.Contains("'id'"));
    }
}
