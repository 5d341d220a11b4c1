using System.Text;

namespace Playbook.Tests.Journal;

/// <summary>A temporary folder per test class for journal files, removed afterwards; and byte-level edits
/// that simulate crashes and damage.</summary>
public sealed class JournalTestFiles : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("playbook-journal-");

    public string NewPath(string name = "run.journal") => Path.Combine(_dir.FullName, Guid.NewGuid().ToString("N"), name);

    public void Dispose()
    {
        try { _dir.Delete(recursive: true); } catch (IOException) { } // a killed child may still hold a file on some systems
    }

    /// <summary>Byte offsets where each line starts.</summary>
    public static List<long> LineStarts(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var starts = new List<long>();
        for (var i = 0; i < bytes.Length; i++)
            if (i == 0 || bytes[i - 1] == (byte)'\n') starts.Add(i);
        return starts;
    }

    /// <summary>Flips one bit of a character inside the JSON of line <paramref name="line"/> (1-based), so the
    /// line is still one line but no longer matches its checksum.</summary>
    public static void FlipByteInLine(string path, int line)
    {
        var bytes = File.ReadAllBytes(path);
        var at = (int)LineStarts(path)[line - 1] + 20; // past the checksum, inside the JSON
        bytes[at] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }

    public static void Truncate(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength(length);
    }

    public static void AppendBytes(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write);
        stream.Write(Encoding.UTF8.GetBytes(text));
    }
}

/// <summary>A clock that moves 1.5 ms on every read, so each record's time is known.</summary>
internal sealed class SteppingTime(DateTimeOffset start) : TimeProvider
{
    private long _reads;
    public override DateTimeOffset GetUtcNow() => start.AddTicks(Interlocked.Increment(ref _reads) * 15_000);
}
