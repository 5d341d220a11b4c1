using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Playbook.Tests.RealRuns;

/// <summary>One test's own folder: the playbooks it needs copied from Run/data, the journal in
/// <c>journal/</c>, and the real CLI run there with the environment the test chose (secrets, webhook).
/// Shell steps run in this folder, so whatever they write lands here and nowhere else.</summary>
internal sealed partial class RunWorkspace : IDisposable
{
    public const string JournalDir = "journal";

    private static readonly string DataDirectory = Path.Combine(AppContext.BaseDirectory, "Run", "data");

    public RunWorkspace(params string[] playbooks)
    {
        Directory = Path.Combine(Path.GetTempPath(), "playbook-e2e-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var name in playbooks)
            File.Copy(Path.Combine(DataDirectory, name + ".playbook"), Path.Combine(Directory, name + ".playbook"));
    }

    public string Directory { get; }

    public string JournalDirectory => Path.Combine(Directory, JournalDir);

    /// <summary>Environment variables for every CLI run of this workspace (PLAYBOOK_SECRET_…, PLAYBOOK_NOTIFY_URL).</summary>
    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

    public string PathOf(string file) => Path.Combine(Directory, file);

    public bool Exists(string file) => File.Exists(PathOf(file));

    public string Read(string file) => File.ReadAllText(PathOf(file));

    /// <summary><c>playbook ARGS</c> in this folder.</summary>
    public CliProcess.Result Cli(params string[] args) => CliProcess.Run(Directory, Environment, args);

    /// <summary><c>playbook run NAME.playbook --journal journal ARGS</c>.</summary>
    public CliProcess.Result Run(string playbook, params string[] args) =>
        Cli(["run", playbook + ".playbook", "--journal", JournalDir, .. args]);

    public CliProcess.Result Resume(params string[] args) => Cli(["resume", "--journal", JournalDir, .. args]);

    public CliProcess.Running Start(string playbook, params string[] args) =>
        CliProcess.Start(Directory, Environment, ["run", playbook + ".playbook", "--journal", JournalDir, .. args]);

    /// <summary>The run id, which the first line of the output names ("run ID: …").</summary>
    public static string RunIdOf(CliProcess.Result result)
    {
        var first = result.Out.Split('\n')[0];
        var match = FirstLine().Match(first);
        Assert.True(match.Success, $"the first line does not name the run: {first}\n{result}");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"^run (\d{8}-\d{6}-[0-9a-f]{4})\b")]
    private static partial Regex FirstLine();

    public string JournalPath(string runId) => Path.Combine(JournalDirectory, runId + ".journal");

    /// <summary>The only journal in the folder (tests that start one run and cannot read its id from the output).</summary>
    public string? SingleJournal() =>
        System.IO.Directory.Exists(JournalDirectory) ? System.IO.Directory.GetFiles(JournalDirectory, "*.journal").SingleOrDefault() : null;

    /// <summary>The journal's records: each line is "CRC32 JSON"; lines that are not (a torn tail) are skipped.</summary>
    public static List<JsonElement> Records(string journalPath)
    {
        var records = new List<JsonElement>();
        // The file may be appended to while it is read (a run in progress): share it for writing.
        using var stream = new FileStream(journalPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length < 10 || line[8] != ' ') continue;
            try { records.Add(JsonDocument.Parse(line[9..]).RootElement.Clone()); }
            catch (JsonException) { }
        }
        return records;
    }

    public List<JsonElement> Records(CliProcess.Result result) => Records(JournalPath(RunIdOf(result)));

    public static string Type(JsonElement record) => Str(record, "type") ?? "";

    public static string? Str(JsonElement record, string name) =>
        record.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Waits until the journal has a record that <paramref name="match"/> accepts (the run has got that far).</summary>
    public static void WaitForRecord(Func<string?> journal, Func<JsonElement, bool> match, CliProcess.Running running)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (journal() is { } path && File.Exists(path) && Records(path).Any(match)) return;
            Thread.Sleep(25);
        }
        running.Kill();
        Assert.Fail("the run never got to the record the test waits for:\n" + running.Finish());
    }

    /// <summary>Waits until a step has appended <paramref name="line"/> to ledger.txt (it really runs).</summary>
    public static void WaitForLedgerLine(RunWorkspace work, string line)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(work.Exists("ledger.txt") && work.Read("ledger.txt").Split('\n').Contains(line)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no '{line}' in the ledger");
            Thread.Sleep(10);
        }
    }

    /// <summary>The process groups the journal says shell steps started.</summary>
    public static IEnumerable<int> ProcessGroupsOf(string journalPath) =>
        Records(journalPath).Where(r => Type(r) == "process-started").Select(r => r.GetProperty("pgid").GetInt32());

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>SIGTERM, as a service manager or <c>kill PID</c> sends it.</summary>
    public static void Terminate(int pid) => Assert.Equal(0, SendSignal(pid, 15));

    /// <summary>Stops whatever a killed run left running (the tests SIGKILL the CLI, whose shell steps live on).</summary>
    public void StopLeftovers()
    {
        if (!System.IO.Directory.Exists(JournalDirectory)) return;
        foreach (var path in System.IO.Directory.GetFiles(JournalDirectory, "*.journal"))
            foreach (var group in ProcessGroupsOf(path).Where(g => g > 1))
                if (Playbook.LiveRuns.Actions.ProcessGroups.IsAlive(group)) SendSignal(-group, 9);
    }

    public void Dispose()
    {
        StopLeftovers();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
