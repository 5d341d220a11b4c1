using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Playbook.Parsing;
using Playbook.Text;

namespace Playbook.Benchmarks;

/// <summary>Every playbooks/*.playbook of the repository (globbed at run time), texts read once: parse,
/// parse + check (calls resolve beside the real path, so a callee is read from disk), and a whole
/// <c>PlaybookValidator.Validate</c> from disk, next to decoding the same bytes and System.Text.Json on
/// one JSON document per playbook of the same size (the baseline).</summary>
[MemoryDiagnoser]
public class LibraryBenchmarks
{
    private IReadOnlyList<string> _paths = Array.Empty<string>();
    private string[] _texts = Array.Empty<string>();
    private byte[][] _bytes = Array.Empty<byte[]>();
    private byte[][] _json = Array.Empty<byte[]>();

    [GlobalSetup]
    public void Setup()
    {
        _paths = Corpus.LibraryPlaybooks();
        _bytes = _paths.Select(File.ReadAllBytes).ToArray();
        _texts = _bytes.Select(b => Encoding.UTF8.GetString(b)).ToArray();
        _json = _bytes.Select(b => Corpus.Json(b.Length)).ToArray();
        Console.WriteLine($"// {_paths.Count} playbooks, {_texts.Sum(PlaybookGenerator.CountLines)} lines, {_bytes.Sum(b => b.Length)} bytes; JSON: {_json.Sum(j => j.Length)} bytes");
    }

    [Benchmark]
    public int Parse()
    {
        var n = 0;
        for (var i = 0; i < _texts.Length; i++) n += PlaybookParser.Parse(new SourceFile(_paths[i], _texts[i])).Diagnostics.Count;
        return n;
    }

    [Benchmark]
    public int ParseAndCheck()
    {
        var n = 0;
        for (var i = 0; i < _texts.Length; i++) n += PlaybookDocument.FromText(_paths[i], _texts[i]).Check().Count;
        return n;
    }

    /// <summary>What <c>playbook validate playbooks/</c> does in-process: read every file, parse each once.</summary>
    [Benchmark]
    public int ValidateFromDisk() => PlaybookValidator.Validate(_paths).WarningCount;

    [Benchmark]
    public int ReadSameBytes()
    {
        var n = 0;
        foreach (var b in _bytes) n += Corpus.DecodeAndChecksum(b);
        return n;
    }

    [Benchmark(Baseline = true)]
    public int SystemTextJsonSameSize()
    {
        var n = 0;
        foreach (var j in _json)
        {
            using var doc = JsonDocument.Parse(j);
            n += doc.RootElement.GetArrayLength();
        }
        return n;
    }
}
