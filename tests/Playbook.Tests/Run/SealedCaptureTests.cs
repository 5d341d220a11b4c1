using System.Text;
using Playbook.Tests.Resume;
using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.RealRuns;

/// <summary>A capture that holds a secret is journaled redacted and sealed under that secret: a resume
/// with the same secret continues with the real value, one without it (or with a rotated one) is refused,
/// and never continues with <c>***</c> as the value.</summary>
public class SealedCaptureTests
{
    private const string Secret = "s3cr3t-5ea1ed77";

    /// <summary>Runs 'sealed-capture' and SIGKILLs the CLI while it waits at 'pause', after the capture.</summary>
    private static string KilledAfterTheCapture(RunWorkspace work)
    {
        work.Environment["PLAYBOOK_SECRET_API_TOKEN"] = Secret;
        using var running = work.Start("sealed-capture");
        WaitForRecord(work.SingleJournal, r => Type(r) == "attempt-started" && Str(r, "state") == "pause", running);
        running.Kill();
        var killed = running.Finish();
        Assert.True(killed.Exit != 0, killed.ToString());
        var journal = work.SingleJournal()!;
        var records = Records(journal);
        Assert.DoesNotContain(records, r => Type(r) is "run-ended" or "run-interrupted");
        var captured = records.Single(r => Type(r) == "captured" && Str(r, "name") == "t");
        Assert.Equal("token=***-suffix", Str(captured, "value"));
        Assert.Equal(["PLAYBOOK_SECRET_API_TOKEN"], captured.GetProperty("sealed_with").EnumerateArray().Select(e => e.GetString()));
        Assert.False(work.Exists("seen.txt"));
        return journal;
    }

    private static void NeverHoldsTheSecret(string place, byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        foreach (var form in new[] { Secret, Secret.ToUpperInvariant(), Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret)), Convert.ToHexString(Encoding.UTF8.GetBytes(Secret)) })
            Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"the {place} holds the secret ({form}):\n{text}");
    }

    [Fact]
    public void A_resume_with_the_same_secret_continues_with_the_captures_real_value()
    {
        using var work = new RunWorkspace("sealed-capture");
        var journal = KilledAfterTheCapture(work);

        var resumed = work.Resume("--answer", "pause=approve", "--report", "report.md");

        Assert.True(resumed.Exit == 0, resumed.ToString());
        Assert.Equal($"token={Secret}-suffix", work.Read("seen.txt"));
        NeverHoldsTheSecret("journal", File.ReadAllBytes(journal));
        NeverHoldsTheSecret("report", File.ReadAllBytes(work.PathOf("report.md")));
        NeverHoldsTheSecret("output", Encoding.UTF8.GetBytes(resumed.Out + resumed.Err));
        var runs = work.Cli("runs", "--journal", JournalDir);
        Assert.True(runs.Exit == 0, runs.ToString());
        NeverHoldsTheSecret("runs listing", Encoding.UTF8.GetBytes(runs.Out));
        Assert.Contains("token=***-suffix", work.Read("report.md"));
    }

    [Fact]
    public void A_resume_with_a_rotated_secret_is_refused_and_names_the_capture_and_the_secret()
    {
        using var work = new RunWorkspace("sealed-capture");
        var journal = KilledAfterTheCapture(work);
        var before = File.ReadAllBytes(journal);
        work.Environment["PLAYBOOK_SECRET_API_TOKEN"] = "rotated-0a1b2c3d";

        var refused = work.Resume("--answer", "pause=approve");

        Assert.True(refused.Exit == 2, refused.ToString());
        Assert.Contains("capture 't' of state 'fetch'", refused.Err);
        Assert.Contains("export PLAYBOOK_SECRET_API_TOKEN with the value it had when the run started", refused.Err);
        Assert.DoesNotContain("Exception", refused.Err);
        Assert.Equal(before, File.ReadAllBytes(journal));
        Assert.False(work.Exists("seen.txt"));
    }

    [Fact]
    public void A_crafted_sealed_value_is_refused_cleanly()
    {
        using var work = new RunWorkspace("sealed-capture");
        var journal = KilledAfterTheCapture(work);
        // One bit of the tag changed, the checksum made right again: what a hand-crafted journal is.
        JournalEdits.Rewrite(journal, record =>
        {
            if (JournalEdits.Type(record) != "captured") return record;
            var sealedBytes = Convert.FromBase64String(JournalEdits.Str(record, "sealed")!);
            sealedBytes[^1] ^= 0x01;
            record["sealed"] = Convert.ToBase64String(sealedBytes);
            return record;
        });
        var before = File.ReadAllBytes(journal);

        var refused = work.Resume("--answer", "pause=approve");

        Assert.True(refused.Exit == 2, refused.ToString());
        Assert.Contains("capture 't' of state 'fetch'", refused.Err);
        Assert.Contains("PLAYBOOK_SECRET_API_TOKEN", refused.Err);
        Assert.DoesNotContain("Exception", refused.Err);
        Assert.Equal(before, File.ReadAllBytes(journal));
        Assert.False(work.Exists("seen.txt"));

        // Not base64 at all: refused by the journal's own check, with the line and the field.
        JournalEdits.Rewrite(journal, record =>
        {
            if (JournalEdits.Type(record) == "captured") record["sealed"] = "not base64 at all!";
            return record;
        });
        var garbage = work.Resume("--answer", "pause=approve");
        Assert.True(garbage.Exit == 2, garbage.ToString());
        Assert.Contains("field 'sealed'", garbage.Err);
        Assert.DoesNotContain("Exception", garbage.Err);
        Assert.False(work.Exists("seen.txt"));

        // A sealed value that names no secret to open it with is not one the runner writes.
        JournalEdits.Rewrite(journal, record =>
        {
            if (JournalEdits.Type(record) != "captured") return record;
            record["sealed"] = Convert.ToBase64String(new byte[40]);
            record.Remove("sealed_with");
            return record;
        });
        var unnamed = work.Resume("--answer", "pause=approve");
        Assert.True(unnamed.Exit == 2, unnamed.ToString());
        Assert.Contains("'sealed' and 'sealed_with'", unnamed.Err);
        Assert.False(work.Exists("seen.txt"));
    }
}
