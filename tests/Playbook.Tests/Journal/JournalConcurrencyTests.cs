using Playbook.Journal;
using Xunit;

namespace Playbook.Tests.Journal;

public sealed class JournalConcurrencyTests(JournalTestFiles files) : IClassFixture<JournalTestFiles>
{
    [Fact]
    public void Parallel_appends_get_unique_consecutive_seqs_in_file_order()
    {
        const int threads = 4, each = 40;
        var path = files.NewPath();
        var returned = new long[threads][];
        using (var writer = JournalWriter.Create(path))
        {
            using var start = new Barrier(threads);
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                returned[t] = new long[each];
                start.SignalAndWait();
                for (var i = 0; i < each; i++)
                    returned[t][i] = writer.Append("branch.step", w => { w.WriteNumber("branch", t); w.WriteNumber("i", i); w.WriteString("pad", new string('x', 50 + t * 37)); });
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
            Assert.Equal(threads * each + 1, writer.NextSeq);
            Assert.Equal(new FileInfo(path).Length, writer.Length);
        }

        var contents = JournalReader.Read(path);
        Assert.Null(contents.Damage);
        Assert.Equal(Enumerable.Range(1, threads * each).Select(i => (long)i), contents.Records.Select(r => r.Seq));
        Assert.Equal(contents.Records.Select(r => r.Seq).Order(), returned.SelectMany(r => r).Order());
        for (var t = 0; t < threads; t++)
        {
            // Each thread's records are in the file in its own order, and each seq it got back is its record's.
            var mine = contents.Records.Where(r => r.Body.GetProperty("branch").GetInt32() == t).ToList();
            Assert.Equal(Enumerable.Range(0, each), mine.Select(r => r.Body.GetProperty("i").GetInt32()));
            Assert.Equal(returned[t], mine.Select(r => r.Seq));
        }
    }
}
