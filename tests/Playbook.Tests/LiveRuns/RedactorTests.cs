using Playbook.LiveRuns.Actions;
using Xunit;

namespace Playbook.Tests.LiveRuns;

public sealed class RedactorTests
{
    [Theory]
    [InlineData("token=abc123; again abc123", "token=***; again ***")]
    [InlineData("no secrets here", "no secrets here")]
    // Longest first: the long secret is hidden whole, not as "***-suffix".
    [InlineData("abc123-suffix and abc123", "*** and ***")]
    // Short values count too, and regex characters are plain text.
    [InlineData("pin 42, pattern a.*b, not axxb", "pin ***, pattern ***, not axxb")]
    public void Replaces_every_occurrence(string text, string expected)
    {
        var redactor = new Redactor(new[] { "abc123", "abc123-suffix", "42", "a.*b", "" });
        Assert.Equal(expected, redactor.Redact(text));
    }

    [Fact]
    public void Goes_deep_into_maps_and_lists_and_leaves_other_values()
    {
        var redactor = new Redactor(new[] { "s3cr3t" });
        var value = new Dictionary<string, object?>
        {
            ["response"] = new Dictionary<string, object?>
            {
                ["body"] = "echo s3cr3t",
                ["status"] = 200L,
                ["json"] = new List<object?> { "s3cr3t", 1.5, true, null, new Dictionary<string, object?> { ["k"] = "x s3cr3t" } },
            },
        };
        var redacted = Assert.IsAssignableFrom<IDictionary<string, object?>>(redactor.Redact((object?)value));
        var response = Assert.IsAssignableFrom<IDictionary<string, object?>>(redacted["response"]);
        Assert.Equal("echo ***", response["body"]);
        Assert.Equal(200L, response["status"]);
        var json = Assert.IsAssignableFrom<IList<object?>>(response["json"]);
        Assert.Equal(new object?[] { "***", 1.5, true, null }, json.Take(4));
        Assert.Equal("x ***", Assert.IsAssignableFrom<IDictionary<string, object?>>(json[4])["k"]);
        // The original is left as it was.
        Assert.Equal("echo s3cr3t", ((Dictionary<string, object?>)value["response"]!)["body"]);
    }

    [Fact]
    public void None_and_empty_values_change_nothing()
    {
        Assert.Equal("anything", Redactor.None.Redact("anything"));
        Assert.Equal("anything", new Redactor(new[] { "" }).Redact("anything"));
        var list = new List<object?> { "a" };
        Assert.Same(list, Redactor.None.Redact((object?)list));
    }
}
