using BenchmarkDotNet.Attributes;

namespace Playbook.Benchmarks;

/// <summary>Parse + check of generated playbooks of growing size: shows whether the cost per line stays
/// flat (linear) or grows. Not part of the 10 000-line goal; run it with --filter '*Scaling*'.</summary>
[MemoryDiagnoser]
public class ScalingBenchmarks
{
    private string _path = "";
    private string _text = "";

    [Params(1_000, 2_500, 5_000, 10_000, 20_000)]
    public int Lines { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _text = PlaybookGenerator.Generate(Lines);
        _path = Path.Combine(Path.GetTempPath(), PlaybookGenerator.FileName);
    }

    [Benchmark]
    public int ParseAndCheck() => PlaybookDocument.FromText(_path, _text).Check().Count;
}
