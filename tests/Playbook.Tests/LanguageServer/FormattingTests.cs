using Playbook.Formatting;
using Xunit;

namespace Playbook.Tests.LanguageServer;

/// <summary>textDocument/formatting gives the editor exactly what <c>playbook fmt</c> writes, and leaves a
/// document that does not parse (or is already formatted) alone.</summary>
public sealed class FormattingTests
{
    private const string Uri = "file:///tmp/lsp-format/messy.playbook";

    private const string Messy = "playbook messy {\n      rto 5m\n  step a \"A\" {\n shell \"true\"\n timeout 5s\n on ok -> done\n      on fail -> failed\n  }\n end done success \"ok\"\n   end failed failure \"no\"\n}\n";

    private static object Params(string uri) => new { textDocument = new { uri }, options = new { tabSize = 4, insertSpaces = true } };

    [Fact]
    public async Task A_messy_document_gets_one_edit_whose_text_is_what_fmt_writes()
    {
        await using var client = new LspTestClient();
        var capabilities = (await client.InitializeAsync())["capabilities"]!;
        Assert.True((bool)capabilities["documentFormattingProvider"]!);
        await client.OpenAsync(Uri, Messy);
        await client.NextDiagnosticsAsync(Uri);

        var edits = (await client.RequestAsync("textDocument/formatting", Params(Uri)))!.AsArray();

        var edit = Assert.Single(edits)!;
        var expected = PlaybookFormatter.Format(Messy).Text;
        Assert.NotNull(expected);
        Assert.NotEqual(Messy, expected);
        Assert.Equal(expected, (string)edit["newText"]!);
        Assert.Equal(0, (int)edit["range"]!["start"]!["line"]!);
        Assert.Equal(11, (int)edit["range"]!["end"]!["line"]!);
        Assert.Equal(0, (int)edit["range"]!["end"]!["character"]!);

        // Formatting what the editor now holds asks for nothing more.
        await client.ChangeAsync(Uri, expected!, 2);
        await client.NextDiagnosticsAsync(Uri);
        Assert.Empty((await client.RequestAsync("textDocument/formatting", Params(Uri)))!.AsArray());
    }

    [Fact]
    public async Task A_document_with_a_syntax_error_is_left_alone()
    {
        await using var client = new LspTestClient();
        await client.InitializeAsync();
        var broken = Messy.Replace("on ok -> done", "on ok -> ");
        await client.OpenAsync(Uri, broken);
        var diagnostics = await client.NextDiagnosticsAsync(Uri);
        Assert.NotEmpty(diagnostics["diagnostics"]!.AsArray());

        Assert.Empty((await client.RequestAsync("textDocument/formatting", Params(Uri)))!.AsArray());
    }
}
