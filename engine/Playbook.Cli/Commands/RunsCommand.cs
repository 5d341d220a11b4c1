using System.CommandLine;
using System.Text.Json;
using Playbook.Cli.Output;
using Playbook.LiveRuns;
using Playbook.Text;

namespace Playbook.Cli.Commands;

/// <summary><c>playbook runs [--journal DIR] [--format text|json]</c>: every run in the journal directory,
/// oldest first, with its status. Exit 0 (also when there are none), 2 for usage errors.</summary>
internal sealed class RunsCommand
{
    public Command CreateCommand()
    {
        var journal = RunCommand.JournalOption();
        var format = CommonOptions.Format("Output format: text or json", "text", "json");
        var command = new Command("runs", "List the runs in a journal directory with their status") { journal, format };
        command.SetAction(parseResult =>
        {
            var invocation = parseResult.InvocationConfiguration;
            return Run(parseResult.GetValue(journal) ?? RunCommand.DefaultJournal, parseResult.GetValue(format) == "json", invocation.Output);
        });
        return command;
    }

    public int Run(string directory, bool json, TextWriter stdout)
    {
        var runs = JournaledRun.ReadAll(directory);
        if (json)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartArray();
                foreach (var r in runs)
                {
                    w.WriteStartObject();
                    w.WriteString("run", r.RunId);
                    w.WriteString("playbook", r.PlaybookName);
                    w.WriteString("path", r.PlaybookPath);
                    w.WriteString("status", r.Running ? "running" : r.Status);
                    if (r.End is not null) w.WriteString("end", r.End);
                    w.WriteString("started_at", r.StartedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                    w.WriteString("elapsed", DurationText.Format(r.Elapsed));
                    w.WriteNumber("elapsed_ms", (long)r.Elapsed.TotalMilliseconds);
                    w.WriteNumber("resumes", r.Resumes);
                    if (r.Contents.Damage is { } d) w.WriteString("damage", d.Reason);
                    w.WriteString("journal", r.JournalPath);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            stdout.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            stdout.Write('\n');
            return ExitCodes.Success;
        }
        if (runs.Count == 0)
        {
            stdout.WriteLine($"no runs in {directory}");
            return ExitCodes.Success;
        }
        var table = new TextTable("run", "playbook", "started", "status", "end", "time").AlignRight(5);
        foreach (var r in runs)
        {
            var status = (r.Running ? "running" : r.Status) + (r.Resumes > 0 ? $" (resumed {r.Resumes}×)" : "") + (r.Contents.Damage is null ? "" : r.Contents.Damage.AtTail ? " (torn tail)" : " (damaged)");
            table.Add(r.RunId, r.PlaybookName, r.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "Z",
                status, r.End ?? "", DurationText.Format(r.Elapsed));
        }
        table.Write(stdout, "");
        stdout.Flush();
        return ExitCodes.Success;
    }
}
