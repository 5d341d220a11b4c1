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
                    var orphans = Orphans(r);
                    if (orphans.Count > 0)
                    {
                        w.WriteStartArray("orphans");
                        foreach (var o in orphans)
                        {
                            w.WriteStartObject();
                            if (o.Flow.Length > 0) w.WriteString("flow", o.Flow);
                            w.WriteString("state", o.State);
                            w.WriteNumber("attempt", o.Attempt);
                            w.WriteNumber("pid", o.Group);
                            if (o.Command is not null) w.WriteString("command", o.Command);
                            w.WriteString("since", o.Since.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                    }
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
        // A crashed run's step may still be running with nobody watching it: say so, and how to deal with it.
        foreach (var r in runs)
        {
            foreach (var o in Orphans(r))
            {
                stdout.WriteLine($"{r.RunId}: step '{o.State}'{(o.Flow.Length == 0 ? "" : $" (in {o.Flow})")} is still running unsupervised: pid {o.Group}, " +
                                 $"since {o.Since.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)}Z" +
                                 (o.Command is null ? "" : $", `{OneLine(o.Command)}`"));
                stdout.WriteLine($"  playbook resume {r.RunId} --answer {o.State}=wait (or =kill)");
            }
        }
        stdout.Flush();
        return ExitCodes.Success;
    }

    /// <summary>Live processes of a run that stopped without ending (a running run supervises its own).</summary>
    private static IReadOnlyList<JournaledProcess> Orphans(JournaledRun run) =>
        run.Finished || run.Running ? [] : RunProcesses.Live(run);

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 120 ? line : line[..120] + "…";
    }
}
