using System.Globalization;
using System.Text;

namespace Playbook.LiveRuns.Actions;

/// <summary>What the process of one attempt left behind, as its wrapper wrote it: nothing (it never got past
/// the gate, so nothing ran), started (the command began and has not reported an exit), or exited.</summary>
public enum StepStatusKind
{
    Absent,
    Started,
    Exited,
}

public readonly record struct StepStatus(StepStatusKind Kind, int ExitCode = 0);

/// <summary>The files one attempt's process writes in its run's <c>RUN_ID.steps</c> directory (0700, files
/// 0600): its stdout, its stderr, and its status (created, empty, when the command starts; its exit code when
/// it ends). Files rather than pipes, so a process whose runner died neither gets SIGPIPE nor loses what it
/// printed, and a resume can read how it ended. The names come from the attempt alone (never from a journal
/// field), so a crafted journal cannot point a resume at another file.</summary>
public sealed class StepFiles
{
    public const string DirectorySuffix = ".steps";

    private StepFiles(string directory, string stem)
    {
        Directory = directory;
        Stdout = Path.Combine(directory, stem + ".out");
        Stderr = Path.Combine(directory, stem + ".err");
        Status = Path.Combine(directory, stem + ".status");
    }

    public string Directory { get; }

    public string Stdout { get; }

    public string Stderr { get; }

    public string Status { get; }

    /// <summary>The step-files directory of the run journaled at <paramref name="journalPath"/>.</summary>
    public static string DirectoryFor(string journalPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(journalPath))!, Path.GetFileNameWithoutExtension(journalPath) + DirectorySuffix);

    /// <summary>The files of attempt <paramref name="attempt"/> of <paramref name="state"/> in <paramref name="flow"/>
    /// (the journal's flow: "", a branch, a call's "step#n/…"). '/' and '#' become '+' and '@', which no name holds.</summary>
    public static StepFiles For(string directory, string flow, string state, int attempt)
    {
        var stem = new StringBuilder();
        if (flow.Length > 0) stem.Append(flow.Replace('/', '+').Replace('#', '@')).Append('+');
        stem.Append(state).Append('.').Append(attempt.ToString(CultureInfo.InvariantCulture));
        return new StepFiles(directory, stem.ToString());
    }

    /// <summary>Files in a private temporary directory, for a command run outside any run (tests, tools).</summary>
    public static StepFiles Temporary() =>
        For(Path.Combine(Path.GetTempPath(), "playbook-step-" + Guid.NewGuid().ToString("N")), "", "step", 1);

    /// <summary>Makes the directory (0700), removes an earlier status of this attempt (a rerun of an attempt whose
    /// outcome was unknown) and creates empty output files (0600) for the wrapper to append to.</summary>
    public void Prepare()
    {
        CreatePrivateDirectory(Directory);
        File.Delete(Status);
        foreach (var path in new[] { Stdout, Stderr })
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var _ = new FileStream(path, options);
        }
    }

    public static void CreatePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(directory);
        else System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public StepStatus ReadStatus()
    {
        string text;
        try
        {
            text = File.ReadAllText(Status).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new StepStatus(StepStatusKind.Absent);
        }
        // The wrapper writes "N\n" in one write after the command ends; until then the file is empty.
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code <= 255
            ? new StepStatus(StepStatusKind.Exited, code)
            : new StepStatus(StepStatusKind.Started);
    }

    /// <summary>Keeps an output file at most one byte over <paramref name="max"/> while its process runs: the
    /// wrapper appends (O_APPEND), so after a cut its next write lands at the new end. The first
    /// <paramref name="max"/> bytes are what the step shows; the byte over says it was cut.</summary>
    /// <summary>Bytes kept past <c>max</c> so that a secret the cut would split is still whole when
    /// <see cref="Read"/> redacts it (redact first, then cut): every form of the longest secret, at up to 4
    /// UTF-8 bytes a character.</summary>
    private static long Slack(Redactor? redactor) => 1 + 4L * (redactor?.LongestForm ?? 0);

    internal static void Cap(string path, int max, Redactor? redactor = null)
    {
        try
        {
            // One byte more than Read looks at survives the cut: it is how Read knows that output was thrown away
            // even when the bytes it keeps end on a character split by the cut (which decodes to nothing).
            var keep = max + Slack(redactor) + 1;
            var info = new FileInfo(path);
            if (!info.Exists || info.Length <= keep) return;
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            file.SetLength(keep);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>The first <paramref name="max"/> bytes of an output file as text, redacted before the cut
    /// (see <see cref="CappedOutput"/>).</summary>
    internal static (string Text, bool Truncated) Read(string path, int max, Redactor? redactor = null)
    {
        var kept = new CappedOutput(max, redactor);
        var limit = max + Slack(redactor);
        long total = 0;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var buffer = new byte[81920];
            int read;
            while (total <= limit && (read = file.Read(buffer)) > 0)
            {
                kept.Keep(buffer.AsSpan(0, read));
                total += read;
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { }
        // More bytes than the limit means some were never read (or were cut by Cap): the output is not whole.
        return (kept.Text(), kept.Truncated || total > limit);
    }

    /// <summary>Removes the files of a temporary command (<see cref="Temporary"/>).</summary>
    internal void DeleteDirectory()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
