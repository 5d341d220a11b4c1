using Playbook.Compiling;
using Playbook.LiveRuns.Actions;
using Playbook.Syntax;

namespace Playbook.LiveRuns;

/// <summary>The secrets of a real run, read once when it starts (and again when it resumes), for the
/// playbook and every playbook it calls; never journaled. <c>PLAYBOOK_SECRET_NAME</c> gives any secret its
/// value, and is where a plain <c>secret NAME</c> comes from. Otherwise <c>from file "…"</c> reads the file
/// (relative to the playbook's folder) and <c>from command "…"</c> runs the command as written — it holds no
/// <c>${…}</c> (PB1102), so no value ever becomes part of it — in the playbook's folder, without the
/// runner's <c>PLAYBOOK_SECRET_*</c> variables, in its own process group, stopped after
/// <see cref="CommandLimit"/>. Either way one trailing line break is dropped. A file that cannot be read or
/// a command that fails, prints nothing or runs out of time is an error that stops the run before it
/// starts; what the command said on stderr is redacted in it.</summary>
public sealed class RunSecrets
{
    public static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(30);

    /// <summary>A secret file larger than this is refused (a path to a device or a log by mistake).</summary>
    public const int MaxFileBytes = 64 * 1024;

    private readonly Dictionary<(string Playbook, string Name), (string Label, string Value)> _values = new();

    private RunSecrets()
    {
    }

    /// <summary>The value of secret <paramref name="name"/> of <paramref name="playbook"/>; null when it has none.</summary>
    public string? Get(CompiledPlaybook playbook, string name) =>
        _values.TryGetValue((Path.GetFullPath(playbook.Path), name), out var v) ? v.Value : null;

    /// <summary>Every value read, by a name that says how to give it (<c>PLAYBOOK_SECRET_NAME</c>, with the
    /// playbook's name added when two playbooks of the run declare the same name with different values).</summary>
    public IEnumerable<KeyValuePair<string, string>> Named => _values.Values.Select(v => KeyValuePair.Create(v.Label, v.Value));

    /// <summary>Reads the secrets of <paramref name="root"/> and of the playbooks it calls. Each problem is one
    /// message; a secret that has no value at all is left to <see cref="EngineCore.RunParameters.Bind"/>.</summary>
    public static async Task<(RunSecrets Secrets, List<string> Errors)> ReadAsync(CompiledPlaybook root,
        Func<CompiledPlaybook, string, CompiledPlaybook?> resolveCallee, Func<string, string?> environment, CancellationToken cancellationToken,
        TimeSpan? commandLimit = null)
    {
        var secrets = new RunSecrets();
        var errors = new List<string>();
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var playbook in CallTree(root, resolveCallee))
        {
            foreach (var secret in playbook.Model.Secrets)
            {
                var name = secret.Name.Text;
                var (value, problem) = environment(name) is { } given
                    ? (given, null)
                    : secret.Source is { } source
                        ? await ReadSourceAsync(playbook, source, new Redactor(secrets.Named.Concat(ChildEnvironment.InheritedSecrets())),
                            commandLimit ?? CommandLimit, cancellationToken).ConfigureAwait(false)
                        : (null, null);
                if (problem is not null) errors.Add($"secret '{name}'{(playbook == root ? "" : $" of playbook '{playbook.Name}'")}: {problem}");
                if (value is null) continue;
                var label = ShellScript.SecretVariable(name);
                if (labels.TryGetValue(label, out var taken) && taken != value) label += $" ({playbook.Name})";
                labels.TryAdd(label, value);
                secrets._values[(Path.GetFullPath(playbook.Path), name)] = (label, value);
            }
        }
        return (secrets, errors);
    }

    private static IEnumerable<CompiledPlaybook> CallTree(CompiledPlaybook root, Func<CompiledPlaybook, string, CompiledPlaybook?> resolveCallee)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { Path.GetFullPath(root.Path) };
        var queue = new Queue<CompiledPlaybook>([root]);
        while (queue.TryDequeue(out var caller))
        {
            yield return caller;
            foreach (var target in caller.ByName.Values.Select(s => s.Action?.CallTarget).OfType<string>())
            {
                if (resolveCallee(caller, target) is { } callee && seen.Add(Path.GetFullPath(callee.Path))) queue.Enqueue(callee);
            }
        }
    }

    private static async Task<(string? Value, string? Problem)> ReadSourceAsync(CompiledPlaybook playbook, SecretSourceSyntax source, Redactor redactor,
        TimeSpan limit, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(playbook.Path))!;
        var text = source.Value.Template;
        if (source.IsFile)
        {
            var path = Path.GetFullPath(text, folder);
            try
            {
                var value = WithoutLineBreak(await ReadSmallFileAsync(path, cancellationToken).ConfigureAwait(false));
                return value.Length == 0 ? (null, $"the file '{path}' is empty") : (value, null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                return (null, $"cannot read the file '{path}': {e.Message}");
            }
        }
        var result = await ShellRunner.RunAsync(new ShellScript(text, new Dictionary<string, string>()), folder, limit, null, cancellationToken).ConfigureAwait(false);
        var said = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        var stderr = said is null ? "" : ": " + redactor.RedactAndCut(said, 200);
        if (result.TimedOut) return (null, $"the command `{text}` did not finish within {Text.DurationText.Format(limit)} and was stopped");
        if (result.ExitCode != 0) return (null, $"the command `{text}` failed with exit code {result.ExitCode}{stderr}");
        if (result.OutputTruncated) return (null, $"the command `{text}` printed more than {ShellRunner.MaxOutputBytes} bytes: that is not a secret");
        var printed = WithoutLineBreak(result.Stdout);
        return printed.Length == 0 ? (null, $"the command `{text}` printed nothing{stderr}") : (printed, null);
    }

    private static async Task<string> ReadSmallFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        var buffer = new byte[MaxFileBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0) total += read;
        if (total > MaxFileBytes) throw new InvalidDataException($"it holds more than {MaxFileBytes / 1024} KiB: that is not a secret");
        var text = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true);
        try
        {
            return text.GetString(buffer, 0, total);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new InvalidDataException("it is not UTF-8 text");
        }
    }

    private static string WithoutLineBreak(string text) =>
        text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
}
