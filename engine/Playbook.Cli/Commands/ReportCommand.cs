using System.CommandLine;
using Playbook.Reporting;
using Playbook.LiveRuns;

namespace Playbook.Cli.Commands;

/// <summary><c>playbook report RUN_ID [--journal DIR] [--format md|html|postmortem|json] [--template FILE] [--output FILE]</c>:
/// renders any run's report (finished or not) from its journal. Exit 0, or 2 for an unknown run, a bad
/// template or usage errors.</summary>
internal sealed class ReportCommand
{
    public Command CreateCommand()
    {
        var runId = new Argument<string>("RUN_ID") { Description = "The run to report on ('playbook runs' lists them)" };
        var journal = RunCommand.JournalOption();
        var format = CommonOptions.Format("Report format: md (Markdown), html (one file, no network request), postmortem (Markdown for an incident review) or json", "md", "html", "postmortem", "json");
        var template = new Option<string?>("--template") { Description = "A Scriban template of your own", HelpName = "FILE" };
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to FILE instead of stdout", HelpName = "FILE" };
        var store = StoreOption.Create();
        var command = new Command("report", "Render a run's report (Markdown, HTML, postmortem or JSON) from its journal") { runId, journal, format, template, output, store };
        command.SetAction(parseResult =>
        {
            var invocation = parseResult.InvocationConfiguration;
            return Run(parseResult.GetValue(runId) ?? "", parseResult.GetValue(journal) ?? RunCommand.DefaultJournal, parseResult.GetValue(format) ?? "md",
                parseResult.GetValue(template), parseResult.GetValue(output), invocation.Output, invocation.Error, parseResult.GetValue(store));
        });
        return command;
    }

    public int Run(string runId, string directory, string format, string? templateFile, string? outputFile, TextWriter stdout, TextWriter stderr, string? storeUrl = null)
    {
        using var store = StoreOption.Open(storeUrl, directory, stderr);
        if (store is null) return ExitCodes.Usage;
        var path = store.LocalPath(runId);
        var stored = runId.Length == 0 || runId.IndexOfAny(['/', '\\']) >= 0 ? null : store.Read(runId);
        if (stored is null)
        {
            var known = store.List().Select(r => r.Run.RunId).ToList();
            var hint = Text.Spelling.Suggest(runId, known) is { } s ? $" (did you mean {s}?)" : "";
            stderr.WriteLine($"playbook: no run '{runId}' in {store.Location}{hint}; 'playbook runs{StoreOption.Argument(store)}' lists them");
            return ExitCodes.Usage;
        }
        if (templateFile is not null && !File.Exists(templateFile))
        {
            stderr.WriteLine($"playbook: --template {templateFile}: no such file");
            return ExitCodes.Usage;
        }
        var run = stored;
        if (run.Problem is { } bad)
        {
            stderr.WriteLine($"playbook: {bad}: the journal is not as a run writes it, so it is not reported on");
            return ExitCodes.Usage;
        }
        if (!run.IsRun)
        {
            stderr.WriteLine($"playbook: {path} is not a run journal (it does not start with a run-started record)");
            return ExitCodes.Usage;
        }
        var text = RunReport.Render(run, format, templateFile is null ? null : File.ReadAllText(templateFile), ReportPlanLoader.Load(run), out var problem);
        if (problem is not null)
        {
            stderr.WriteLine($"playbook: {(templateFile ?? "the report template")}: {problem}");
            return ExitCodes.Usage;
        }
        if (outputFile is not null) Journal.PrivateFiles.WriteAllText(outputFile, text);
        else stdout.Write(text);
        stdout.Flush();
        return ExitCodes.Success;
    }
}
