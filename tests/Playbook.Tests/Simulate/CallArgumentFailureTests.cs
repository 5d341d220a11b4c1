using Xunit;

namespace Playbook.Tests.Simulate;

/// <summary>A <c>call</c> whose argument passes the checker but throws when evaluated (seen in the fuzz run as an
/// unhandled exception with a stack trace) fails its step with a note, in a dry run and in a real run alike.</summary>
public sealed class CallArgumentFailureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pb-call-arg-").FullName;

    public CallArgumentFailureTests()
    {
        File.WriteAllText(Path.Combine(_dir, "child.playbook"), """
            playbook child {
              input id : string
              step s { script `1` timeout 5s -> done }
              end done success
            }
            """);
        // toFixed(200) is legal JavaScript that throws a RangeError at run time.
        File.WriteAllText(Path.Combine(_dir, "parent.playbook"), """
            playbook parent {
              input n : number = 1
              step go {
                call child with { id = "${n.toFixed(200)}" }
                timeout 1m
                on ok -> done
                on fail -> failed
              }
              end done success
              end failed failure
            }
            """);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("simulate")]
    [InlineData("run")]
    public void The_step_fails_with_the_expression_and_its_error_and_the_run_takes_on_fail(string command)
    {
        var args = command == "run"
            ? new[] { "run", "parent.playbook", "--journal", Path.Combine(_dir, "runs") }
            : new[] { "simulate", "parent.playbook" };
        var result = CliProcess.Run(_dir, args);
        Assert.True(result.Exit == 1, result.ToString());
        Assert.Contains("`n.toFixed(200)` failed", result.Out);
        Assert.Contains("failed", result.Out);
        Assert.DoesNotContain("at Playbook.", result.Out + result.Err);
        Assert.DoesNotContain("Exception", result.Out + result.Err);
    }
}
