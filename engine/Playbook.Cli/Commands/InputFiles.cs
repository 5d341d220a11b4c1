namespace Playbook.Cli.Commands;

/// <summary>Turns the PATH arguments of a command into the files it reads: files as given (checked by
/// the command), directories searched recursively for one extension (hidden directories and links to
/// directories are not entered, since they can loop) and sorted ordinally so output is the same on
/// every machine, each file once. Null, after one message per bad path, when any path cannot be used.</summary>
internal static class InputFiles
{
    public static List<string>? Collect(IReadOnlyList<string> paths, string extension, Func<string, string?> checkFile, TextWriter stderr)
    {
        var files = new List<string>();
        var seen = new HashSet<string>(OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        var ok = true;
        foreach (var path in paths)
        {
            if (path.Length == 0)
            {
                stderr.WriteLine("playbook: cannot read '': the path is empty");
                ok = false;
            }
            else if (Directory.Exists(path))
            {
                var found = new List<string>();
                if (Search(path, extension, found) is { } failure)
                {
                    stderr.WriteLine($"playbook: cannot read '{failure.Path}': {failure.Reason}");
                    ok = false;
                }
                else if (found.Count == 0)
                {
                    stderr.WriteLine($"playbook: no *{extension} files in '{path}'");
                    ok = false;
                }
                else
                {
                    found.Sort(StringComparer.Ordinal);
                    foreach (var file in found)
                    {
                        if (seen.Add(Path.GetFullPath(file))) files.Add(file);
                    }
                }
            }
            else if (File.Exists(path))
            {
                if (checkFile(path) is { } problem)
                {
                    stderr.WriteLine(problem);
                    ok = false;
                }
                else if (seen.Add(Path.GetFullPath(path)))
                {
                    files.Add(path);
                }
            }
            else
            {
                stderr.WriteLine($"playbook: cannot read '{path}': no such file or directory");
                ok = false;
            }
        }
        return ok ? files : null;
    }

    private static (string Path, string Reason)? Search(string root, string extension, List<string> found)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            try
            {
                foreach (var file in Directory.EnumerateFiles(directory, "*" + extension))
                {
                    // "*.playbook" can match longer extensions on Windows; be exact.
                    if (file.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) found.Add(file);
                }
                foreach (var sub in Directory.EnumerateDirectories(directory))
                {
                    var info = new DirectoryInfo(sub);
                    if (info.Name.StartsWith('.') || info.LinkTarget is not null) continue;
                    pending.Push(sub);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (directory, Reason(e));
            }
        }
        return null;
    }

    /// <summary>Why a file cannot be opened for reading, or null when it can.</summary>
    public static string? CannotOpen(string file)
    {
        // Not opened: opening a FIFO blocks. Reading refuses it, with its own diagnostic (PB0016).
        if (Text.FileKind.DescribeSpecial(file) is not null) return null;
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Reason(e);
        }
    }

    public static string Reason(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file or directory",
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "the path is too long",
        _ => e.Message,
    };
}
