using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Playbook.Journal;
using Playbook.LiveRuns;
using Playbook.RunStores;
using Playbook.Web;
using Playbook.Web.Auth;

namespace Playbook.Tests.Web;

/// <summary>What a console serves in a test: a private directory with the approval playbook, a users file (an approver,
/// a viewer) and a journal directory with one run that waits at its manual step. The run's journal stays open so a test
/// can append records as a runner would.</summary>
internal sealed class ConsoleSite : IDisposable
{
    public const string RunId = "20261206-174500-beef";
    public const string Address = "approve-failover";

    public ConsoleSite(Func<int, string>? value = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "pb-web-" + Guid.NewGuid().ToString("N")[..12]);
        PrivateFiles.CreateDirectory(Directory);
        PrivateFiles.CreateDirectory(JournalDirectory);
        PlaybookPath = Path.Combine(Directory, "approval-demo.playbook");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Web", "approval-demo.playbook"), PlaybookPath);
        ApproverToken = UsersFile.AddUser(UsersPath, "alice", [Roles.Approver]);
        ViewerToken = UsersFile.AddUser(UsersPath, "victor", [Roles.Viewer]);
        Value = value ?? (n => $"value {n}");
        Writer = WriteWaitingRun();
    }

    public string Directory { get; }

    public string JournalDirectory => Path.Combine(Directory, "runs");

    public string UsersPath => Path.Combine(Directory, "users.yaml");

    public string PlaybookPath { get; }

    public string JournalPath => Path.Combine(JournalDirectory, RunId + JournaledRun.Extension);

    public string ApproverToken { get; }

    public string ViewerToken { get; }

    public Func<int, string> Value { get; }

    public JournalWriter Writer { get; }

    public MemoryInbox Inbox { get; } = new();

    public WebConsoleOptions Options(int signInPermits = 5) => new()
    {
        JournalDirectory = JournalDirectory,
        Users = UsersFile.Open(UsersPath),
        PlaybooksDirectory = Directory,
        Answers = Inbox,
        SignInPermitsPerMinute = signInPermits,
    };

    /// <summary>A run of approval-demo as the runner journals it, up to waiting at the manual step. The text fields a
    /// page shows (an input, who started it, the step's note) hold <see cref="Value"/>s, so a test can make them hostile.</summary>
    private JournalWriter WriteWaitingRun()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-30);
        var w = JournalWriter.Create(JournalPath);
        w.Append("run-started", j =>
        {
            j.WriteString("run", RunId);
            j.WriteString("playbook", PlaybookPath);
            j.WriteString("name", "approval-demo");
            j.WriteString("sha256", LiveRun.Sha256Of(PlaybookPath));
            j.WriteStartObject("inputs");
            j.WriteString("target", Value(1));
            j.WriteEndObject();
            j.WriteStartArray("secrets");
            j.WriteStringValue("api_token");
            j.WriteEndArray();
            j.WriteNumber("seed", 1);
            j.WriteNumber("rto_ms", 30 * 60 * 1000);
            j.WriteString("started_at", start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            j.WriteNumber("pid", Environment.ProcessId);
            j.WriteString("user", Value(2));
        });
        w.Append("state-entered", j => { j.WriteString("flow", ""); j.WriteString("state", "prepare"); j.WriteNumber("at_ms", 10); });
        w.Append("attempt-started", j => { Where(j, "prepare", 1); j.WriteNumber("at_ms", 10); j.WriteBoolean("idempotent", false); });
        w.Append("attempt-ended", j =>
        {
            Where(j, "prepare", 1);
            j.WriteString("outcome", "ok");
            j.WriteNumber("at_ms", 10);
            j.WriteNumber("duration_ms", 1200);
            j.WriteString("note", Value(3));
        });
        w.Append("state-entered", j => { j.WriteString("flow", ""); j.WriteString("state", Address); j.WriteNumber("at_ms", 1300); });
        w.Append("attempt-started", j => { Where(j, Address, 1); j.WriteNumber("at_ms", 1300); j.WriteBoolean("idempotent", false); });
        return w;
    }

    /// <summary>Appends a notification to the run's journal, as the runner does for a <c>notify</c>.</summary>
    public long Notify(string message) =>
        Writer.Append("notified", j => { j.WriteString("flow", ""); j.WriteString("state", Address); j.WriteString("message", message); });

    public static void Where(Utf8JsonWriter j, string state, int attempt)
    {
        j.WriteString("flow", "");
        j.WriteString("state", state);
        j.WriteNumber("attempt", attempt);
    }

    public void Dispose()
    {
        Writer.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A server still shutting down may hold a file for a moment; the temp directory is cleaned by the OS.
        }
    }
}

/// <summary>An answer inbox in memory, for tests only (the file and PostgreSQL inboxes are the real ones).</summary>
internal sealed class MemoryInbox : IAnswerInbox
{
    private readonly ConcurrentQueue<PostedAnswer> _answers = new();
    private long _next;

    public IReadOnlyList<PostedAnswer> All => _answers.ToList();

    public PostedAnswer Post(PostedAnswer answer)
    {
        var stored = answer with { Id = Interlocked.Increment(ref _next) };
        _answers.Enqueue(stored);
        return stored;
    }

    public IReadOnlyList<PostedAnswer> Read(string runId) => _answers.Where(a => a.RunId == runId).ToList();

    public async Task<PostedAnswer> WaitAsync(string runId, string address, long after, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_answers.FirstOrDefault(a => a.RunId == runId && a.Address == address && a.Id > after) is { } answer) return answer;
            await Task.Delay(50, cancellationToken);
        }
    }
}
