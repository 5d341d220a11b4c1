using System.CommandLine;
using System.Text.Json;
using Playbook.Cli.Output;
using Playbook.LiveRuns;
using Playbook.RunStores;
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
        var store = StoreOption.Create();
        var playbook = new Option<string?>("--playbook") { Description = "Only runs of this playbook (its name)", HelpName = "NAME" };
        var status = new Option<string?>("--status") { Description = "Only runs with this status: running, orphaned (lease ran out), unfinished, interrupted, success, failure, aborted or unreadable", HelpName = "STATUS" };
        var owner = new Option<string?>("--owner") { Description = "Only runs whose lease holder (last runner) is on this host, or is 'HOST pid N'", HelpName = "HOST" };
        var since = new Option<string?>("--since") { Description = "Only runs started in the last DURATION (2h, 1d) or since a UTC time (2026-12-01T08:00Z)", HelpName = "WHEN" };
        var command = new Command("runs", "List the runs in a journal directory or a shared store with their status and lease holders")
        {
            journal, format, strict, store, playbook, status, owner, since,
        };
        command.SetAction(parseResult =>
        {
            var invocation = parseResult.InvocationConfiguration;
            var filter = RunsFilter.Create(parseResult.GetValue(playbook), parseResult.GetValue(status), parseResult.GetValue(owner), parseResult.GetValue(since), out var problem);
            if (filter is null)
            {
                invocation.Error.WriteLine($"playbook: {problem}");
                return ExitCodes.Usage;
            }
            return Run(parseResult.GetValue(journal) ?? RunCommand.DefaultJournal, parseResult.GetValue(format) == "json", invocation.Output, invocation.Error,
                parseResult.GetValue(strict), parseResult.GetValue(store), filter);
        });
        return command;
    }

    private static string StatusOf(JournaledRun r) => r.Problem is not null ? "unreadable" : r.Running ? "running" : r.Status;

    /// <summary>A shared store's run whose runner stopped renewing its lease without stopping the run: someone must take it over.</summary>
    internal static bool Orphaned(StoredRun s) => s.Run.Problem is null && !s.Run.Finished && s.Lease.Expired;

    private static bool Untrusted(JournaledRun r) => r.Problem is not null || r.Contents.Damage is { AtTail: false };

    /// <summary>The version of <c>runs --format json</c>; a field is only ever added without bumping it.</summary>
    public const int JsonSchemaVersion = 1;

    public int Run(string directory, bool json, TextWriter stdout, TextWriter stderr, bool strict = false, string? storeUrl = null, RunsFilter? filter = null)
    {
        using var store = StoreOption.Open(storeUrl, directory, stderr);
        if (store is null) return ExitCodes.Usage;
        var shared = store is not FileRunStore;
        var listed = store.List().Where(s => filter?.Matches(s, StatusOf(s.Run), Orphaned(s)) ?? true).ToList();
        var leases = listed.ToDictionary(s => s.Run.RunId, s => s, StringComparer.Ordinal);
        var runs = listed.Select(s => s.Run).ToList();
        var locks = HeldLocks(store, directory, stderr);
        directory = store.Location;
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
                    if (shared && leases[r.RunId].Lease is { Holder: { } holder } lease)
                    {
                        w.WriteStartObject("lease");
                        w.WriteString("holder", holder.ToString());
                        w.WriteString("host", holder.Host);
                        w.WriteNumber("pid", holder.Pid);
                        w.WriteNumber("epoch", lease.Epoch);
                        if (lease.ExpiresAt is { } until) w.WriteString("expires_at", until.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                        w.WriteBoolean("held", lease.HeldNow);
                        w.WriteBoolean("orphaned", Orphaned(leases[r.RunId]));
                        w.WriteEndObject();
                    }
                    if (locks.TryGetValue(r.RunId, out var held))
                    {
                        w.WriteStartObject("lock");
                        w.WriteString("name", held.Name);
                        w.WriteString("user", held.User);
                        w.WriteString("host", held.Host);
                        w.WriteNumber("pid", held.Pid);
                        w.WriteString("since", held.Since.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                        w.WriteEndObject();
                    }
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
        // In a shared store, who drives each live run, and which runs lost their runner (candidates for takeover).
        foreach (var s in shared ? listed : [])
        {
            if (s.Lease.Holder is not { } holder || s.Run.Finished || s.Run.Problem is not null) continue;
            if (s.Lease.HeldNow)
                stdout.WriteLine($"{s.Run.RunId}: running on {holder} (epoch {s.Lease.Epoch}, lease renewed until {Stamp(s.Lease.ExpiresAt!.Value)})");
            else if (Orphaned(s))
                stdout.WriteLine($"{s.Run.RunId}: orphaned: lease expired {DurationText.Format(Whole(s.Lease.Now - s.Lease.ExpiresAt!.Value))} ago, held by {holder} — " +
                                 $"take over with playbook resume {s.Run.RunId}{StoreOption.Argument(store)}");
        }
        // The lock each live run holds (lock "…"): what a run of the same lock waits for.
        foreach (var r in runs)
        {
            if (locks.TryGetValue(r.RunId, out var held)) stdout.WriteLine($"{r.RunId}: holds lock '{held.Name}' ({held.User}@{held.Host}, pid {held.Pid}) since {Stamp(held.Since)}");
        }
        // When each run held its lock, as its journal says (a live holder's current turn is the line above).
        foreach (var r in runs.Where(r => r.Problem is null))
        {
            foreach (var span in LockSpan.Of(r).Where(s => !(s.Open && locks.ContainsKey(r.RunId))))
                stdout.WriteLine($"{r.RunId}: {span.Describe()}");
        }
        // A crashed run's step may still be running with nobody watching it: say so, and how to deal with it.
        foreach (var r in runs)
        {
            foreach (var o in Orphans(r))
            {
                stdout.WriteLine($"{r.RunId}: step '{o.State}'{(o.Flow.Length == 0 ? "" : $" (in {o.Flow})")} is still running unsupervised: pid {o.Group}, " +
                                 $"since {o.Since.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)}Z" +
                                 (o.Command is null ? "" : $", `{OneLine(o.Command)}`"));
                // Its address (a called playbook's step, one item's step) bound to this attempt, as resume asks for it.
                stdout.WriteLine($"  playbook resume {r.RunId} --answer {StateAddress.WithAttempt(StateAddress.ItemAddressOf(o.Flow, o.State), o.Attempt)}=wait (or =kill)");
            }
        }
        stdout.Flush();
        return exit;
    }

    /// <summary>The locks held now, by the run that holds each; none (and why, on stderr) when they cannot be read.</summary>
    private static Dictionary<string, LockHolder> HeldLocks(IRunStore store, string directory, TextWriter stderr)
    {
        try
        {
            return RunLocks.For(store, directory).Held().GroupBy(h => h.RunId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or RunStoreException)
        {
            stderr.WriteLine($"playbook: the locks held now cannot be read: {e.Message}");
            return new Dictionary<string, LockHolder>(StringComparer.Ordinal);
        }
    }

    /// <summary>Live processes of a run that stopped without ending (a running run supervises its own).</summary>
    private static IReadOnlyList<JournaledProcess> Orphans(JournaledRun run) =>
        run.Finished || run.Running ? [] : RunProcesses.Live(run);

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "Z";

    private static TimeSpan Whole(TimeSpan t) => TimeSpan.FromSeconds(Math.Max(0, Math.Floor(t.TotalSeconds)));

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 120 ? line : line[..120] + "…";
    }
}
