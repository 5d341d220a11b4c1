using Xunit;

namespace Playbook.Tests.Checking;

/// <summary>Which names an expression may read depends on where it stands.</summary>
public class ExpressionScopeTests
{
    private static List<string> Check(string body, string language = "js") =>
        PlaybookDocument.FromText("t.playbook", $"playbook t {{\n expressions {language}\n{body}\n}}\n").Check()
            .Where(d => d.Id.StartsWith("PB1", StringComparison.Ordinal) || d.Id.StartsWith("PB3", StringComparison.Ordinal))
            .Select(d => $"{d.Start}: {d.Id} {d.Message}{(d.Hint is null ? "" : " | " + d.Hint)}")
            .ToList();

    [Fact]
    public void A_capture_is_readable_after_the_step_that_makes_it()
    {
        Assert.Empty(Check("""
            input max_errors : int = 3
            step tail { shell "x" timeout 1m capture errors = `stdout.split('\n').length` expect `errors >= 0` -> choose  on fail -> done }
            decide choose { when `errors > max_errors` -> done  else -> done }
            end done success "errors: ${errors}"
            """));
    }

    [Fact]
    public void A_capture_is_not_readable_before_it_is_made_and_a_typo_gets_a_suggestion()
    {
        var found = Check("""
            decide choose { when `errors > 1` -> tail  else -> tail }
            step tail { shell "x" timeout 1m capture errors = `stdout.length` -> next  on fail -> next }
            decide next { when `erors > 1` -> done  else -> done }
            end done success
            """);
        Assert.Equal(new[]
        {
            "3:23: PB1004 'errors' is not an input, let, secret or capture available here | 'errors' is set by 'tail', which runs later: read it after 'tail', or capture it in a state before this one",
            "5:21: PB1004 'erors' is not an input, let, secret or capture available here | did you mean 'errors'?",
        }, found);
    }

    [Fact]
    public void The_action_result_is_only_readable_in_its_own_step()
    {
        var found = Check("""
            step a { shell "x" timeout 1m capture code = `exit_code` -> b  on fail -> b }
            decide b { when `stdout == ''` -> done  else -> done }
            end done success
            """);
        var only = Assert.Single(found);
        Assert.StartsWith("4:18: PB1004 'stdout'", only);
        Assert.Contains("the action's result", only);
    }

    [Fact]
    public void Interpolations_are_checked_like_expressions()
    {
        var found = Check("""
            input worker : string = "api"
            step a { shell "wrangler rollback --name ${wroker}" timeout 1m -> done  on fail -> done }
            end done success
            """);
        Assert.Equal(new[] { "4:44: PB1004 'wroker' is not an input, let, secret or capture available here | did you mean 'worker'?" }, found);
    }

    [Fact]
    public void JavaScript_syntax_errors_point_inside_the_playbook()
    {
        var found = Check("""
            step a { shell "x" timeout 1m capture n = `stdout.split(` -> done  on fail -> done }
            end done success
            """);
        var only = Assert.Single(found);
        Assert.StartsWith("3:57: PB3001 JavaScript: Unexpected end of input", only);
    }

    [Fact]
    public void Csharp_guards_compile_against_typed_inputs_and_refuse_impure_apis()
    {
        var found = Check("""
            input max_errors : int = 3
            step a { shell "x" timeout 1m capture errors = `stdout.Length` -> b  on fail -> b }
            decide b {
              when `errors > max_errors` -> done
              when `max_errors.Foo()` -> done
              when `System.IO.File.Exists("/etc/passwd")` -> done
              else -> done
            }
            end done success
            """, "csharp");
        Assert.Equal(2, found.Count);
        Assert.StartsWith("7:20: PB3002 C#: 'long' does not contain a definition for 'Foo'", found[0]);
        Assert.StartsWith("8:19: PB3003 C# expressions must be pure: 'System.IO.File'", found[1]);
    }

    [Fact]
    public void Names_with_dashes_or_reserved_names_cannot_be_read_by_expressions()
    {
        var found = Check("""
            input max-errors : int = 3
            step a { shell "x" timeout 1m capture stdout = `1` -> done  on fail -> done }
            end done success
            """);
        Assert.Contains(found, f => f.StartsWith("3:7: PB1011", StringComparison.Ordinal));
        Assert.Contains(found, f => f.StartsWith("4:39: PB1013", StringComparison.Ordinal));
    }
}
