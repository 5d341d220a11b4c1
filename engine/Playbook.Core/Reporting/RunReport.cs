using System.Globalization;
using System.Reflection;
using System.Text;
using Playbook.LiveRuns;
using Playbook.EngineCore;
using Playbook.Text;
using Scriban;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Playbook.Reporting;

/// <summary>Renders a run's report from its journal with a Scriban template: the embedded Markdown or
/// HTML one, or the user's own. The journal is already redacted, so the report cannot show a secret.
/// The template sees one object, documented in grammar/README.md ("Reports"): run_id, playbook, inputs,
/// timeline, loops (a foreach's items), captures, approvals, notifications, end, status, elapsed against rto, path and mermaid.</summary>
public static class RunReport
{
    /// <summary>The report as text; a template that does not parse or fails while rendering gives
    /// <paramref name="problem"/> (with its line and column) and an empty text, never an exception.</summary>
    public static string Render(JournaledRun run, string format, string? template, out string? problem) =>
        Render(run, format, template, ReportPlan.Unavailable("the playbook was not read"), out problem);

    /// <param name="plan">What the playbook said (titles, budgets, worst case, simulation), when it is the one the run ran.</param>
    public static string Render(JournaledRun run, string format, string? template, ReportPlan plan, out string? problem)
    {
        problem = null;
        if (format == "json" && template is null) return ReportJson.Write(Model(run, plan));
        var text = template ?? Embedded($"report.{format}.sbn");
        var parsed = Template.Parse(text, template is null ? $"report.{format}.sbn" : "template");
        if (parsed.HasErrors)
        {
            // line:col like a runtime error, not Scriban's "template(2,7) : error : …"; Scriban's span is 0-based.
            problem = string.Join("; ", parsed.Messages.Where(m => m.Type == Scriban.Parsing.ParserMessageType.Error)
                .Select(m => $"{m.Span.Start.Line + 1}:{m.Span.Start.Column + 1}: {m.Message}"));
            return "";
        }
        var context = new TemplateContext
        {
            StrictVariables = true,
            LoopLimit = 1_000_000,
            MemberRenamer = member => member.Name,
        };
        var model = Model(run, plan);
        model["md"] = MarkdownFunctions();
        // The drawing is laid out only for a report that shows it: the embedded HTML, or a template naming it.
        var drawGraph = template is null ? format == "html" : template.Contains("graph_svg", StringComparison.Ordinal);
        model["graph_svg"] = drawGraph && plan.Graph is { } graph ? graph() : "";
        context.PushGlobal(model);
        try
        {
            return parsed.Render(context);
        }
        catch (ScriptRuntimeException e)
        {
            problem = $"{e.Span.Start.Line + 1}:{e.Span.Start.Column + 1}: {e.OriginalMessage}";
            return "";
        }
    }

