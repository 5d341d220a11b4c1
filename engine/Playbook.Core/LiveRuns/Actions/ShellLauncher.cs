using System.Diagnostics;

namespace Playbook.LiveRuns.Actions;

/// <summary>Builds the command line that starts a step's program — bash for <c>shell</c>, the program itself
/// for <c>exec</c> — as the leader of a new session and process group (pid == pgid, so the whole group can
/// be signalled) with stdin from /dev/null (a step must never wait on, or read, the terminal of whoever
/// runs the playbook).</summary>
internal static class ShellLauncher
{
    // util-linux setsid (essential on Debian) execs straight into its command when the caller is not a group
    // leader, which a child of this process never is, so the pid stays the same. The sh in between only
    // points stdin at /dev/null, then execs bash in place, again keeping the pid.
    private const string DevNullTrampoline = "exec \"$@\" </dev/null";

    // Without setsid, perl (perl-base is essential on Debian too) can make the session itself.
    private const string PerlTrampoline = "use POSIX (); POSIX::setsid() >= 0 or die \"setsid: $!\\n\"; open STDIN, '<', '/dev/null' or die \"stdin: $!\\n\"; exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\";";

    private static readonly Lazy<(string Program, string[] Prefix)> Launcher = new(Find);

    public static ProcessStartInfo StartInfo(ShellScript script, string workingDirectory) =>
        StartInfo(new[] { "bash", "--noprofile", "--norc", "-c", script.Script }, script.Environment, workingDirectory);

    /// <summary>Starts <paramref name="argv"/> (program first, looked up on PATH) with no shell in between:
    /// each element reaches the program as exactly one argument.</summary>
    public static ProcessStartInfo StartInfo(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var (program, prefix) = Launcher.Value;
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in prefix) info.ArgumentList.Add(arg);
        foreach (var arg in argv) info.ArgumentList.Add(arg);
        // BASH_ENV names a file bash would run before every step, even with --norc: not what the playbook says.
        info.Environment.Remove("BASH_ENV");
        foreach (var (name, value) in environment) info.Environment[name] = value;
        return info;
    }

    private static (string, string[]) Find()
    {
        if (OnPath("setsid") is { } setsid) return (setsid, new[] { "/bin/sh", "-c", DevNullTrampoline, "playbook-shell" });
        if (OnPath("perl") is { } perl) return (perl, new[] { "-e", PerlTrampoline });
        throw new InvalidOperationException("cannot start shell steps in their own process group: neither setsid (util-linux) nor perl is on PATH");
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
