using System.Text;
using Playbook.Diagnostics;

namespace Playbook.Tests.Cases;

/// <summary>Where the diagnostic case files live and how their expected output is rendered.
///
/// Naming rule (see Cases/data/README.md): under <c>Cases/data/</c> (any depth), a file is a case when its
/// name starts with <c>pbXXXX-</c> (one diagnostic ID: <c>pb1001-unknown-target.playbook</c>) or with
/// <c>multi-</c> (several diagnostics in one file, e.g. parser recovery). Every other
/// <c>.playbook</c> file is a helper (such as a playbook that a case calls) and is not checked by
/// itself. Each case has a baseline beside it: the same name with <c>.diagnostics.txt</c> instead of
/// <c>.playbook</c>.</summary>
internal static class CaseFiles
{
    public const string UpdateVariable = "PLAYBOOK_UPDATE_BASELINES";

    /// <summary>The cases folder copied next to the test assembly.</summary>
    public static string OutputCasesRoot => Path.Combine(AppContext.BaseDirectory, "Cases", "data");

    /// <summary>The cases folder in the source tree (found by walking up to Playbook.sln).</summary>
    public static string SourceCasesRoot => Path.Combine(SourceRoot(), "tests", "Playbook.Tests", "Cases", "data");

    public static bool UpdateRequested => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    public static string SourceRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Playbook.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"Playbook.sln not found above {AppContext.BaseDirectory}");
    }

    public static bool IsCase(string fileName) =>
        fileName.EndsWith(".playbook", StringComparison.Ordinal)
        && (IsIdPrefix(fileName) || fileName.StartsWith("multi-", StringComparison.Ordinal));

    /// <summary>Case files are named pbXXXX-…: lower case, like the kebab-case playbook inside them, so the
    /// file name matches the playbook name and no PB1010 appears in every baseline.</summary>
    private static bool IsIdPrefix(string fileName) =>
        fileName.Length >= 7 && fileName.StartsWith("pb", StringComparison.Ordinal) && fileName[2..6].All(char.IsAsciiDigit) && fileName[6] == '-';

    /// <summary>Relative paths ('/'-separated) of every case under <paramref name="root"/>, sorted.</summary>
    public static IReadOnlyList<string> Enumerate(string root) =>
        Directory.EnumerateFiles(root, "*.playbook", SearchOption.AllDirectories)
            .Where(f => IsCase(Path.GetFileName(f)))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();

    public static string BaselineOf(string casePath) =>
        casePath[..^".playbook".Length] + ".diagnostics.txt";

    /// <summary>The ID a single-ID case is named after (PB1001 for pb1001-unknown-target.playbook), or null for multi cases.</summary>
    public static string? IdOf(string casePath)
    {
        var name = Path.GetFileName(casePath);
        return IsIdPrefix(name) ? name[..6].ToUpperInvariant() : null;
    }

    /// <summary>One line per diagnostic, <c>LINE:COL: severity ID: message</c>, and an indented
    /// <c>  hint: …</c> line when it has a hint. Absolute paths of the cases folder inside messages
    /// (PB1005 names the file it looked for) are written as <c>cases/…</c> so baselines do not depend on the machine.</summary>
    public static string Render(IEnumerable<Diagnostic> diagnostics, string casesRoot)
    {
        var root = Path.GetFullPath(casesRoot).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        string Clean(string s) => s.Replace(root, "cases/", StringComparison.Ordinal).Replace(root.Replace('\\', '/'), "cases/", StringComparison.Ordinal);
        var sb = new StringBuilder();
        foreach (var d in diagnostics)
        {
            sb.Append(d.Start.Line).Append(':').Append(d.Start.Column).Append(": ")
              .Append(d.Severity.ToLowerString()).Append(' ').Append(d.Id).Append(": ").Append(Clean(d.Message)).Append('\n');
            if (d.Hint is not null) sb.Append("  hint: ").Append(Clean(d.Hint)).Append('\n');
        }
        return sb.ToString();
    }

    public static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
}
