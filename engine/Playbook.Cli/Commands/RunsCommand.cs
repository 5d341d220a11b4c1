using System.CommandLine;
using System.Text.Json;
using Playbook.Cli.Output;
using Playbook.LiveRuns;
using Playbook.Reporting;
using Playbook.Text;

namespace Playbook.Cli.Commands;

/// <summary><c>playbook runs [--journal DIR] [--format text|json] [--strict]</c>: every run in the journal
/// directory, oldest first, with its status and how it did against its RTO. A journal that cannot be read,
/// or whose records are not as a run writes them, does not hide the others: it is listed as
/// <c>unreadable</c> and named with the reason on stderr. Exit 0 (also when there are none or some are
/// unreadable: a listing is for people), 1 with <c>--strict</c> when a journal is unreadable or damaged
/// before its end (for CI), 2 for usage errors.</summary>
internal sealed class RunsCommand
{
    public Command CreateCommand()
    {
        var journal = RunCommand.JournalOption();
        var format = CommonOptions.Format("Output format: text or json", "text", "json");
        var strict = new Option<bool>("--strict") { Description = "Exit 1 when a journal cannot be read or is damaged before its end" };
        var command = new Command("runs", "List the runs in a journal directory with their status") { journal, format, strict };
        command.SetAction(parseResult =>
        {
            var invocation = parseResult.InvocationConfiguration;
            return Run(parseResult.GetValue(journal) ?? RunCommand.DefaultJournal, parseResult.GetValue(format) == "json", invocation.Output, invocation.Error,
                parseResult.GetValue(strict));
        });
        return command;
    }

    private static string StatusOf(JournaledRun r) => r.Problem is not null ? "unreadable" : r.Running ? "running" : r.Status;

    private static bool Untrusted(JournaledRun r) => r.Problem is not null || r.Contents.Damage is { AtTail: false };

    /// <summary>The version of <c>runs --format json</c>; a field is only ever added without bumping it.</summary>
    public const int JsonSchemaVersion = 1;

    public int Run(string directory, bool json, TextWriter stdout, TextWriter stderr, bool strict = false)
    {
        var runs = JournaledRun.ReadAll(directory);
        foreach (var bad in runs.Where(r => r.Problem is not null))
            stderr.WriteLine($"playbook: {bad.Problem}: the journal is not as a run writes it; listed as unreadable");
        var exit = strict && runs.Any(Untrusted) ? ExitCodes.Failed : ExitCodes.Success;
        if (json)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                // Versioned like every JSON output (schemas/runs.schema.json): the list is "runs".
                w.WriteStartObject();
                w.WriteNumber("version", JsonSchemaVersion);
                w.WriteStartArray("runs");
                foreach (var r in runs)
                {
                    w.WriteStartObject();
                    w.WriteString("run", r.RunId);
                    w.WriteString("status", StatusOf(r));
                    w.WriteString("journal", r.JournalPath);
                    if (r.Settings.Rehearsal) w.WriteBoolean("rehearsal", true);
                    if (r.Problem is not null)
                    {
                        w.WriteString("problem", r.Problem);
                        w.WriteEndObject();
                        continue;
                    }
                    w.WriteString("playbook", r.PlaybookName);
                    w.WriteString("path", r.PlaybookPath);
                    if (r.End is not null) w.WriteString("end", r.End);
                    w.WriteString("started_at", r.StartedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                    w.WriteString("elapsed", DurationText.Format(r.Elapsed));
                    w.WriteNumber("elapsed_ms", (long)r.Elapsed.TotalMilliseconds);
                    if (r.Rto is { } rto)
                    {
                        w.WriteString("rto", DurationText.Format(rto));
                        w.WriteBoolean("rto_met", RtoVerdict.Met(r) == true);
                    }
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
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            stdout.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            stdout.Write('\n');
            return exit;
        }
        if (runs.Count == 0)
        {
            stdout.WriteLine($"no runs in {directory}");
            return exit;
        }
        var table = new TextTable("run", "playbook", "started", "status", "end", "time", "rto").AlignRight(5);
        foreach (var r in runs)
        {
            if (r.Problem is not null)
            {
                table.Add(r.RunId, "", "", "unreadable", "", "", "");
                continue;
            }
            var status = StatusOf(r) + (r.Settings.Rehearsal ? " (rehearsal)" : "") + (r.Resumes > 0 ? $" (resumed {r.Resumes}×)" : "") + (r.Contents.Damage is null ? "" : r.Contents.Damage.AtTail ? " (torn tail)" : " (damaged)");
            table.Add(r.RunId, r.PlaybookName, r.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "Z",
                status, r.End ?? "", DurationText.Format(r.Elapsed), RtoVerdict.Short(r));
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
        return exit;
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
