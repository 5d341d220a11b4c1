using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Playbook.Journal;

namespace Playbook.RunStores;

/// <summary>The file store's answer inbox: a private folder beside the run's journal (<c>RUN_ID.answers/</c>, 0700)
/// holding one file per answer (0600), named by its id (<see cref="Post"/>). Each file is written under a temporary name
/// and renamed into place, so a reader sees a whole answer or none, and two terminals answering at once never tear
/// each other's. Every file is
/// validated when read: one that is not an answer as <see cref="Post"/> writes it is skipped with a warning, never
/// taken and never a crash. A waiting runner learns of a new file at once from a <see cref="FileSystemWatcher"/>,
/// and polls as well, because a watcher can miss events (inotify limits, network file systems).</summary>
public sealed partial class FileAnswerInbox(string journalDirectory, Action<string>? warn = null) : IAnswerInbox
{
    public const string Extension = ".answers";

    /// <summary>How often a waiting runner looks even when the watcher said nothing.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The most a comment may hold: a note for the report, not a document.</summary>
    public const int MaxCommentLength = 2000;

    // An answer file is small; a larger one is not one Post wrote, and is not read into memory.
    private const long MaxFileBytes = 16 * 1024;

    // More files than any run's answers: a folder stuffed with files is not read to its end.
    private const int MaxFiles = 10_000;

    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    /// <summary>The inbox folder of run <paramref name="runId"/>.</summary>
    public string DirectoryOf(string runId)
    {
        // A run id names a file beside the journal: it never leads out of the journal directory.
        if (!RunIdPattern().IsMatch(runId)) throw new ArgumentException($"'{runId}' is not a run id", nameof(runId));
        return Path.Combine(journalDirectory, runId + Extension);
    }

