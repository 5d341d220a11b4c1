using Playbook.Checking.Rules;
using Playbook.Compiling;
using Playbook.Formatting;
using Playbook.Parsing;
using Playbook.Syntax;
using Xunit;

namespace Playbook.Tests.Locks;

/// <summary><c>lock "…"</c> in the language: parsed with its span, checked (inputs only, one per playbook, a bounded
/// name), compiled to a template, kept by <c>playbook fmt</c>, offered by completion.</summary>
public class LockLanguageTests
{
    private static string Playbook(string lockLine, string more = "") => $$"""
        playbook failover {
          input region: string = "eu"
          secret token
          let cell = "${region}-1"
        {{more}}
          {{lockLine}}

          step promote "Promote" {
            shell "promote ${region}"
            capture primary = `stdout`
            on ok   -> done
            on fail -> lost
          }

          end done success "Done"
          end lost failure "Lost"
        }

        """;

    private static List<string> Check(string text) =>
        PlaybookDocument.FromText("failover.playbook", text).Check()
            .Select(d => $"{d.Start}: {d.Id} {d.Message}")
            .ToList();

    [Fact]
    public void A_lock_parses_with_its_keyword_name_and_span()
    {
        var text = Playbook("lock \"failover-${region}\"");
        var parse = PlaybookDocument.FromText("failover.playbook", text).Parse!;
        var found = Assert.Single(parse.Syntax!.Members.OfType<LockSyntax>());
        Assert.Equal("lock \"failover-${region}\"", text.Substring(found.Span.Start, found.Span.Length));
        Assert.Equal("failover-${region}", found.Name.Template);
        Assert.Equal("region", Assert.Single(found.Name.Holes).Code);
    }

    [Fact]
    public void A_lock_of_inputs_is_valid_and_compiles_to_its_template()
    {
        var document = PlaybookDocument.FromText("failover.playbook", Playbook("lock \"failover-${region.toUpperCase()}\""));
        Assert.DoesNotContain(document.Check(), d => d.Severity == Diagnostics.Severity.Error);
        var compiled = PlaybookCompiler.Compile(document.Model!);
        Assert.NotNull(compiled.Lock);
        Assert.Equal("failover-", compiled.Lock!.Parts[0]);
        Assert.Equal("region.toUpperCase()", Assert.IsType<CompiledExpression>(compiled.Lock.Parts[1]).Code);
        Assert.Null(PlaybookCompiler.Compile(PlaybookDocument.FromText("f.playbook", Playbook("")).Model!).Lock);
    }

    [Theory]
    [InlineData("${cell}", "'cell', which is a let")]
    [InlineData("${token}", "'token', which is a secret")]
    [InlineData("${primary}", "'primary', which is a capture (of 'promote')")]
    [InlineData("${run.id}", "'run', which is the run's own values")]
    [InlineData("${stdout}", "'stdout', which is a step's result")]
    public void A_lock_that_reads_anything_but_an_input_is_PB2021_at_that_name(string hole, string what)
    {
        var text = Playbook($"lock \"failover-{hole}\"");
        var found = Assert.Single(Check(text), d => d.Contains("PB2021", StringComparison.Ordinal));
        var column = text.Split('\n')[5].IndexOf(hole, StringComparison.Ordinal) + 3;
        Assert.StartsWith($"6:{column}: PB2021 the lock reads {what}: a lock is taken before anything runs", found);
    }

    [Fact]
    public void A_typo_in_a_lock_is_an_unknown_name_with_the_input_suggested()
    {
        var found = Check(Playbook("lock \"failover-${regon}\""));
        Assert.Contains(found, d => d.Contains("PB1004 'regon'", StringComparison.Ordinal));
        var diagnostic = PlaybookDocument.FromText("f.playbook", Playbook("lock \"failover-${regon}\"")).Check().Single(d => d.Id == "PB1004");
        Assert.Contains("did you mean 'region'?", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_lock_is_a_duplicate_setting()
    {
        var found = Check(Playbook("lock \"failover-${region}\"", more: "  lock \"db\""));
        Assert.Contains(found, d => d.StartsWith("6:3: PB1012", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("lock \"\"", "the lock's name is empty")]
    [InlineData("lock \"  \"", "the lock's name is empty")]
    [InlineData("lock \"a\\tb\"", "control character")]
    public void A_lock_name_must_be_a_name(string line, string message)
    {
        Assert.Contains(Check(Playbook(line)), d => d.Contains("PB2021", StringComparison.Ordinal) && d.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_lock_name_longer_than_the_limit_is_refused_and_one_at_the_limit_is_not()
    {
        Assert.DoesNotContain(Check(Playbook($"lock \"{new string('a', LockCheck.MaxLength)}\"")), d => d.Contains("PB2021", StringComparison.Ordinal));
        Assert.Contains(Check(Playbook($"lock \"{new string('a', LockCheck.MaxLength + 1)}\"")),
            d => d.Contains($"PB2021 the lock's name is {LockCheck.MaxLength + 1} characters long", StringComparison.Ordinal));
    }

    [Fact]
    public void Fmt_keeps_the_lock_and_formats_once()
    {
        var messy = Playbook("lock     \"failover-${region}\"   ");
        var formatted = PlaybookFormatter.Format(messy, "failover.playbook");
        Assert.True(formatted.Succeeded);
        Assert.Contains("\n  lock \"failover-${region}\"\n", formatted.Text, StringComparison.Ordinal);
        Assert.False(PlaybookFormatter.Format(formatted.Text!, "failover.playbook").Changed);
    }

    [Fact]
    public void Editors_complete_lock_at_the_top_of_a_playbook_only()
    {
        Assert.Contains("lock", LanguageFacts.StatementKeywords(null));
        Assert.DoesNotContain("lock", LanguageFacts.StatementKeywords(new StepSyntax(null!, null!, null, default, default)));
    }
}
