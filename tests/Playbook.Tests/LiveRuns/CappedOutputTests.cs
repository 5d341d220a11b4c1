using System.Text;
using Playbook.LiveRuns.Actions;
using Xunit;

namespace Playbook.Tests.LiveRuns;

/// <summary>Output is redacted as it arrives, before the cap cuts it.</summary>
public sealed class CappedOutputTests
{
    private const string Secret = "s3cr3t-9f27c1d4";

    [Fact]
    public void A_secret_split_across_reads_is_redacted()
    {
        var output = new CappedOutput(1 << 20, new Redactor([Secret]));
        var text = Encoding.UTF8.GetBytes("a " + Secret + " b " + Secret);
        // One byte per read: every boundary falls inside the secret at some point.
        foreach (var b in text) output.Keep([b]);
        Assert.Equal("a *** b ***", output.Text());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(14)]
    public void A_secret_straddling_the_cap_leaves_none_of_its_characters(int shown)
    {
        const int max = 4096;
        var output = new CappedOutput(max, new Redactor([Secret]));
        output.Keep(Encoding.UTF8.GetBytes(new string('a', max - shown) + Secret + new string('z', 100)));
        var text = output.Text();
        Assert.True(output.Truncated);
        Assert.DoesNotContain(Secret[..Math.Min(shown, 3)], text[(max - shown - 1)..]);
        Assert.True(Encoding.UTF8.GetByteCount(text) <= max);
    }

    [Fact]
    public void Text_taken_while_reading_shows_the_held_back_tail_redacted()
    {
        var output = new CappedOutput(1 << 20, new Redactor([Secret]));
        output.Keep(Encoding.UTF8.GetBytes("x " + Secret[..4]));
        Assert.Equal("x " + Secret[..4], output.Text());
        output.Keep(Encoding.UTF8.GetBytes(Secret[4..] + " y"));
        Assert.Equal("x *** y", output.Text());
    }
}
