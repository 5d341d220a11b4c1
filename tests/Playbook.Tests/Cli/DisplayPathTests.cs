using Playbook.Cli.Output;
using Playbook.Diagnostics;
using Playbook.Text;
using Xunit;

namespace Playbook.Tests.Cli;

/// <summary>A file name holding a line break (or another control character) must not split a
/// <c>FILE:LINE:COL:</c> line: it is printed escaped, in the text format and in <c>Diagnostic.ToString</c>.</summary>
public sealed class DisplayPathTests
{
    [Fact]
    public void Control_characters_in_a_file_name_are_escaped()
    {
        Assert.Equal(@"evil\nx.playbook:1:1: error PB0001: fake", DisplayPath.Escape("evil\nx.playbook") + ":1:1: error PB0001: fake");
        Assert.Equal(@"a\r\nb\tc\u{1B}d.playbook", DisplayPath.Escape("a\r\nb\tc\u001Bd.playbook"));
        Assert.Equal(@"dir\\a\nb", DisplayPath.Escape("dir\\a\nb"));
        Assert.Equal("plain/dir\\name.playbook", DisplayPath.Escape("plain/dir\\name.playbook"));
    }

    [Fact]
    public void A_diagnostic_in_a_file_named_with_a_line_break_stays_on_its_line()
    {
        var source = new SourceFile("ops\n/tmp/x.playbook:9:9: error PB9999: forged.playbook", "playbook p {\n  step a { -> b }\n}\n");
        var diagnostic = DiagnosticCatalog.UnknownTarget.Create(source, new TextSpan(27, 1), "b", "b", "start");
        var text = new TextFormatter(color: false).Format(diagnostic);
        var header = text.Split('\n')[0];
        Assert.StartsWith(@"ops\n/tmp/x.playbook:9:9: error PB9999: forged.playbook:2:15: error PB1001:", header);
        Assert.DoesNotContain("\nops", text);
        Assert.Equal(1, text.Split('\n').Count(l => l.Contains("error PB", StringComparison.Ordinal)));
        Assert.StartsWith(@"ops\n/tmp", diagnostic.ToString());
        Assert.DoesNotContain('\n', diagnostic.ToString());
    }
}
