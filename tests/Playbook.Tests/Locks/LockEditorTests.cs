using Playbook.Tests.LanguageServer;
using Xunit;

namespace Playbook.Tests.Locks;

/// <summary>The language server sees <c>lock "…"</c> as the checker does: renaming an input rewrites the lock's hole,
/// and a lock reading a let is reported with PB2021 as the editor types.</summary>
public class LockEditorTests
{
    private const string Uri = "file:///tmp/lsp-locks/failover.playbook";

    private const string Text = """
        playbook failover {
          input region : string = "eu"
          lock "failover-${region}"
          step go { shell "echo ${region}"  timeout 1m  on ok -> done  on fail -> done }
          end done success "ok"
        }

        """;

    [Fact]
    public async Task Renaming_an_input_rewrites_the_lock_and_a_lock_reading_a_let_is_PB2021()
    {
        await using var client = new LspTestClient();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, Text);
        await client.NextDiagnosticsAsync(Uri);

        var at = LspTestClient.Find(Text, "${region}\"\n", 2);
        var edit = (await client.RequestAsync("textDocument/rename",
            new { textDocument = new { uri = Uri }, position = new { line = at.Line, character = at.Character }, newName = "zone" }))!;
        var renamed = LspTestClient.Apply(Text, edit["documentChanges"]![0]!["edits"]!.AsArray());
        Assert.Contains("lock \"failover-${zone}\"", renamed, StringComparison.Ordinal);
        Assert.Contains("input zone : string", renamed, StringComparison.Ordinal);

        const string other = "file:///tmp/lsp-locks/bad.playbook";
        await client.OpenAsync(other, Text.Replace("playbook failover", "playbook bad").Replace("  lock \"failover-${region}\"", "  let cell = \"x\"\n  lock \"failover-${cell}\""));
        var diagnostics = (await client.NextDiagnosticsAsync(other)).ToJsonString();
        Assert.Contains("PB2021", diagnostics, StringComparison.Ordinal);
        Assert.Contains("which is a let", diagnostics, StringComparison.Ordinal);
    }
}
