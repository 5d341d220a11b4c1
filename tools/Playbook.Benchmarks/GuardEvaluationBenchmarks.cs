using BenchmarkDotNet.Attributes;
using Jint;
using Playbook.Compiling;
using Playbook.EngineCore;

namespace Playbook.Benchmarks;

/// <summary>JavaScript guard evaluations per second through the run's expression runtime (Jint engine
/// reused, script prepared once, limits on: time, statements, memory, recursion), next to the same
/// prepared script evaluated on a bare Jint engine with no limits and values set once. Goal: at least
/// 2.5 million evaluations per second.</summary>
[MemoryDiagnoser]
public class GuardEvaluationBenchmarks
{
    private const int Evaluations = 10_000;
    private CompiledExpression _guard = null!;
    private RunScope _scope = null!;
    private ExpressionRuntime _runtime = null!;
    private Engine _bare = null!;
    private Prepared<Acornima.Ast.Script> _barePrepared;

    [GlobalSetup]
    public void Setup()
    {
        var doc = PlaybookDocument.FromText("guard.playbook", """
            playbook guard {
              input max_errors : int = 100
              step tail { shell "x" timeout 1m capture errors = `stdout.length` -> choose  on fail -> done }
              decide choose { when `errors > max_errors && errors % 2 == 0` -> done  else -> done }
              end done success
            }
            """);
        var playbook = PlaybookCompiler.Compile(doc.Model!);
        _guard = playbook.ByName["choose"].TransitionsFor("decide")[0].Guard!;
        _runtime = new ExpressionRuntime(playbook);
        _scope = new RunScope(_runtime);
        _scope.Set("max_errors", 100L);
        _scope.Capture("errors", 250L);

        _bare = new Engine();
        _bare.SetValue("max_errors", 100L);
        _bare.SetValue("errors", 250L);
        _barePrepared = Engine.PrepareScript("(" + _guard.Code + "\n)");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Evaluations)]
    public bool BareJint()
    {
        var result = false;
        for (var i = 0; i < Evaluations; i++) result ^= _bare.Evaluate(_barePrepared).AsBoolean();
        return result;
    }

    [Benchmark(OperationsPerInvoke = Evaluations)]
    public bool PlaybookGuard()
    {
        var result = false;
        for (var i = 0; i < Evaluations; i++) result ^= _scope.Test(_guard);
        return result;
    }
}
