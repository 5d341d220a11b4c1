using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Playbook.Journal;
using Playbook.LiveRuns;
using Playbook.Web;
using Playbook.Web.Auth;

namespace Playbook.WebBenchmark;

/// <summary>How long a record the runner journals takes to reach open run pages: the console on Kestrel (as
/// <c>playbook serve</c> builds it) over a journal directory with one live run; PAGES clients signed in and
/// following the run's event stream (<c>/runs/ID/events</c>, what a page's EventSource reads); then EVENTS records
/// appended to the journal through <see cref="JournalWriter"/>, one every INTERVAL, the way the runner writes them.
/// The latency of a record on a page runs from just before the append (so the journal's fsync counts against it)
/// to the moment that page's client has read the event; the figures are over every (record, page) pair, and for
/// each record its slowest page.</summary>
public static partial class SseLatencyLoop
{
    private const string Playbook = """
        playbook bench {
          step work "Work" {
            shell "true"
            timeout 10m
            on ok   -> done
            on fail -> failed
          }
          end done   success
          end failed failure
        }
        """;

    public static async Task<int> RunAsync(int events, int pages, TimeSpan interval)
    {
        var work = Directory.CreateTempSubdirectory("playbook-web-bench-");
        try
        {
            return await MeasureAsync(work.FullName, events, pages, interval);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<int> MeasureAsync(string directory, int events, int pages, TimeSpan interval)
    {
        var journalDirectory = Path.Combine(directory, "runs");
        Directory.CreateDirectory(journalDirectory);
        var playbookPath = Path.Combine(directory, "bench.playbook");
        await File.WriteAllTextAsync(playbookPath, Playbook);
        var usersPath = Path.Combine(directory, "users.yaml");
        var token = UsersFile.AddUser(usersPath, "bench", [Roles.Viewer]);
        const string runId = "20261206-200000-0bec";
        using var writer = StartRun(Path.Combine(journalDirectory, runId + JournaledRun.Extension), playbookPath);

        var options = new WebConsoleOptions { JournalDirectory = journalDirectory, Users = UsersFile.Open(usersPath) };
        await using var app = WebConsole.Build(options, new IPEndPoint(IPAddress.Loopback, 0));
        await app.StartAsync();
        var url = WebConsole.UrlOf(app);
        Console.WriteLine($"// {Environment.ProcessorCount} cores, load {Load()}; {pages} pages, {events} records, one every {interval.TotalMilliseconds:0} ms; {url}");

        using var handler = new SocketsHttpHandler
        {
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = pages + 4,
        };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = Timeout.InfiniteTimeSpan };
        await SignInAsync(client, token);

        var last = writer.Append("notified", Where("warming up"));
        var received = new long[pages][];
        for (var p = 0; p < pages; p++) received[p] = new long[events];
        var firstSeq = last + 1;
        using var stop = new CancellationTokenSource();
        var open = new CountdownEvent(pages);
        var readers = Enumerable.Range(0, pages).Select(p => Task.Run(() => FollowAsync(client, runId, last, firstSeq, received[p], open, stop.Token))).ToList();
        if (!open.Wait(TimeSpan.FromMinutes(2)))
        {
            Console.Error.WriteLine($"only {pages - open.CurrentCount} of {pages} event streams opened in 2 minutes");
            return 1;
        }

        var written = new long[events];
        for (var i = 0; i < events; i++)
        {
            written[i] = Stopwatch.GetTimestamp();
            var seq = writer.Append("notified", Where($"record {i}"));
            if (seq != firstSeq + i) throw new InvalidOperationException($"the journal gave seq {seq}, not {firstSeq + i}");
            await Task.Delay(interval);
        }
        // Every page gets every record (a page that misses one would wait for ever: a minute is the bound).
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
        while (received.Any(r => r[^1] == 0) && Stopwatch.GetTimestamp() < deadline) await Task.Delay(50);
        await stop.CancelAsync();
        await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));

        var all = new List<double>(events * pages);
        var slowest = new List<double>(events);
        var missing = 0;
        for (var i = 0; i < events; i++)
        {
            var worst = 0.0;
            for (var p = 0; p < pages; p++)
            {
                if (received[p][i] == 0) { missing++; continue; }
                var ms = (received[p][i] - written[i]) * 1000.0 / Stopwatch.Frequency;
                all.Add(ms);
                worst = Math.Max(worst, ms);
            }
            slowest.Add(worst);
        }
        all.Sort();
        slowest.Sort();
        Console.WriteLine($"record -> page, all {all.Count} deliveries: p50 {Percentile(all, 0.50):F1} ms, p99 {Percentile(all, 0.99):F1} ms, max {all[^1]:F1} ms");
        Console.WriteLine($"record -> slowest of {pages} pages:      p50 {Percentile(slowest, 0.50):F1} ms, p99 {Percentile(slowest, 0.99):F1} ms, max {slowest[^1]:F1} ms");
        Console.WriteLine($"missing deliveries: {missing}; goal p99 <= 100 ms; load {Load()}");
        await app.StopAsync();
        return missing == 0 ? 0 : 1;
    }

    /// <summary>One page's event stream, read as an EventSource reads it; the time each record arrived.</summary>
    private static async Task FollowAsync(HttpClient client, string runId, long after, long firstSeq, long[] received, CountdownEvent open, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync($"/runs/{runId}/events?after={after}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        string? type = null, id = null;
        var opened = false;
        try
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
                else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
                else if (line.Length == 0)
                {
                    var now = Stopwatch.GetTimestamp();
                    if (type == "open" && !opened) { opened = true; open.Signal(); }
                    else if (type == "record" && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq >= firstSeq && seq - firstSeq < received.Length)
                        received[seq - firstSeq] = now;
                    type = id = null;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The measurement is over.
        }
    }

    private static async Task SignInAsync(HttpClient client, string token)
    {
        var form = await client.GetStringAsync("/signin");
        var csrf = CsrfField().Match(form).Groups[1].Value;
        using var body = new FormUrlEncodedContent([new("__csrf", csrf), new("token", token)]);
        var response = await client.PostAsync("/signin", body);
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in answered {(int)response.StatusCode}");
    }

    /// <summary>A run as the runner journals it up to its first step, whose notifications follow.</summary>
    private static JournalWriter StartRun(string path, string playbookPath)
    {
        var w = JournalWriter.Create(path);
        w.Append("run-started", j =>
        {
            j.WriteString("run", Path.GetFileNameWithoutExtension(path));
            j.WriteString("playbook", playbookPath);
            j.WriteString("name", "bench");
            j.WriteString("sha256", LiveRun.Sha256Of(playbookPath));
            j.WriteStartObject("inputs");
            j.WriteEndObject();
            j.WriteStartArray("secrets");
            j.WriteEndArray();
            j.WriteNumber("seed", 1);
            j.WriteString("started_at", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            j.WriteNumber("pid", Environment.ProcessId);
            j.WriteString("user", "bench");
        });
        w.Append("state-entered", j => { j.WriteString("flow", ""); j.WriteString("state", "work"); j.WriteNumber("at_ms", 0); });
        w.Append("attempt-started", j => { j.WriteString("flow", ""); j.WriteString("state", "work"); j.WriteNumber("attempt", 1); j.WriteNumber("at_ms", 0); j.WriteBoolean("idempotent", false); });
        return w;
    }

    private static Action<System.Text.Json.Utf8JsonWriter> Where(string message) => j =>
    {
        j.WriteString("flow", "");
        j.WriteString("state", "work");
        j.WriteString("message", message);
    };

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
