using System.Text;
using System.Text.Json;
using Playbook.Journal;
using Xunit;

namespace Playbook.Tests.Journal;

public sealed class JournalRoundTripTests(JournalTestFiles files) : IClassFixture<JournalTestFiles>
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 3, 12, 45, 0, TimeSpan.Zero);

    [Fact]
    public void Records_with_nested_fields_read_back_as_written()
    {
        var path = files.NewPath();
        using (var writer = JournalWriter.Create(path, new SteppingTime(Start)))
        {
            Assert.Equal(1, writer.Append("run.started", w => w.WriteString("playbook", "db-failover")));
            Assert.Equal(2, writer.Append("step.finished", w =>
            {
                w.WriteString("state", "restart-db");
                w.WriteNumber("attempt", 2);
                w.WriteStartObject("result");
                w.WriteString("outcome", "ok");
                w.WriteStartArray("lines");
                w.WriteStringValue("stopped");
                w.WriteStringValue("démarré \"again\"\n<done>");
                w.WriteEndArray();
                w.WriteNull("error");
                w.WriteEndObject();
            }));
            Assert.Equal(3, writer.Append("run.finished"));
            Assert.Equal(4, writer.NextSeq);
            Assert.Equal(new FileInfo(path).Length, writer.Length);
        }

        var contents = JournalReader.Read(path);
        Assert.Null(contents.Damage);
        Assert.Equal(new FileInfo(path).Length, contents.ValidLength);
        Assert.Equal(4, contents.NextSeq);
        Assert.Equal([1L, 2, 3], contents.Records.Select(r => r.Seq));
        Assert.Equal(["run.started", "step.finished", "run.finished"], contents.Records.Select(r => r.Type));
        Assert.Equal([1, 2, 3], contents.Records.Select(r => r.Line));
        Assert.Equal(JournalTestFiles.LineStarts(path), contents.Records.Select(r => r.Offset));
        Assert.Equal(Start.AddMilliseconds(1), contents.Records[0].At); // 1.5 ms on the clock: kept to the millisecond

        var step = contents.Records[1].Body;
        Assert.Equal(2, step.GetProperty("seq").GetInt64());
        Assert.Equal("2026-11-23T03:12:45.003Z", step.GetProperty("at").GetString());
        Assert.Equal(2, step.GetProperty("attempt").GetInt32());
        var result = step.GetProperty("result");
        Assert.Equal("ok", result.GetProperty("outcome").GetString());
        Assert.Equal("démarré \"again\"\n<done>", result.GetProperty("lines")[1].GetString());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("error").ValueKind);
    }

    [Fact]
    public void Each_record_is_one_line_with_its_checksum_in_front()
    {
        var path = files.NewPath();
        using (var writer = JournalWriter.Create(path, new SteppingTime(Start)))
            writer.Append("note", w => w.WriteString("text", "line one\nline two"));

        var text = File.ReadAllText(path, Encoding.UTF8);
        Assert.EndsWith("\n", text);
        Assert.Single(text.TrimEnd('\n').Split('\n'));
        Assert.Matches("""^[0-9a-f]{8} \{"seq":1,"type":"note","at":"2026-11-23T03:12:45\.001Z","text":"line one\\nline two"\}\n$""", text);
        var json = Encoding.UTF8.GetBytes(text[9..^1]);
        Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(json).ToString("x8"), text[..8]);
    }

    [Fact]
    public void The_example_lines_of_the_format_description_read_clean()
    {
        // engine/Playbook.Core/Journal/README.md and JournalWriter's doc comment: checksums computed with zlib.
        var path = files.NewPath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, """
            83bdce77 {"seq":1,"type":"run.started","at":"2026-11-23T03:12:45.123Z","playbook":"db-failover"}
            c7930bb5 {"seq":2,"type":"step.finished","at":"2026-11-23T03:12:47.480Z","state":"restart-db","outcome":"ok"}

            """.ReplaceLineEndings("\n"));

        var contents = JournalReader.Read(path);
        Assert.Null(contents.Damage);
        Assert.Equal(["run.started", "step.finished"], contents.Records.Select(r => r.Type));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 3, 12, 45, 123, TimeSpan.Zero), contents.Records[0].At);
    }

    [Fact]
    public void An_empty_file_is_a_valid_journal_with_no_records()
    {
        var path = files.NewPath();
        JournalWriter.Create(path).Dispose();

        var contents = JournalReader.Read(path);
        Assert.Empty(contents.Records);
        Assert.Null(contents.Damage);
        Assert.Equal(0, contents.ValidLength);
        Assert.Equal(1, contents.NextSeq);
    }

    [Fact]
    public void Create_refuses_an_existing_file_and_creates_the_folder()
    {
        var path = files.NewPath(Path.Combine("deeper", "run.journal"));
        using (var writer = JournalWriter.Create(path)) writer.Append("run.started");
        Assert.Throws<IOException>(() => JournalWriter.Create(path));
        Assert.Single(JournalReader.Read(path).Records);
    }

    [Fact]
    public void A_fields_callback_that_throws_writes_nothing_and_uses_no_seq()
    {
        var path = files.NewPath();
        using (var writer = JournalWriter.Create(path))
        {
            writer.Append("a");
            Assert.Throws<InvalidOperationException>(() => writer.Append("b", w =>
            {
                w.WriteStartObject("half");
                throw new InvalidOperationException("the caller failed");
            }));
            Assert.Throws<InvalidOperationException>(() => writer.Append("c", w => writer.Append("inner")));
            Assert.Equal(2, writer.Append("d", w => w.WriteBoolean("whole", true)));
        }

        var contents = JournalReader.Read(path);
        Assert.Null(contents.Damage);
        Assert.Equal(["a", "d"], contents.Records.Select(r => r.Type));
    }
}
