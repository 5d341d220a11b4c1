using Playbook.Journal;

namespace Playbook.Cli.Commands;

/// <summary>Replaces a file the user owns (a playbook <c>fmt</c> rewrites) in one step: the new text is
/// written beside it under a temporary name created 0600 (nobody else can open it while it is written), given
/// the mode the file had, and renamed over it. A crash leaves the old file or the new one, never half of
/// one. A symbolic link is followed: the file it points to is rewritten and the link stays a link.</summary>
internal static class FileRewriter
{
    public static void Replace(string path, string text)
    {
        var target = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = PrivateFiles.Open(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var writer = new StreamWriter(stream))
                writer.Write(text);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, File.GetUnixFileMode(target));
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
