using Playbook.Expressions;

namespace Playbook.Cli;

/// <summary>Compiles the JavaScript expressions' parser on a spare core while the main thread starts the command line
/// and parses the playbook: a cold <c>validate</c> (what CI waits for on every push) otherwise compiles it on the main
/// thread, after everything else.</summary>
/// <remarks>Why only that parser: Acornima marks its parser's methods <c>AggressiveOptimization</c>, which ReadyToRun
/// never precompiles, so every start compiles them, fully optimised — the largest single share of a cold validate's
/// JIT time (tools/Playbook.Benchmarks/README.md). Analysing a few expressions on another thread at start compiles them
/// before the main thread needs them (a thread that reaches a method being compiled waits for it; nothing is compiled
/// twice). Warming the whole checker the same way was measured too and was slower: the main thread then waits on the
/// helper for code it is about to compile itself. With one core there is nothing spare, so nothing is done. The
/// analysis loads only Acornima, which a validate of a JavaScript playbook loads anyway (Cli/LazyLoadingTests), and
/// what it finds goes nowhere.</remarks>
internal static class StartupWarmUp
{
    public static void Start(string[] args)
    {
        if (Environment.ProcessorCount < 2 || args.Length == 0 || args[0] is not ("validate" or "test" or "simulate" or "graph")) return;
        // A thread of its own, not a thread-pool item: the first item queued costs the main thread ~7 ms to start the
        // pool, which a validate never uses otherwise. Background, so it never holds the process open.
        new Thread(AnalyseQuietly) { IsBackground = true, Name = "warm-up" }.Start();
    }

    /// <summary>Expressions with the syntax the shipped playbooks use (members, calls, indexing, comparisons, regular
    /// expressions, template literals, arrow functions, <c>?.</c> and <c>??</c>); each is valid (CliWarmUpTests), so
    /// the parser runs to the end of each.</summary>
    internal static readonly string[] Expressions =
    [
        "response.status == 200 && body.items[0].name != 'x' || !(errors > limit)",
        "/^5\\d\\d$/.test(String(status)) ? `retry ${service}` : (reason ?? 'none')",
        "items.filter(i => i.state?.ready === true).map((i) => i.id).length >= 2",
    ];

    private static void AnalyseQuietly()
    {
        try
        {
            foreach (var expression in Expressions) JavaScriptAnalyzer.Analyze(expression);
        }
        catch
        {
            // Nothing the user asked for depends on it, and an exception left on any thread would end the process.
        }
    }
}
