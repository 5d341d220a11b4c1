using System.Text.Json;
using Playbook.Cli;
using Xunit;
using static Playbook.Tests.Simulate.SimulateTestSupport;

namespace Playbook.Tests.Simulate;

/// <summary><c>playbook simulate --answer FOREACH[i]/STATE=…</c>: one item's manual step answered by its address,
/// before the answer for every item, as <c>playbook run</c> takes it; addresses that name nothing are usage errors.</summary>
public class SimulateItemAnswerTests
{
    private static List<(string? Branch, string? Outcome)> Approvals(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("timeline").EnumerateArray()
            .Where(e => e.GetProperty("state").GetString() == "approve")
            .Select(e => (e.TryGetProperty("branch", out var b) ? b.GetString() : null, e.GetProperty("outcome").GetString()))
            .ToList();

    [Fact]
    public void One_items_manual_step_is_answered_by_its_address_and_the_others_by_the_answer_for_every_item()
    {
        var result = RunCli("simulate", "foreach-approve.playbook", "--answer", "approve=approve", "--answer", "approve-each[2]/approve=reject", "--format", "json");

        Assert.True(result.Exit == ExitCodes.Failed, result.ToString());
        Assert.Equal("failed", JsonDocument.Parse(result.Out).RootElement.GetProperty("end").GetString());
        Assert.Equal([("approve-each[1]", "approve"), ("approve-each[2]", "reject"), ("approve-each[3]", "approve")], Approvals(result.Out));
    }

    [Fact]
    public void An_item_address_alone_answers_that_item_and_the_rest_take_the_default()
    {
        var rejected = RunCli("simulate", "foreach-approve.playbook", "--answer", "approve-each[3]/approve=reject", "--format", "json");
        Assert.True(rejected.Exit == ExitCodes.Failed, rejected.ToString());
        Assert.Equal([("approve-each[1]", "approve"), ("approve-each[2]", "approve"), ("approve-each[3]", "reject")], Approvals(rejected.Out));

        // Without any answer every item is approved by default, and the run succeeds.
        var approved = RunCli("simulate", "foreach-approve.playbook", "--format", "json");
        Assert.True(approved.Exit == ExitCodes.Success, approved.ToString());
    }

    [Theory]
    [InlineData("approve-each[0]/approve=approve", "approve-each[0]")]
    [InlineData("approve-each[2]/move=approve", "'move' is not a manual step")]
    [InlineData("approve-each[2]/aprove=approve", "did you mean 'approve'")]
    [InlineData("nothing[2]/approve=approve", "nothing")]
    public void An_item_address_that_names_no_manual_step_is_a_usage_error(string answer, string expected)
    {
        var result = RunCli("simulate", "foreach-approve.playbook", "--answer", answer);

        Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
        Assert.Contains(expected, result.Err);
        Assert.DoesNotContain("   at ", result.Err); // one clear line, no stack trace
    }
}
