using Playbook.Expressions;
using Xunit;

namespace Playbook.Tests.Cli;

/// <summary>The expressions the CLI parses on a spare core at start (Cli/StartupWarmUp.cs) are valid JavaScript: one
/// with a syntax error would stop the parser at its first token and leave most of it for the main thread to compile.</summary>
public class CliWarmUpTests
{
    [Fact]
    public void Every_warm_up_expression_parses_to_its_end()
    {
        foreach (var expression in Playbook.Cli.StartupWarmUp.Expressions)
        {
            var analysis = JavaScriptAnalyzer.Analyze(expression);
            Assert.True(analysis.Issues.Count == 0, $"{expression}: {string.Join("; ", analysis.Issues.Select(i => i.Message))}");
            Assert.NotEmpty(analysis.FreeNames);
        }
    }
}
