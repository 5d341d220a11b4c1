using Playbook.Graphs;
using Xunit;

namespace Playbook.Tests.Graph;

/// <summary>Fuzz mutant 13 of seed 3: a step named with 1.2 MB of one word. Wrapping it into 24-character
/// lines copied what was left of the word for every line, n²/48 characters in all: <c>graph</c> never
/// finished (killed after 120 s) and the fuzz pipeline burned over 13 s of CPU. The work done is counted as
/// the bytes allocated, which for a linear wrap is a small multiple of the text.</summary>
public sealed class GraphTextScaleTests
{
    [Fact]
    public void Wrapping_a_word_of_about_a_mebibyte_allocates_in_proportion_to_its_length()
    {
        var word = new string('9', 24 * 40_000); // about a MiB, whole lines of 24
        var before = GC.GetAllocatedBytesForCurrentThread();
        var lines = GraphText.Wrap("step " + word + " end", 24);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("step", lines[0]);
        Assert.Equal("end", lines[^1]);
        Assert.Equal(word, string.Concat(lines.Skip(1).Take(lines.Count - 2)));
        Assert.All(lines, l => Assert.InRange(l.Length, 1, 24));
        // The text is 2 MB as UTF-16; the lines hold it again with an object header each. Copying the rest
        // of the word per line allocated about 45 GB.
        Assert.True(allocated < 16L * word.Length, $"{allocated:N0} bytes allocated for a {word.Length:N0}-character word");
    }

    [Fact]
    public void Words_are_still_broken_at_white_space_and_cut_at_the_width()
    {
        Assert.Equal(new[] { "restart the", "workers" }, GraphText.Wrap("restart the workers", 12));
        Assert.Equal(new[] { "abcde", "fghij", "k" }, GraphText.Wrap("abcdefghijk", 5));
        Assert.Equal(new[] { "ab", "cdefg", "hij" }, GraphText.Wrap("ab cdefghij", 5));
        Assert.Equal(new[] { "" }, GraphText.Wrap("   ", 5));
    }
}
