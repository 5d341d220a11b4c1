using Xunit;

namespace Playbook.Tests.Checking;

/// <summary>A "did you mean" is attached to its diagnostic as the bare suggestion (for the editor's quick
/// fix), from the parser and from the checker alike, and the printed hint is unchanged.</summary>
public sealed class DidYouMeanSuggestionTests
{
    private const string Text = """
        playbook restart {
          input service : strng = "api"
          step stop {
            shell "systemctl stop ${servce}"
            timeout 30s
            retyr 3
            on ok -> dne
            on fail -> done
          }
          end done success "stopped"
        }
        """;

    [Theory]
    [InlineData("PB0014", "retry")]
    [InlineData("PB1001", "done")]
    [InlineData("PB1004", "service")]
    [InlineData("PB3005", "string")]
    public void The_suggestion_travels_beside_the_hint(string id, string suggestion)
    {
        var diagnostic = Assert.Single(PlaybookDocument.FromText("/tmp/suggest/restart.playbook", Text).Check(), d => d.Id == id);
        Assert.Equal(suggestion, diagnostic.Suggestion);
        Assert.Equal($"did you mean '{suggestion}'?", diagnostic.Hint);
    }

    [Fact]
    public void A_diagnostic_without_a_close_name_has_no_suggestion_and_keeps_its_other_hint()
    {
        var text = Text.Replace("retyr 3", "prompt \"x\"");
        var diagnostic = Assert.Single(PlaybookDocument.FromText("/tmp/suggest/restart.playbook", text).Check(), d => d.Id == "PB0014");
        Assert.Null(diagnostic.Suggestion);
        Assert.Equal("'prompt' belongs in a manual step", diagnostic.Hint);
    }
}
