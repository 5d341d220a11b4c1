using System.Text.Json;
using Playbook.Journal;
using Playbook.LiveRuns;
using Playbook.Web.Auth;
using Xunit;

namespace Playbook.Tests.Web;

/// <summary>A private directory for consoles over real runs: the library (web-approve, web-quorum, and approval-demo,
/// which reads a secret), a users file
/// (olga: operator and approver; alice and bob: approvers; victor: a viewer) and an empty journal directory.</summary>
internal sealed class RunnerSite : IDisposable
{
    public RunnerSite()
    {
        Directory = Path.Combine(Path.GetTempPath(), "pb-webrun-" + Guid.NewGuid().ToString("N")[..12]);
        PrivateFiles.CreateDirectory(Directory);
        PrivateFiles.CreateDirectory(JournalDirectory);
        foreach (var name in new[] { "web-approve", "web-quorum", "approval-demo" })
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Web", name + ".playbook"), PlaybookPath(name));
        OperatorToken = UsersFile.AddUser(UsersPath, "olga", [Roles.Operator, Roles.Approver]);
        AliceToken = UsersFile.AddUser(UsersPath, "alice", [Roles.Approver]);
        BobToken = UsersFile.AddUser(UsersPath, "bob", [Roles.Approver]);
        ViewerToken = UsersFile.AddUser(UsersPath, "victor", [Roles.Viewer]);
    }

    public string Directory { get; }

    public string JournalDirectory => Path.Combine(Directory, "runs");

    public string UsersPath => Path.Combine(Directory, "users.yaml");

    public string OperatorToken { get; }

    public string AliceToken { get; }

    public string BobToken { get; }

    public string ViewerToken { get; }

    public string PlaybookPath(string name) => Path.Combine(Directory, name + ".playbook");

    public IReadOnlyList<string> Journals() =>
        System.IO.Directory.Exists(JournalDirectory) ? [.. System.IO.Directory.EnumerateFiles(JournalDirectory, "*" + JournaledRun.Extension)] : [];

    /// <summary>The records of run <paramref name="id"/> of one type, as the runner journaled them.</summary>
    public IReadOnlyList<JsonElement> Records(string id, string type) =>
        [.. JournaledRun.Read(Path.Combine(JournalDirectory, id + JournaledRun.Extension)).Records.Where(r => r.Type == type).Select(r => r.Body)];

    /// <summary>Waits (up to <paramref name="patience"/>) until <paramref name="done"/> holds, checking whenever the
    /// journal directory changes and at least every half second.</summary>
    public void WaitFor(Func<bool> done, TimeSpan patience, string what)
    {
        using var watcher = new FileSystemWatcher(JournalDirectory) { IncludeSubdirectories = false, EnableRaisingEvents = true };
        using var changed = new AutoResetEvent(false);
        watcher.Changed += (_, _) => changed.Set();
        watcher.Created += (_, _) => changed.Set();
        var deadline = DateTime.UtcNow + patience;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited {patience.TotalSeconds:0} s for {what}");
            changed.WaitOne(TimeSpan.FromMilliseconds(500));
        }
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A run's process may still hold a file for a moment; the temp directory is cleaned by the OS.
        }
    }
}
