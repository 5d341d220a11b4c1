using System.Text;

namespace Playbook.Cli.Output;

/// <summary>How file paths are written for tools (SARIF, GitHub): relative to the working
/// directory when possible, always with forward slashes.</summary>
internal static class ReportPaths
{
    /// <summary>The path relative to <paramref name="baseDirectory"/> with '/' separators; a path
    /// outside it (which tools like GitHub cannot resolve as "../x") is made absolute.</summary>
    public static string RelativeForwardSlashes(string path, string baseDirectory)
    {
        var full = Path.GetFullPath(path, baseDirectory);
        var relative = Path.GetRelativePath(baseDirectory, full);
        if (Path.IsPathFullyQualified(relative) || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || relative.StartsWith("../", StringComparison.Ordinal))
        {
            relative = full;
        }
        relative = relative.Replace('\\', '/');
        while (relative.StartsWith("./", StringComparison.Ordinal)) relative = relative[2..];
        return relative;
    }

    /// <summary>A URI reference for SARIF's artifactLocation.uri: a relative reference with each
    /// segment percent-encoded, or a file: URI for a path that cannot be made relative.</summary>
    public static string ToUri(string path, string baseDirectory)
    {
        var relative = RelativeForwardSlashes(path, baseDirectory);
        if (Path.IsPathFullyQualified(relative)) return new Uri(Path.GetFullPath(path)).AbsoluteUri;
        var sb = new StringBuilder(relative.Length);
        var segments = relative.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (i > 0) sb.Append('/');
            sb.Append(Uri.EscapeDataString(segments[i]));
        }
        return sb.ToString();
    }
}
