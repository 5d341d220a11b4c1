using Playbook.CrashTest;

// dotnet run -c Release --project tools/Playbook.CrashTest -- --kills 1000 [--seed S] [--keep]
//   [--store postgres|postgres://USER@HOST:PORT/DB] [--lease 2s] [--restart-every 100] [--minutes M]
// Kills real runs at random moments and resumes them until that many kills happened; exits 1 on any violation.
// With --store, the runs are kept in PostgreSQL and resumed from another simulated host each time (StoreCrashHarness);
// --store postgres starts a throw-away server of its own (which it can also restart).
var kills = 1000;
var seed = Random.Shared.Next();
var keep = false;
string? store = null;
var lease = "2s";
var restartEvery = 100;
TimeSpan? budget = null;
const string Usage = "usage: Playbook.CrashTest [--kills N] [--seed S] [--keep] [--store postgres|postgres://USER@HOST[:PORT]/DB] [--lease D] [--restart-every N] [--minutes M]";
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--kills" when i + 1 < args.Length && int.TryParse(args[i + 1], out var k) && k > 0:
            kills = k;
            i++;
            break;
        case "--seed" when i + 1 < args.Length && int.TryParse(args[i + 1], out var s):
            seed = s;
            i++;
            break;
        case "--keep":
            keep = true;
            break;
        case "--store" when i + 1 < args.Length:
            store = args[++i];
            break;
        case "--lease" when i + 1 < args.Length && Playbook.Text.DurationText.TryParse(args[i + 1], out _):
            lease = args[++i];
            break;
        case "--minutes" when i + 1 < args.Length && int.TryParse(args[i + 1], out var m) && m > 0:
            budget = TimeSpan.FromMinutes(m);
            i++;
            break;
        case "--restart-every" when i + 1 < args.Length && int.TryParse(args[i + 1], out var r) && r > 0:
            restartEvery = r;
            i++;
            break;
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}

var dll = Path.Combine(AppContext.BaseDirectory, "playbook.dll");
if (store is not null) return await StoreCrash.RunAsync(dll, store, lease, kills, seed, restartEvery, budget, keep);

var harness = new CrashHarness(new CrashOptions
{
    PlaybookDll = dll,
    Kills = kills,
    Seed = seed,
    Log = Console.WriteLine,
});
var summary = await harness.RunAsync();
Console.WriteLine();
Console.WriteLine($"seed {seed}: {summary.Kills} kills over {summary.Runs} runs ({summary.Resumes} resumes), {summary.RunsCompleted} runs completed, " +
                  $"violations={summary.Violations.Count}, {summary.Elapsed.TotalSeconds:0.0} s (an uninterrupted run takes {summary.UninterruptedRun.TotalMilliseconds:0} ms)");
Console.WriteLine($"kills that left a shell step running: {summary.KillsInShellSteps}; orphans waited for by a resume: {summary.OrphansWaited}, " +
                  $"killed by a resume: {summary.OrphansKilled}, left to end before the resume: {summary.OrphansEnded}");
foreach (var v in summary.Violations) Console.WriteLine("violation: " + v);
// Kept when something went wrong: the ledgers and journals are the evidence.
if (keep || summary.Violations.Count > 0) Console.WriteLine($"runs and journals kept in {summary.WorkDirectory}");
else Directory.Delete(summary.WorkDirectory, recursive: true);
return summary.Violations.Count == 0 ? 0 : 1;
