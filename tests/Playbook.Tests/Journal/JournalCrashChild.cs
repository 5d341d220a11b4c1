using System.Diagnostics;
using Playbook.Journal;

namespace Playbook.Tests.Journal;

/// <summary>The test assembly's entry point (GenerateProgramFile is off in the project): with
/// <c>--journal-writer PATH</c>, the child process <see cref="JournalCrashTests"/> kills — it continues the
/// journal at PATH (or creates it), says "appending" once a record is on disk, and appends in a tight loop.
/// Anything else does nothing, as the generated entry point did.</summary>
public static class JournalCrashChild
{
    public static int Main(string[] args)
    {
        if (args is not ["--journal-writer", var path]) return 0;

        JournalWriter writer;
        if (File.Exists(path))
        {
            var contents = JournalReader.Read(path);
            if (contents.Damage is { AtTail: false } damage)
            {
                Console.Error.WriteLine(damage.Reason);
                return 3;
            }
            writer = JournalWriter.Continue(path, contents.ValidLength, contents.NextSeq);
        }
        else writer = JournalWriter.Create(path);

        using (writer)
        {
            var random = new Random();
            // Never outlive a test run that died without killing us.
            var deadline = Stopwatch.StartNew();
            var first = true;
            while (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                // Sizes from ~60 to ~2 000 bytes, so lines often straddle 4 KB page boundaries.
                var pad = new string('p', random.Next(0, 2000));
                writer.Append("step.finished", w => { w.WriteNumber("pid", Environment.ProcessId); w.WriteString("pad", pad); });
                if (first)
                {
                    Console.Out.WriteLine("appending");
                    Console.Out.Flush();
                    first = false;
                }
            }
        }
        return 0;
    }
}
