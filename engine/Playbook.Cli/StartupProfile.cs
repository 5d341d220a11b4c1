using System.Runtime;

namespace Playbook.Cli;

/// <summary>Multi-core JIT (<see cref="ProfileOptimization"/>) for the command being started: the runtime records
/// which methods the command compiled, and on the next start of the same command compiles them on another core
/// while the main thread works.</summary>
/// <remarks>
/// <para>Why: a cold <c>validate</c> spends most of its time compiling code that a ReadyToRun image cannot hold (the
/// framework's generics over our types, Sprache's and System.CommandLine's instantiations, Acornima's
/// <c>AggressiveOptimization</c> parser methods). With a profile, a second core does that work ahead of the main
/// thread. PowerShell starts the same way.</para>
/// <para>Where: the user's cache directory (<c>$XDG_CACHE_HOME/playbook</c>, else <c>~/.cache/playbook</c>), made
/// private (0700) and used only if it is private. A profile lists methods, never data; its name is the command and a
/// hash of this build (its module version id), the working directory and the arguments. Why so narrow: the runtime
/// plays a profile back by loading every assembly it names, so one profile for every <c>validate</c> would have a
/// playbook without C# load Roslyn because the previous one had C#. The same command in the same place (CI's
/// <c>validate playbooks/</c>, an author re-running <c>test</c>) finds its own; the 20 most recent are kept.</para>
/// <para>Why the copy and the rename: the runtime writes a profile in place, unlocked, and reads it back trusting its
/// body (dotnet/runtime#121977: two processes ending together tear the file, and the next start can crash in the JIT).
/// So no process ever lets the runtime write the shared file: each one plays back and records into a copy of its own,
/// has the runtime write that copy when its command has ended (<see cref="Publish"/>), and renames it over the shared
/// file, which therefore only ever changes from one complete profile to another. A process killed before that leaves
/// its own copy, removed by a later start once it is an hour old.</para>
/// <para>Off: <c>PLAYBOOK_JIT_PROFILE=0</c>; a cache directory that cannot be made or is not private, or a commands
/// with a long life of its own (<c>lsp</c>, <c>serve</c>, <c>run</c>), records nothing. Nothing a user asked for
/// depends on it: any failure here is ignored.</para>
/// </remarks>
internal static class StartupProfile
{
    /// <summary>The short-lived commands whose start matters (CI waits on <c>validate</c> and <c>test</c>); the others
    /// run for minutes or hours, where the start is noise and a profile would record far more than the start.</summary>
    private static readonly string[] Commands = ["validate", "test", "simulate", "graph", "fmt", "runs", "report"];

    private const string Suffix = ".jitprofile";
    private const string OwnSuffix = ".jitprofile-own";

    private static string? _own;
    private static string? _shared;

    public static void Start(string[] args)
    {
        try
        {
            if (Environment.GetEnvironmentVariable("PLAYBOOK_JIT_PROFILE") == "0") return;
            if (args.Length == 0 || Array.IndexOf(Commands, args[0]) < 0) return;
            if (Directory() is not { } directory) return;
            var name = $"{args[0]}-{Key(args):x16}";
            var shared = Path.Combine(directory, name + Suffix);
            var own = Path.Combine(directory, $"{name}.{Environment.ProcessId}{OwnSuffix}");
            if (File.Exists(shared)) File.Copy(shared, own, overwrite: true);
            ProfileOptimization.SetProfileRoot(directory);
            ProfileOptimization.StartProfile(Path.GetFileName(own));
            (_own, _shared) = (own, shared);
        }
        catch (Exception e) when (Ignorable(e))
        {
            // A read-only home, a full disk: the command runs as it would without a profile.
        }
    }

    /// <summary>Has the runtime write this process's profile now (stopping the recording), then makes it the shared
    /// one with one rename. Called once the command has ended normally; never throws.</summary>
    public static void Publish()
    {
        if (_own is not { } own || _shared is not { } shared) return;
        _own = null;
        try
        {
            ProfileOptimization.StartProfile(null); // stops recording: the runtime writes `own`, synchronously
            if (new FileInfo(own) is { Exists: true, Length: > 0 }) File.Move(own, shared, overwrite: true);
            RemoveOld(Path.GetDirectoryName(own)!);
        }
        catch (Exception e) when (Ignorable(e))
        {
        }
    }

    /// <summary>The private cache directory, created if missing; null when there is none to use.</summary>
    internal static string? Directory()
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache) || !Path.IsPathRooted(cache))
        {
            var home = Environment.GetEnvironmentVariable("HOME");
            if (string.IsNullOrEmpty(home) || !Path.IsPathRooted(home)) return null;
            cache = Path.Combine(home, ".cache");
        }
        var directory = Path.Combine(cache, "playbook");
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
            return directory;
        }
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        System.IO.Directory.CreateDirectory(directory, Private);
        // An existing directory keeps its mode: use it only if nobody else can read or write it.
        return (File.GetUnixFileMode(directory) & ~Private) == 0 ? directory : null;
    }

    /// <summary>FNV-1a (64 bits) of this build, the working directory and the arguments: stable across processes,
    /// unlike <see cref="string.GetHashCode()"/>, and cheap enough for the first milliseconds of a start.</summary>
    internal static ulong Key(string[] args)
    {
        var hash = 14695981039346656037UL;
        Mix(typeof(StartupProfile).Module.ModuleVersionId.ToString("N"));
        Mix(Environment.CurrentDirectory);
        foreach (var arg in args) Mix(arg);
        return hash;

        void Mix(string text)
        {
            foreach (var c in text) hash = (hash ^ c) * 1099511628211UL;
            hash = (hash ^ 0xFFFF) * 1099511628211UL; // a separator no argument holds: ("ab","c") differs from ("a","bc")
        }
    }

    /// <summary>Own copies of processes that were killed before they could publish, once they are an hour old (a
    /// younger one may belong to a command still running); shared profiles beyond the 20 most recently written.</summary>
    private static void RemoveOld(string directory)
    {
        var cutoff = DateTime.UtcNow - TimeSpan.FromHours(1);
        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*" + OwnSuffix))
        {
            if (File.GetLastWriteTimeUtc(file) < cutoff) File.Delete(file);
        }
        var shared = new DirectoryInfo(directory).GetFiles("*" + Suffix);
        if (shared.Length <= Kept) return;
        foreach (var file in shared.OrderByDescending(f => f.LastWriteTimeUtc).Skip(Kept)) file.Delete();
    }

    private const int Kept = 20;

    private static bool Ignorable(Exception e) =>
        e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException;
}
