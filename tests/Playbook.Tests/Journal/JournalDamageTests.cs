using Playbook.Journal;
using Xunit;

namespace Playbook.Tests.Journal;

public sealed class JournalDamageTests(JournalTestFiles files) : IClassFixture<JournalTestFiles>
{
    private static string WriteJournal(string path, int records)
    {
        using var writer = JournalWriter.Create(path);
        for (var i = 1; i <= records; i++) writer.Append("step.finished", w => { w.WriteString("state", $"step-{i}"); w.WriteNumber("attempt", 1); });
        return path;
    }

    [Fact]
    public void Continue_after_a_record_cut_mid_line_drops_it_and_continues_the_seqs()
    {
        var path = WriteJournal(files.NewPath(), 5);
        var starts = JournalTestFiles.LineStarts(path);
        JournalTestFiles.Truncate(path, starts[4] + 30); // line 5 cut in the middle of its JSON

        var torn = JournalReader.Read(path);
        Assert.Equal(4, torn.Records.Count);
        Assert.Equal(starts[4], torn.ValidLength);
        Assert.Equal(new JournalDamage(5, starts[4], "line 5: the record is cut short (torn write at the end of the journal)", AtTail: true), torn.Damage);
        Assert.Equal(5, torn.NextSeq);

        using (var writer = JournalWriter.Continue(path, torn.ValidLength, torn.NextSeq))
        {
            Assert.Equal(starts[4], writer.Length);
            Assert.Equal(5, writer.Append("step.finished", w => w.WriteString("state", "again")));
            Assert.Equal(6, writer.Append("run.finished"));
        }

        var clean = JournalReader.Read(path);
        Assert.Null(clean.Damage);
        Assert.Equal([1L, 2, 3, 4, 5, 6], clean.Records.Select(r => r.Seq));
        Assert.Equal("again", clean.Records[4].Body.GetProperty("state").GetString());
    }

    [Fact]
    public void Continue_after_garbage_without_a_newline_cuts_the_garbage()
    {
        var path = WriteJournal(files.NewPath(), 3);
        var length = new FileInfo(path).Length;
        JournalTestFiles.AppendBytes(path, "\0\0\0\0 1f2e{\"seq\":4,\"ty");

        var torn = JournalReader.Read(path);
        Assert.Equal(3, torn.Records.Count);
        Assert.Equal(length, torn.ValidLength);
        Assert.True(torn.Damage is { Line: 4, AtTail: true }, torn.Damage?.ToString());

        using (var writer = JournalWriter.Continue(path, torn.ValidLength, torn.NextSeq)) writer.Append("run.finished");

        var clean = JournalReader.Read(path);
        Assert.Null(clean.Damage);
        Assert.Equal([1L, 2, 3, 4], clean.Records.Select(r => r.Seq));
    }

    [Fact]
    public void A_flipped_byte_in_the_middle_is_damage_not_at_the_tail()
    {
        var path = WriteJournal(files.NewPath(), 10);
        var starts = JournalTestFiles.LineStarts(path);
        JournalTestFiles.FlipByteInLine(path, 3);

        var contents = JournalReader.Read(path);
        Assert.Equal([1L, 2], contents.Records.Select(r => r.Seq));
        Assert.Equal(starts[2], contents.ValidLength);
        var damage = Assert.IsType<JournalDamage>(contents.Damage);
        Assert.Equal(3, damage.Line);
        Assert.Equal(starts[2], damage.Offset);
        Assert.False(damage.AtTail);
        Assert.StartsWith("line 3: checksum mismatch", damage.Reason);
    }

    [Fact]
    public void A_flipped_byte_in_the_last_line_is_damage_at_the_tail()
    {
        var path = WriteJournal(files.NewPath(), 10);
        var starts = JournalTestFiles.LineStarts(path);
        JournalTestFiles.FlipByteInLine(path, 10);

        var contents = JournalReader.Read(path);
        Assert.Equal(9, contents.Records.Count);
        Assert.Equal(starts[9], contents.ValidLength);
        Assert.True(contents.Damage is { Line: 10, AtTail: true }, contents.Damage?.ToString());
        Assert.Contains("checksum mismatch", contents.Damage!.Reason);
    }

    [Theory]
    [InlineData("""{"seq":3,"type":"x","at":"2026-11-23T03:00:00.000Z"}""", "line 2: seq 3 follows seq 1 (expected 2")]
    [InlineData("""{"seq":1,"type":"x","at":"2026-11-23T03:00:00.000Z"}""", "line 2: seq 1 follows seq 1")]
    [InlineData("""{"type":"x","at":"2026-11-23T03:00:00.000Z"}""", "line 2: missing seq")]
    [InlineData("""{"seq":2,"at":"2026-11-23T03:00:00.000Z"}""", "line 2: missing type")]
    [InlineData("""{"seq":2,"type":"x","at":"yesterday"}""", "line 2: missing at")]
    [InlineData("""[1,2]""", "line 2: not a JSON object")]
    [InlineData("""{"seq":2,"type":"x",""", "line 2: not JSON")]
    public void A_well_framed_line_with_bad_content_is_named_for_what_is_wrong(string json, string reason)
    {
        // Line 2 is hand-made with a correct checksum: at first the last line (tail damage), then with a line
        // after it (damage in the middle).
        var path = files.NewPath();
        using (var writer = JournalWriter.Create(path)) writer.Append("a");
        var crc = System.IO.Hashing.Crc32.HashToUInt32(System.Text.Encoding.UTF8.GetBytes(json));
        JournalTestFiles.AppendBytes(path, $"{crc:x8} {json}\n");

        var contents = JournalReader.Read(path);
        Assert.Single(contents.Records);
        Assert.True(contents.Damage is { Line: 2, AtTail: true }, contents.Damage?.ToString());
        Assert.StartsWith(reason, contents.Damage!.Reason);

        JournalTestFiles.AppendBytes(path, "00000000 {}\n");
        var middle = JournalReader.Read(path);
        Assert.True(middle.Damage is { Line: 2, AtTail: false }, middle.Damage?.ToString());
    }

    [Theory]
    [InlineData("\n", "line 2: the line is empty")]
    [InlineData("{\"seq\":2}\n", "line 2: no checksum")]
    [InlineData("0000000G {}\n", "line 2: no checksum")]
    public void Badly_framed_lines_are_named(string text, string reason)
    {
        var path = WriteJournal(files.NewPath(), 1);
        JournalTestFiles.AppendBytes(path, text);
        var contents = JournalReader.Read(path);
        Assert.Single(contents.Records);
        Assert.True(contents.Damage is { Line: 2, AtTail: true }, contents.Damage?.ToString());
        Assert.StartsWith(reason, contents.Damage!.Reason);
    }

    [Fact]
    public void A_journal_not_starting_at_seq_1_is_damaged_at_line_1()
    {
        var path = files.NewPath();
        JournalWriter.Create(path).Dispose();
        using (var writer = JournalWriter.Continue(path, 0, nextSeq: 4)) writer.Append("x");

        var contents = JournalReader.Read(path);
        Assert.Empty(contents.Records);
        Assert.Equal(0, contents.ValidLength);
        Assert.StartsWith("line 1: seq 4 at the start of the journal", contents.Damage!.Reason);
    }

    [Fact]
    public void Continue_refuses_a_valid_length_beyond_the_file()
    {
        var path = WriteJournal(files.NewPath(), 2);
        var length = new FileInfo(path).Length;
        Assert.Throws<IOException>(() => JournalWriter.Continue(path, length + 1, 3));
        Assert.Equal(length, new FileInfo(path).Length);
    }
}
