using System.Text;
using Playbook.LiveRuns.Actions;
using Xunit;

namespace Playbook.Tests.LiveRuns;

/// <summary>An output file cut back while its step still runs is still reported as cut, wherever the cut falls.</summary>
public sealed class StepFilesCapTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_file_cut_while_the_step_runs_reads_back_as_truncated(int offset)
    {
        // 'a' then 3-byte characters: with offset 0 the bytes Read keeps end exactly on a character boundary and the
        // cut falls inside the next one, which decodes to nothing (the case a loaded machine hit in CI).
        const int max = 4096;
        var path = Path.Combine(Path.GetTempPath(), $"pb-cap-{Guid.NewGuid():N}.out");
        try
        {
            File.WriteAllText(path, new string('a', 1 + offset) + string.Concat(Enumerable.Repeat("✓", 4 * max)), new UTF8Encoding(false));
            StepFiles.Cap(path, max);
            var (text, truncated) = StepFiles.Read(path, max);
            Assert.True(truncated);
            Assert.True(Encoding.UTF8.GetByteCount(text) <= max);
            Assert.DoesNotContain('\uFFFD', text);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Output_that_fits_is_whole()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pb-cap-{Guid.NewGuid():N}.out");
        try
        {
            File.WriteAllText(path, new string('a', 4096));
            StepFiles.Cap(path, 4096);
            Assert.Equal((new string('a', 4096), false), StepFiles.Read(path, 4096));
        }
        finally { File.Delete(path); }
    }
}
