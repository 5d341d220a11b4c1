using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Playbook.Parsing;
using Playbook.Text;

namespace Playbook.Benchmarks;

/// <summary>Parse and parse + check of the generated 10 000-line playbook, next to decoding the same bytes
/// and System.Text.Json parsing a JSON document of the same size (the baseline for the ratios).</summary>
[MemoryDiagnoser]
// Measured with the garbage collector the playbook CLI runs with (System.GC.Concurrent=false in its project).
[GcConcurrent(false)]
// On a shared machine the mean carries other tenants' noise (even the fixed work of Parse spikes): show the spread.
[MinColumn, MedianColumn, MaxColumn]
public class ParseCheckLargeBenchmarks
{
    private string _path = "";
    private string _text = "";
    private byte[] _bytes = Array.Empty<byte>();
    private byte[] _json = Array.Empty<byte>();

    [Params(10_000)]
    public int Lines { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _text = PlaybookGenerator.Generate(Lines);
        _bytes = Encoding.UTF8.GetBytes(_text);
        _json = Corpus.Json(_bytes.Length);
        // Not on disk: the generated playbook calls nothing, so nothing is resolved beside it.
        _path = Path.Combine(Path.GetTempPath(), PlaybookGenerator.FileName);
        Console.WriteLine($"// playbook: {PlaybookGenerator.CountLines(_text)} lines, {_bytes.Length} bytes; JSON: {_json.Length} bytes");
    }

    [Benchmark]
    public object Parse() => PlaybookParser.Parse(new SourceFile(_path, _text));

    [Benchmark]
    public int ParseAndCheck() => PlaybookDocument.FromText(_path, _text).Check().Count;

    [Benchmark]
    public int ReadSameBytes() => Corpus.DecodeAndChecksum(_bytes);

    [Benchmark(Baseline = true)]
    public int SystemTextJsonSameSize()
    {
        using var doc = JsonDocument.Parse(_json);
        return doc.RootElement.GetArrayLength();
    }
}