    private static string Embedded(string name)
    {
        using var stream = typeof(RunReport).Assembly.GetManifestResourceStream("Playbook.Reporting.Templates." + name)
            ?? throw new InvalidOperationException($"the embedded template {name} is missing");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>What a template calls to write a value into Markdown as text (see <see cref="MarkdownText"/>).</summary>
    private static ScriptObject MarkdownFunctions()
    {
        var md = new ScriptObject();
        md.Import("text", new Func<object?, string>(v => MarkdownText.Text(Text(v))));
        md.Import("code", new Func<object?, string>(v => MarkdownText.Code(Text(v))));
        md.Import("cell_code", new Func<object?, string>(v => MarkdownText.CellCode(Text(v))));
        md.Import("block", new Func<object?, string?, string>((v, info) => MarkdownText.Block(Text(v), info)));
        return md;
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    internal static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>What a template sees. Names are snake_case; durations come as text ("1m30s") and as _ms numbers.</summary>
    internal static ScriptObject Model(JournaledRun run, ReportPlan plan)
    {
        var model = new ScriptObject
        {
            ["run_id"] = run.RunId,
            ["playbook"] = run.PlaybookName,
            ["playbook_path"] = run.PlaybookPath,
            ["started_at"] = Iso(run.StartedAt),
            // The end of the run's main flow (its elapsed time from the start); for a run that has not ended, its last record.
            ["ended_at"] = Iso(run.StartedAt + run.Elapsed),
            // As the run rendered it (holes filled, redacted); from an older journal, as the playbook writes it.
            ["end_message"] = run.EndMessage ?? (run.End is { } endState && plan.EndMessages.TryGetValue(endState, out var endMessage) ? endMessage : ""),
            ["status"] = run.Status,
            ["finished"] = run.Finished,
            ["end_state"] = run.End,
            ["reason"] = run.Reason,
            ["elapsed"] = DurationText.Format(run.Elapsed),
            ["elapsed_ms"] = (long)run.Elapsed.TotalMilliseconds,
            ["rto"] = run.Rto is { } rto ? DurationText.Format(rto) : null,
            ["rto_ms"] = run.Rto is { } r ? (long?)r.TotalMilliseconds : null,
            // Met only by a success in time: a failure is not "within the RTO", however fast it failed.
            ["within_rto"] = RtoVerdict.Met(run),
            ["rto_verdict"] = RtoVerdict.Describe(run),
            ["resumes"] = run.Resumes,
            // A shared store's run continued on another host after its runner's lease ran out: from whom, when, the gap.
            ["takeovers"] = new ScriptArray(run.Records.Where(r => r.Type == "run-resumed" && r.Body.String("taken_over_from") is not null).Select(r => new ScriptObject
            {
                ["from"] = r.Body.String("taken_over_from"),
                ["host"] = r.Body.String("host") ?? "",
                // In the report's own time format when it reads as a time (it always does in a journal the runner wrote).
                ["lease_expired_at"] = r.Body.String("lease_expired_at") is { } lease
                    && DateTimeOffset.TryParse(lease, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expired) ? Iso(expired) : r.Body.String("lease_expired_at") ?? "",
                ["at"] = Iso(r.At),
                ["gap"] = DurationText.Format(r.Body.Millis("gap_ms")),
            })),
            // The run's lock "…", each turn it held it (a resume takes it again).
            ["locks"] = new ScriptArray(LockSpan.Of(run).Select(l => new ScriptObject
            {
                ["name"] = l.Name,
                ["from"] = Iso(l.From),
                ["to"] = Iso(l.To),
                ["open"] = l.Open,
            })),
            ["secrets"] = new ScriptArray(run.Secrets),
        };
        var inputs = new ScriptArray();
        foreach (var (name, value) in run.Inputs.OrderBy(i => i.Key, StringComparer.Ordinal))
            inputs.Add(new ScriptObject { ["name"] = name, ["value"] = value });
        model["inputs"] = inputs;

        var timeline = new ScriptArray();
        foreach (var e in run.Timeline)
        {
            timeline.Add(new ScriptObject
            {
                ["at"] = "+" + DurationText.Format(e.At),
                ["at_ms"] = (long)e.At.TotalMilliseconds,
                ["time"] = Iso(run.StartedAt + e.At),
                ["flow"] = e.Branch ?? "",
                ["state"] = e.State,
                ["title"] = plan.Titles.TryGetValue(e.State, out var title) ? title : "",
                ["attempt"] = e.Attempt,
                ["outcome"] = e.Outcome,
                ["duration"] = DurationText.Format(e.Duration),
                ["duration_ms"] = (long)e.Duration.TotalMilliseconds,
                ["note"] = e.Note ?? "",
                ["mode"] = Mode(run, e.State),
            });
        }
        model["timeline"] = timeline;
        // One table per foreach: which items ended ok, which failed and why.
        model["loops"] = ForeachTables.Model(run);
        // The cleanup on its own: its outcome and states, beside a status it never changes.
        model["cleanup"] = run.Cleanup is null ? null : new ScriptObject
        {
            ["outcome"] = run.Cleanup,
            ["reason"] = run.CleanupReason,
            ["states"] = new ScriptArray(run.Timeline.Where(e => e.Branch == Semantics.CleanupSymbol.FlowName).Select(e => e.State).Distinct()),
        };

        // A rehearsal says so, and which steps touched the real system: a report must never pass for a real recovery's.
        model["rehearsal"] = run.Settings.Rehearsal;
        model["scenario"] = run.Settings.Scenario;
        var rehearsed = new ScriptArray();
        if (run.Settings.Rehearsal)
            foreach (var state in run.Timeline.Select(e => e.State).Distinct(StringComparer.Ordinal))
                rehearsed.Add(new ScriptObject { ["state"] = state, ["mode"] = Mode(run, state) });
        model["rehearsal_steps"] = rehearsed;

        var captures = new ScriptArray();
        foreach (var (name, value) in run.Captures.OrderBy(c => c.Key, StringComparer.Ordinal))
            captures.Add(new ScriptObject { ["name"] = name, ["value"] = Shown(value) });
        model["captures"] = captures;

        model["approvals"] = RunPeople.Approvals(run);
        model["resume_log"] = RunPeople.Resumes(run);
        model["orphans"] = RunPeople.Orphans(run);
        model["started_by"] = run.Records.Count > 0 ? run.Records[0].Body.String("user") ?? "" : "";
        model["plan"] = PlanVsActual.Model(run, plan);
        model["events"] = RunEvents.Model(run);

        var notifications = new ScriptArray();
        foreach (var (state, message) in run.Notifications)
            notifications.Add(new ScriptObject { ["state"] = state, ["message"] = message });
        model["notifications"] = notifications;

        model["path"] = new ScriptArray(run.Path);
        // The same path flow by flow, so what ran at the same time is not written as a sequence.
        model["main_path"] = RunPaths.Main(run);
        model["flows"] = RunPaths.Flows(run);
        model["mermaid"] = PathDiagram.Mermaid(run.Path, run.End, run.Status);
        model["steps"] = StepEvidence.Model(run, plan);
        var layout = RunTimeline.Of(run, plan);
        // Drawn here, escaped here: a template writes it as it is.
        model["timeline_svg"] = TimelineSvg.Render(layout);
        model["gantt"] = TimelineGantt.Render(layout);
        model["plan_missing"] = plan.Missing ?? "";
        return model;
    }

    /// <summary>A journaled value as a report shows it: a list or map (a typed list capture, a foreach's items)
    /// in flow form, <c>[a, b]</c>, not as its .NET type name; a scalar as the run displays it.</summary>
    internal static string Shown(object? value) =>
        value is System.Collections.IList or System.Collections.IDictionary ? Simulation.Scenarios.ScenarioValues.Display(value) : RunScope.Display(value);

    /// <summary>In a rehearsal, <c>real</c> for a step that ran for real (journaled at its start) and <c>simulated</c>
    /// for any other; empty in a real run, where every step is real.</summary>
    private static string Mode(JournaledRun run, string state) =>
        !run.Settings.Rehearsal ? "" : run.Settings.RealSteps.Contains(state, StringComparer.Ordinal) ? "real" : "simulated";
}
