using System.Diagnostics;
using System.Text;
using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.RealRuns;

/// <summary>A run on a terminal: the CLI under a pseudo-terminal (util-linux <c>script</c>), keys typed
/// into it. Two manual steps ask at once from two branches; the live view shows one question at a time
/// with the playbook's choice labels, each key answers the question shown, and the journal says that a
/// person (not --answer) answered.</summary>
public class TerminalRunTests
{
    [Fact]
    public async Task Questions_from_concurrent_branches_are_answered_one_at_a_time_with_keys()
    {
        using var work = new RunWorkspace("two-questions");
        var command = $"'{CliProcess.DotnetHost()}' '{CliProcess.PlaybookDll()}' run two-questions.playbook --journal {JournalDir}";
        var start = new ProcessStartInfo("script", ["-qfec", command, "/dev/null"])
        {
            WorkingDirectory = work.Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["TERM"] = "xterm-256color";
        start.Environment.Remove("NO_COLOR");
        using var process = Process.Start(start)!;
        var screen = new StringBuilder();
        var reading = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int n;
            while ((n = await process.StandardOutput.ReadAsync(buffer)) > 0)
                lock (screen) screen.Append(buffer, 0, n);
        });
        try
        {
            // Both branches ask; whichever asked first is shown, the other waits behind it.
            await Until(() => Seen(screen, "(+1 more waiting)"), "the first question, with the other one behind it");
            await process.StandardInput.WriteAsync('a');
            await process.StandardInput.FlushAsync();
            // One answer journaled, and the x question shown with the playbook's label for 'approve'.
            await Until(() => Answers(work) == 1 && Seen(screen, "approve: Yes, x"), "the second question after the first answer");
            await process.StandardInput.WriteAsync('a');
            await process.StandardInput.FlushAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the run did not end after both answers");
            await reading;
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }

        var journal = work.SingleJournal();
        Assert.NotNull(journal);
        var records = Records(journal!);
        var answers = records.Where(r => Type(r) == "answered").ToList();
        Assert.Equal(2, answers.Count);
        Assert.All(answers, a => Assert.Equal("approve", Str(a, "answer")));
        Assert.All(answers, a => Assert.NotEqual("--answer", Str(a, "who")));
        Assert.Equal(("run-ended", "success"), (Type(records[^1]), Str(records[^1], "status")));
        // Colour codes stripped: on a terminal the status word is coloured.
        Assert.Contains("ended at 'done' (success)", System.Text.RegularExpressions.Regex.Replace(Text(screen), @"\x1b\[[0-9;?]*[A-Za-z]", ""));
    }

    private static int Answers(RunWorkspace work) =>
        work.SingleJournal() is { } journal && File.Exists(journal) ? Records(journal).Count(r => Type(r) == "answered") : 0;

    private static string Text(StringBuilder screen)
    {
        lock (screen) return screen.ToString();
    }

    private static bool Seen(StringBuilder screen, string text) => Text(screen).Contains(text, StringComparison.Ordinal);

    private static async Task Until(Func<bool> condition, string what)
    {
        for (var i = 0; i < 600; i++)
        {
            if (condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail($"never saw {what}");
    }
}
