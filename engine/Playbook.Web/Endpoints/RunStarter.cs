using System.Diagnostics;
using System.Reflection;
using Playbook.LiveRuns;

namespace Playbook.Web.Endpoints;

/// <summary>What the start form asks for: a playbook of the library, its inputs as the operator typed them (each
/// becomes one <c>--input NAME=VALUE</c> argument, as on the command line), and whether it is a rehearsal.</summary>
public sealed record StartRequest(string PlaybookPath, IReadOnlyList<KeyValuePair<string, string>> Inputs, bool Rehearse, string Who);

/// <summary>The new run's id, or why there is none (what the runner said before it gave up).</summary>
public sealed record StartOutcome(string? RunId, string? Problem);

/// <summary>Starts <c>playbook run</c> as a process of its own, the way an operator would from a terminal: an argument
/// list (never a shell, so a value is only ever a value), in its own session (so stopping the console, or Ctrl+C on
/// its terminal, does not stop the run), stdin closed (it answers manual steps from the inbox, like any run without a
/// terminal). The person is handed over in <see cref="RunJournal.StartedByVariable"/>; the run is found by the pid its
/// journal's first record carries.</summary>
public static class RunStarter
{
    private const string SetSid = "/usr/bin/setsid";
    private const int StderrLinesKept = 20;

    /// <summary>How to run this very program again: the executable, and under the dotnet host the CLI's assembly too.</summary>
    public static IReadOnlyList<string>? ThisProgram()
    {
        if (Environment.ProcessPath is not { Length: > 0 } program) return null;
        if (!string.Equals(Path.GetFileNameWithoutExtension(program), "dotnet", StringComparison.Ordinal)) return [program];
        return Assembly.GetEntryAssembly()?.Location is { Length: > 0 } assembly ? [program, assembly] : null;
    }

    /// <summary>The argument list of the run (without the runner's own program): nothing here is ever parsed by a shell.</summary>
    public static List<string> Arguments(string journalDirectory, StartRequest request)
    {
        var args = new List<string> { "run", Path.GetFullPath(request.PlaybookPath), "--journal", Path.GetFullPath(journalDirectory) };
        if (request.Rehearse) args.Add("--rehearse");
        foreach (var (name, value) in request.Inputs)
        {
            args.Add("--input");
            // The name comes first and is an identifier the playbook declares: the token never looks like an option.
            args.Add(name + "=" + value);
        }
        return args;
    }

    public static async Task<StartOutcome> StartAsync(IReadOnlyList<string> runner, string journalDirectory, StartRequest request, TimeSpan patience,
        CancellationToken cancellationToken)
    {
        var detach = File.Exists(SetSid);
        var start = new ProcessStartInfo(detach ? SetSid : runner[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Environment.CurrentDirectory,
        };
        foreach (var a in runner.Skip(detach ? 0 : 1)) start.ArgumentList.Add(a);
        foreach (var a in Arguments(journalDirectory, request)) start.ArgumentList.Add(a);
        start.Environment[RunJournal.StartedByVariable] = request.Who;

        var before = Journals(journalDirectory);
        var stderr = new Queue<string>();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new StartOutcome(null, $"the runner could not be started: {e.Message}");
        }
        process.StandardInput.Close();
        // Drained for as long as the run lives (a full pipe would block it); the last lines say why a start failed.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr)
            {
                stderr.Enqueue(e.Data);
                while (stderr.Count > StderrLinesKept) stderr.Dequeue();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            if (Find(journalDirectory, before, process.Id) is { } runId) return new StartOutcome(runId, null);
            if (process.HasExited)
            {
                // The journal may have been written just before it ended (a short run): look once more.
                if (Find(journalDirectory, before, process.Id) is { } late) return new StartOutcome(late, null);
                await process.WaitForExitAsync(cancellationToken);
                lock (stderr)
                    return new StartOutcome(null, stderr.Count == 0 ? $"the runner ended (exit {process.ExitCode}) without starting a run" : string.Join("\n", stderr));
            }
            if (DateTime.UtcNow > deadline)
                return new StartOutcome(null, $"the runner (pid {process.Id}) has not started a run after {patience.TotalSeconds:0} s; it is left running: see 'playbook runs'");
            await Task.Delay(50, cancellationToken);
        }
    }

    private static HashSet<string> Journals(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*" + JournaledRun.Extension).ToHashSet(StringComparer.Ordinal) : [];

    /// <summary>A journal that was not there before the start and whose first record was written by <paramref name="pid"/>.</summary>
    private static string? Find(string directory, HashSet<string> before, int pid)
    {
        foreach (var path in Journals(directory))
        {
            if (before.Contains(path)) continue;
            var run = JournaledRun.Read(path);
            if (run.Records.Count > 0 && run.Records[0].Type == "run-started" && run.Records[0].Body.Long("pid") == pid) return run.RunId;
        }
        return null;
    }
}