    public PostedAnswer Post(PostedAnswer answer)
    {
        if (Problem(answer) is { } problem) throw new ArgumentException(problem, nameof(answer));
        var directory = DirectoryOf(answer.RunId);
        PrivateFiles.CreateDirectory(directory);
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string?>
        {
            ["run"] = answer.RunId,
            ["address"] = answer.Address,
            ["outcome"] = answer.Outcome,
            ["who"] = answer.Who,
            ["from"] = answer.From,
            ["at"] = answer.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["comment"] = answer.Comment,
        });
        // Posters take turns (an exclusive flock the kernel drops if one dies): each numbers its file one above the
        // highest there and renames it into place before the next looks, so files appear in the order of their
        // numbers and a reader that took number N never misses a later N-1. Clocks play no part: two terminals'
        // clocks may differ, and one stepped back by NTP would otherwise post "before" an answer already taken.
        using var turn = TakeTurn(directory);
        var id = NextId(directory);
        var name = $"{id:D20}.json";
        var temporary = Path.Combine(directory, "." + name + ".tmp");
        try
        {
            using (var stream = PrivateFiles.Open(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(json);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, Path.Combine(directory, name));
            DirectorySync.Flush(directory);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
        return answer with { Id = id };
    }

    /// <summary>The longest a poster waits for another to finish posting to the same run.</summary>
    private static readonly TimeSpan TurnLimit = TimeSpan.FromSeconds(30);

    private static FileStream TakeTurn(string directory)
    {
        var path = Path.Combine(directory, ".post.lock");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive flock on Unix, released by the kernel when the holder exits.
                return PrivateFiles.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.Elapsed < TurnLimit)
            {
                Thread.Sleep(10);
            }
        }
    }

    /// <summary>One above the highest id of the folder's answer files (their names' leading number).</summary>
    private static long NextId(string directory)
    {
        long highest = 0;
        foreach (var path in Directory.EnumerateFiles(directory, "*.json"))
            if (IdOf(path) is { } id && id > highest) highest = id;
        return highest + 1;
    }

    /// <summary>The id a file's name gives it: its leading 20 digits (older inboxes named files by their post's
    /// ticks then a GUID; those sort before any file numbered after them, since a new id is one above the highest).</summary>
    private static long? IdOf(string path)
    {
        var name = Path.GetFileName(path);
        return name.Length >= 20 && long.TryParse(name.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    public IReadOnlyList<PostedAnswer> Read(string runId)
    {
        var directory = DirectoryOf(runId);
        if (!Directory.Exists(directory)) return Array.Empty<PostedAnswer>();
        // An inbox someone else can write is one through which someone else answers: nothing in it is taken.
        if (PrivateFiles.Problem(directory) is { } unsafeInbox)
        {
            Warn($"answers in {directory} are ignored: {unsafeInbox}");
            return Array.Empty<PostedAnswer>();
        }
        var answers = new List<PostedAnswer>();
        foreach (var path in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal).Take(MaxFiles))
        {
            var (answer, problem) = IdOf(path) is { } id ? ReadOne(path, runId) : (null, "its name does not start with its 20-digit id");
            if (answer is not null) answers.Add(answer with { Id = IdOf(path)!.Value });
            else Warn($"{path}: ignored: {problem}");
        }
        return answers;
    }

    public async Task<PostedAnswer> WaitAsync(string runId, string address, long after, CancellationToken cancellationToken)
    {
        var directory = DirectoryOf(runId);
        PrivateFiles.CreateDirectory(directory);
        using var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(directory, "*.json") { NotifyFilter = NotifyFilters.FileName };
        void Wake(object? sender, EventArgs e)
        {
            try { changed.Release(); }
            catch (ObjectDisposedException) { } // an event that arrives as the wait ends
        }
        watcher.Created += Wake;
        watcher.Renamed += Wake;
        watcher.Error += Wake;
        watcher.EnableRaisingEvents = true;
        // Looked at after the watcher is up: an answer posted in between is seen by one or the other.
        while (true)
        {
            if (Read(runId).FirstOrDefault(a => a.Address == address && a.Id > after) is { } found) return found;
            await changed.WaitAsync(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Why <paramref name="answer"/> is not one an inbox keeps, or null when it is.</summary>
    public static string? Problem(PostedAnswer answer)
    {
        if (!RunIdPattern().IsMatch(answer.RunId)) return $"'{answer.RunId}' is not a run id";
        if (answer.Address.Length is 0 or > 1000 || answer.Address.Any(char.IsControl)) return "the step address is empty, too long or has control characters";
        if (answer.Outcome is not ("approve" or "reject")) return $"the answer '{answer.Outcome}' is neither approve nor reject";
        if (answer.Who.Length is 0 or > 200 || answer.Who.Any(char.IsControl)) return "who answered is empty, too long or has control characters";
        if (answer.From.Length is 0 or > 200 || answer.From.Any(char.IsControl)) return "where the answer came from is empty, too long or has control characters";
        if (answer.Comment is { } c && (c.Length > MaxCommentLength || c.Any(ch => char.IsControl(ch) && ch is not ('\n' or '\t'))))
            return $"the comment is longer than {MaxCommentLength} characters or has control characters";
        return null;
    }

    private static (PostedAnswer? Answer, string Problem) ReadOne(string path, string runId)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null) return (null, "a link, not a file an answer was posted as");
            if (info.Length > MaxFileBytes) return (null, $"larger than {MaxFileBytes} bytes");
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, "not a JSON object");
            string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (Text("run") != runId) return (null, "it names another run");
            if (!DateTimeOffset.TryParseExact(Text("at"), "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                return (null, "no valid 'at' time");
            var comment = root.TryGetProperty("comment", out var cv) && cv.ValueKind != JsonValueKind.Null ? Text("comment") ?? "\u0000" : null;
            var answer = new PostedAnswer(runId, Text("address") ?? "", Text("outcome") ?? "", Text("who") ?? "", Text("from") ?? "", at.ToUniversalTime(), comment);
            return Problem(answer) is { } problem ? (null, problem) : (answer, "");
        }
        catch (JsonException e)
        {
            return (null, "not valid JSON: " + e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, "cannot be read: " + e.Message);
        }
    }

    private void Warn(string message)
    {
        if (warn is null) return;
        // A waiting runner reads the folder again and again: each bad file is reported once.
        lock (_warned)
            if (!_warned.Add(message)) return;
        warn(message);
    }

    [GeneratedRegex(@"^[0-9A-Za-z][0-9A-Za-z._-]{0,127}$")]
    private static partial Regex RunIdPattern();
}
