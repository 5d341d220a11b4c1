using System.Text;
using Playbook.Fuzz;
using Xunit;

namespace Playbook.Tests.Fuzz;

/// <summary>A playbook switched to C# whose code is JavaScript gives Roslyn errors and unknown names in
/// every expression; checking it must stay within the fuzz bound (2 s per MiB plus an allowance), not grow
/// with the number of distinct unknown names.</summary>
public sealed class CSharpErrorsScaleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("playbook-cs-errors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] s_javaScript =
    {
        "Number(r{0}.json.data[0].error_pct)",
        "out{0}.split('\\n').filter(l => /D1_ERROR|SQLITE_/.test(l)).length",
        "JSON.parse(body{0}).items.map(i => i.name).join(', ')",
        "typeof x{0} === 'undefined' ? null : x{0}",
        "new Date().getTime() - start{0} > 60000",
    };

    [Fact]
    public void A_csharp_playbook_of_hundreds_of_javascript_expressions_checks_within_the_fuzz_bound()
    {
        const int Expressions = 1_500;
        var text = new StringBuilder("playbook js-as-cs {\n  expressions csharp\n  input s : string = \"a\"\n");
        for (var i = 0; i < Expressions; i++)
        {
            text.Append("  let v").Append(i).Append(" = `").Append(string.Format(System.Globalization.CultureInfo.InvariantCulture, s_javaScript[i % s_javaScript.Length], i)).Append("`\n");
        }
        text.Append("  step a {\n    run shell \"true\" timeout 1m\n  }\n  end done\n}\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        Assert.InRange(bytes.Length, 50_000, 100_000);
        var path = Path.Combine(_dir, "js-as-cs.playbook");
        File.WriteAllBytes(path, bytes);

        var outcome = CheckedWithinTheFuzzBound(path, bytes.Length);
        var diagnostics = FuzzPipeline.Diagnostics(path);
        Assert.True(diagnostics.Count(d => d.Contains("PB3002", StringComparison.Ordinal)) >= Expressions / 5 * 3, "every C# error is still reported");
        // Two of the five shapes name unknowns alone (the regex literal and "===" stop at the parser).
        var unknown = diagnostics.Count(d => d.Contains("PB1004", StringComparison.Ordinal));
        Assert.True(unknown >= Expressions / 5 * 2, $"{unknown} unknown names reported: {string.Join(" | ", diagnostics.Take(12))}");
    }

    /// <summary>Fuzz mutant 108 (seed 1) in small: a C# playbook of tens of thousands of lets, each reading a
    /// name of its own that does not exist. It took 7.5 s of CPU per MiB (every let a Roslyn method, every
    /// let a field, every name bound twice); expressions of one shape are now compiled once.</summary>
    [Fact]
    public void A_csharp_playbook_of_60_000_distinct_unknown_names_checks_within_the_fuzz_bound()
    {
        const int Lets = 60_000;
        var text = new StringBuilder("playbook many-unknowns {\n  expressions csharp\n");
        for (var i = 0; i < Lets; i++) text.Append("  let v").Append(i).Append(" = `w").Append(i).Append("`\n");
        text.Append("  step a {\n    shell \"true\"\n    timeout 1m\n    on ok -> done\n    on fail -> done\n  }\n  end done success \"ok\"\n}\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var path = Path.Combine(_dir, "many-unknowns.playbook");
        File.WriteAllBytes(path, bytes);

        var outcome = CheckedWithinTheFuzzBound(path, bytes.Length);
        // Each let still reports its own unknown name, on its own line.
        var unknown = outcome.Diagnostics.Where(d => d.Contains(" PB1004 ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Lets, unknown.Count);
        Assert.Contains(unknown, d => d.StartsWith("3:13 PB1004", StringComparison.Ordinal) && d.Contains("'w0'", StringComparison.Ordinal));
        Assert.Contains(unknown, d => d.StartsWith($"{Lets + 2}:", StringComparison.Ordinal) && d.Contains($"'w{Lets - 1}'", StringComparison.Ordinal));
    }

    /// <summary>Checks <paramref name="path"/> as the fuzz tool does (Roslyn loaded and JITted by a first run)
    /// and asserts it answered, without failing, within the fuzz tool's bound for its size.</summary>
    private static PipelineOutcome CheckedWithinTheFuzzBound(string path, int bytes)
    {
        var allowed = FuzzPipeline.Allowed(bytes, TimeSpan.FromSeconds(8));
        FuzzPipeline.Run(path, TimeSpan.FromMinutes(2));
        var outcome = FuzzPipeline.Run(path, allowed);

        Assert.False(outcome.TimedOut, $"no answer in {allowed.TotalSeconds:0.0} s");
        Assert.Null(outcome.Failure);
        Assert.True(outcome.Elapsed <= allowed, $"took {outcome.Elapsed.TotalSeconds:0.00} s, allowed {allowed.TotalSeconds:0.00} s");
        return outcome;
    }
}
