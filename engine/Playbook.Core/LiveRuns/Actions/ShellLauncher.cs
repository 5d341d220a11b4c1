using System.Diagnostics;

namespace Playbook.LiveRuns.Actions;

/// <summary>Builds the command line that starts a step's program — bash for <c>shell</c>, the program
/// itself for <c>exec</c> — as the leader of a new session and process
/// group (pid == pgid, so the whole group can be signalled), gated: the leader is a small sh wrapper that
/// first blocks reading one line from its stdin, a pipe only the runner holds. The runner journals the group
/// (and fsyncs) before it writes that line, so nothing a step runs can start unjournaled; if the runner dies
/// first, the wrapper reads end-of-file and exits without running anything. Past the gate the wrapper
/// creates the attempt's empty status file (the command has started), runs the command with stdin from
/// /dev/null (a step must never read the terminal of whoever runs the playbook) and its output appended to
/// the attempt's files, then writes the exit code to the status file: so a resume can tell "never ran",
/// "ran, outcome unknown" and "ended with N", and a process whose runner died writes to files, not to
/// pipes nobody reads (SIGPIPE).
/// <para>The gate can have a deadline (a run in a store whose leases run out): the seconds since boot, in
/// hundredths, past which "go" is refused (exit 125, nothing run, no status file). The runner journals the process
/// and then opens the gate; a runner stopped in between (a frozen VM, SIGSTOP) may be taken over once its lease runs
/// out, and must not then run the step behind the new holder's back when it is continued. The process's own clock
/// runs while its runner is stopped, so the deadline holds however long the runner was away.</para></summary>
internal static class ShellLauncher
{
    /// <summary>The wrapper the leader runs: <c>sh -c WRAPPER playbook-step OUT ERR STATUS DEADLINE PROGRAM ARGS…</c>
    /// (DEADLINE <c>-</c>: none). Its own stdout and stderr go to the files first, so it never holds the runner's (a
    /// parent reading the runner's output would otherwise wait for the orphan). /proc/uptime always has two decimals:
    /// dropping the point gives hundredths.</summary>
    internal const string Wrapper =
        "exec >>\"$1\" 2>>\"$2\" || exit 125\n" +
        "IFS= read -r gate && [ \"$gate\" = go ] || exit 125\n" +
        "if [ \"$4\" != - ]; then\n" +
        "  read -r up rest </proc/uptime || exit 125\n" +
        "  [ \"${up%.*}${up#*.}\" -le \"$4\" ] || { echo \"playbook: its gate opened too late (its runner was held up): nothing was run\" >&2; exit 125; }\n" +
        "fi\n" +
        "status=$3\n" +
        "shift 4\n" +
        ": >\"$status\" || exit 125\n" +
        "\"$@\" </dev/null\n" +
        "code=$?\n" +
        "echo \"$code\" >\"$status\"\n" +
        "exit \"$code\"\n";

    /// <summary>The line that opens the gate.</summary>
    internal const string Go = "go\n";

    // util-linux setsid (essential on Debian) execs straight into its command when the caller is not a group
    // leader, which a child of this process never is, so the pid stays the same.
    // Without setsid, perl (perl-base is essential on Debian too) can make the session itself. Either way
    // the wrapper's stdin stays the gate.
    private const string PerlTrampoline = "use POSIX (); POSIX::setsid() >= 0 or die \"setsid: $!\\n\"; exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\";";

    private static readonly Lazy<(string Program, string[] Prefix)> Launcher = new(Find);

    /// <summary>A script as the argv that runs it: bash without profile or rc files.</summary>
    public static IReadOnlyList<string> BashArgv(ShellScript script) => ["bash", "--noprofile", "--norc", "-c", script.Script];

    /// <summary>Starts <paramref name="argv"/> (program first, looked up on PATH) behind the gate, with no shell
    /// in between: each element reaches the program as exactly one argument.</summary>
    public static ProcessStartInfo StartInfo(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment, string workingDirectory, StepFiles files,
        string deadline = NoDeadline)
    {
        var (program, prefix) = Launcher.Value;
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        foreach (var arg in prefix) info.ArgumentList.Add(arg);
        foreach (var arg in LeaderCommandLine(argv, files, deadline)) info.ArgumentList.Add(arg);
        ChildEnvironment.Apply(info.Environment, environment);
        return info;
    }

    /// <summary>The leader's command line once the launcher has exec'd into the wrapper: what /proc shows
    /// for it, and part of the identity a resume checks before it signals the group.</summary>
    public static IReadOnlyList<string> LeaderCommandLine(IReadOnlyList<string> argv, StepFiles files, string deadline = NoDeadline) =>
        ["/bin/sh", "-c", Wrapper, "playbook-step", files.Stdout, files.Stderr, files.Status, deadline, .. argv];

    /// <summary>The gate's deadline argument for no deadline.</summary>
    internal const string NoDeadline = "-";

    /// <summary>The gate's deadline argument: <paramref name="limit"/> from now, in the hundredths of a second since boot
    /// that the wrapper reads from /proc/uptime; <see cref="NoDeadline"/> without a limit or without /proc/uptime.</summary>
    internal static string Deadline(TimeSpan? limit)
    {
        if (limit is not { } l) return NoDeadline;
        try
        {
            var up = File.ReadAllText("/proc/uptime").Split(' ')[0];
            return (long.Parse(up.Replace(".", ""), System.Globalization.CultureInfo.InvariantCulture) + (long)Math.Ceiling(l.TotalMilliseconds / 10))
                .ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return NoDeadline;
        }
    }

    private static (string, string[]) Find()
    {
        if (OnPath("setsid") is { } setsid) return (setsid, []);
        if (OnPath("perl") is { } perl) return (perl, ["-e", PerlTrampoline]);
        throw new InvalidOperationException("cannot start shell steps in their own process group: neither setsid (util-linux) nor perl is on PATH");
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
