using Playbook.Checking;
using Playbook.Semantics;
using Playbook.Timing;

namespace Playbook;

/// <summary>The playbooks of one validate (or run): each file is read and parsed once, however many
/// other playbooks call it, and <c>call NAME</c> resolves to NAME.playbook beside the caller.</summary>
public sealed class PlaybookWorkspace : IPlaybookResolver
{
    private readonly Dictionary<string, PlaybookDocument> _documents = new(StringComparer.Ordinal);
    private readonly HashSet<string> _worstCaseInProgress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeBound> _worstCases = new(StringComparer.Ordinal);

    /// <summary>Loads (or returns the already loaded) document at <paramref name="path"/>.</summary>
    public PlaybookDocument Load(string path)
    {
        var key = Path.GetFullPath(path);
        if (_documents.TryGetValue(key, out var doc)) return doc;
        doc = PlaybookDocument.Read(path, this);
        _documents[key] = doc;
        return doc;
    }

    public PlaybookModel? Resolve(PlaybookModel caller, string name, out string expectedPath)
    {
        var directory = Path.GetDirectoryName(caller.Source.Path) ?? "";
        expectedPath = Path.Combine(directory, name + ".playbook");
        if (!File.Exists(expectedPath)) return null;
        return Load(expectedPath).Model;
    }

    public TimeBound WorstCase(PlaybookModel caller, string name)
    {
        var callee = Resolve(caller, name, out var path);
        if (callee is null) return TimeBound.Unbounded($"playbook '{name}' was not found");
        var key = Path.GetFullPath(path);
        if (_worstCases.TryGetValue(key, out var known)) return known;
        if (!_worstCaseInProgress.Add(key)) return TimeBound.Unbounded($"playbook '{name}' calls itself");
        try
        {
            var worst = WorstCaseAnalysis.Analyze(callee, n => WorstCase(callee, n))
                .Select(w => w.Total)
                .Aggregate(TimeBound.Zero, TimeBound.Max);
            return _worstCases[key] = worst;
        }
        finally
        {
            _worstCaseInProgress.Remove(key);
        }
    }
}
