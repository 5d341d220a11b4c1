using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.Simulation;
using Playbook.Simulation.Scenarios;
using Xunit;
using static Playbook.Tests.EngineCore.EngineTestKit;

namespace Playbook.Tests.EngineCore;

/// <summary>An expression engine gets only the names its expressions read, and a constant let is one value per
/// playbook: a playbook of thousands of lets whose guards read two of them costs a handful of values per run, in
/// <c>simulate --runs</c> and in every scenario of <c>test</c> (a fuzzed playbook of 100 000 lets took 10 s of CPU
/// for 200 runs, loading every let into every run and every scenario's fresh engine).</summary>
public class LazyRunValueTests
{
    private const int Lets = 3_000;

    // The guard reads two constant lets and a let computed from a third and the input; every other let is never read.
    private static string Body(string language) =>
        $"expressions {language}\ninput n : int = 3\n"
        + string.Concat(Enumerable.Range(0, Lets).Select(i => $"let v{i} = {i}\n"))
        + "let w = `v1 + n`\n"
        + """
          step probe { shell "probe" timeout 1m  on ok -> check  on fail -> failed }
          decide check {
            when `v17 == 17 && v2999 == 2999 && w == n + 1` -> done
            else -> failed
          }
          end done success
          end failed failure
          """;

    [Theory]
    [InlineData("javascript")]
    [InlineData("csharp")]
    public async Task Simulate_runs_load_the_names_the_guards_read_not_every_let(string language)
    {
        const int Runs = 200;
        var playbook = Compile(Body(language), "lets" + language);
        var (values, errors) = RunParameters.Bind(playbook, new Dictionary<string, string>(), Simulator.PlaceholderSecret);
        Assert.Empty(errors);
        var result = await new Simulator(playbook, (_, _) => null).MonteCarloAsync(Runs, seed: 1, values, workers: 2);
        // The guard read the right values in every run (a let not loaded, or a stale one, would end at failed).
        Assert.Equal(Runs, result.Ends.GetValueOrDefault("done"));
        // Each engine loads v17, v2999, v1, n and w once (w is set again by every run but to the same value):
        // loading every let once per engine alone would be 6 000.
        var loaded = ExpressionReads.ValuesLoaded(playbook);
        Assert.InRange(loaded, 5, 2 * 5 + 10);
    }

    [Theory]
    [InlineData("javascript")]
    [InlineData("csharp")]
    public async Task Test_scenarios_each_load_the_names_the_guards_read_not_every_let(string language)
    {
        const int Scenarios = 4;
        var folder = Path.Combine(Path.GetTempPath(), "playbook-lazy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "many.playbook"), "playbook many {\n" + Body(language) + "\n}\n");
            // Half the scenarios reach the guard (each with its own n), half fail the probe and never evaluate it.
            var scenarios = "playbook: many.playbook\nscenarios:\n"
                + string.Concat(Enumerable.Range(0, Scenarios).Select(i => i % 2 == 0
                    ? $"  - name: ok {i}\n    inputs: {{ n: {i + 3} }}\n    expect: {{ end: done, path: [probe, check, done] }}\n"
                    : $"  - name: probe fails {i}\n    inputs: {{ n: {i + 3} }}\n    steps: {{ probe: {{ outcome: fail }} }}\n    expect: {{ end: failed, path: [probe, failed] }}\n"));
            var path = Path.Combine(folder, "many" + ScenarioSession.Extension);
            File.WriteAllText(path, scenarios);
            var session = new ScenarioSession();
            var file = session.Load(path);
            Assert.Empty(file.Diagnostics);
            foreach (var scenario in file.Scenarios)
            {
                var run = await session.RunAsync(file, scenario);
                Assert.True(run.Passed, run.Error + string.Join("; ", run.Mismatches));
            }
            // Each scenario's fresh engine loads what its run reads: v1 and n for the let w, then, when the probe
            // succeeds, w, v17 and v2999 for the guard. Loading every let per scenario would be 12 000.
            Assert.InRange(ExpressionReads.ValuesLoaded(file.Playbook!), Scenarios * 3, Scenarios * 5 + 4);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_guard_that_reads_globals_by_computed_name_still_reads_every_let()
    {
        // globalThis[k] can read any global: such an expression gets every value, as before.
        var body = Body("javascript").Replace("v17 == 17 && v2999 == 2999", "globalThis['v' + (n * 500)] === 1500 && v2999 == 2999");
        var first = await Run(Compile(body, "lazyglobal"));
        Assert.Equal("done", first.End);
        var other = Compile(body.Replace("=== 1500", "=== 1501"), "lazyglobal2");
        Assert.Equal("failed", (await Run(other)).End);
        Assert.True(ExpressionReads.ValuesLoaded(other) > Lets, "the computed name must see every let");
    }
}
