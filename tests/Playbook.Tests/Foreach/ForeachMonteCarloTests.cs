using Playbook.EngineCore;
using Playbook.Simulation;
using Playbook.Tests.EngineCore;
using Xunit;

namespace Playbook.Tests.Foreach;

/// <summary><c>simulate { items A..B }</c>: Monte Carlo draws each run's item count from the hint.</summary>
public class ForeachMonteCarloTests
{
    private const string Body = """
          input ids : list = ["a"]
          foreach move-all {
            each id in `ids`
            max 10
            simulate { items 2..6 }
            step move { exec ["echo", "${id}"] timeout 10s  simulate { duration 5s..5s } }
            on ok -> done
          }
          end done success "Done"
        """;

    [Fact]
    public async Task Monte_Carlo_draws_the_item_count_from_the_hint_the_same_on_any_core_count()
    {
        var playbook = EngineTestKit.Compile(Body);
        var (values, errors) = RunParameters.Bind(playbook, new Dictionary<string, string>(), Simulator.PlaceholderSecret);
        Assert.Empty(errors);
        var simulator = new Simulator(playbook, (_, _) => null);
        var one = await simulator.MonteCarloAsync(300, 7, values, workers: 1);
        var two = await simulator.MonteCarloAsync(300, 7, values, workers: 2);
        // One item at a time, 5 s each: every run takes 5 s × its drawn count, and every count 2..6 is drawn.
        var seconds = one.SortedTimes.Select(t => (int)t.TotalSeconds).Distinct().Order().ToList();
        Assert.Equal(new[] { 10, 15, 20, 25, 30 }, seconds);
        Assert.Equal(one.SortedTimes, two.SortedTimes);
    }

    [Fact]
    public async Task A_single_dry_run_walks_the_list_it_sees_not_the_hint()
    {
        var run = await EngineTestKit.Run(Body);
        Assert.Equal(TimeSpan.FromSeconds(5), run.Elapsed);
    }
}
