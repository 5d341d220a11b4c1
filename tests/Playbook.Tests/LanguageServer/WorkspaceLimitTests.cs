using Playbook.LanguageServer;
using Xunit;

namespace Playbook.Tests.LanguageServer;

/// <summary>The cross-file limit (<see cref="OpenDocuments.MaxSiblings"/> playbooks in a folder): a rename or a
/// reference search that needs every caller in a larger folder is refused with words the editor shows, never
/// answered from some of the files (a rename that misses a caller breaks it); what needs no other file still works.</summary>
public class WorkspaceLimitTests
{
    private const string Parent = """
        playbook parent {
          input target : string
          step delegate { call child with { target = target }  on ok -> done  on fail -> done }
          end done success "ok"
        }
        """;

    private const string Child = """
        playbook child {
          input target : string
          step go { shell "echo ${target}"  timeout 1m  on ok -> done  on fail -> done }
          end done success "ok"
        }
        """;

    /// <summary>A folder of <paramref name="playbooks"/> files: parent and child, and fillers that call child.</summary>
    private static DirectoryInfo Folder(int playbooks)
    {
        var dir = Directory.CreateTempSubdirectory("playbook-lsp-limit-");
        File.WriteAllText(Path.Combine(dir.FullName, "parent.playbook"), Parent);
        File.WriteAllText(Path.Combine(dir.FullName, "child.playbook"), Child);
        for (var i = 0; i < playbooks - 2; i++)
        {
            File.WriteAllText(Path.Combine(dir.FullName, $"filler-{i:D3}.playbook"),
                Parent.Replace("playbook parent", $"playbook filler-{i:D3}"));
        }
        return dir;
    }

    private static object At(string uri, (int Line, int Character) p) =>
        new { textDocument = new { uri }, position = new { line = p.Line, character = p.Character }, context = new { includeDeclaration = true } };

    private static object Rename(string uri, (int Line, int Character) p, string newName) =>
        new { textDocument = new { uri }, position = new { line = p.Line, character = p.Character }, newName };

    [Fact]
    public async Task At_the_limit_a_rename_reaches_every_caller()
    {
        var dir = Folder(OpenDocuments.MaxSiblings);
        try
        {
            var uri = new System.Uri(Path.Combine(dir.FullName, "parent.playbook")).AbsoluteUri;
            await using var client = new LspTestClient();
            await client.InitializeAsync();
            await client.OpenAsync(uri, Parent);
            await client.NextDiagnosticsAsync(uri);

            // child's input is passed by parent and all 498 fillers: every one of them is in the rename.
            var changes = (await client.RequestAsync("textDocument/rename", Rename(uri, LspTestClient.Find(Parent, "target = target", 1), "host")))!["documentChanges"]!.AsArray();
            Assert.Equal(OpenDocuments.MaxSiblings, changes.Count);
            var references = (await client.RequestAsync("textDocument/references", At(uri, LspTestClient.Find(Parent, "call child", 6))))!.AsArray();
            Assert.Equal(OpenDocuments.MaxSiblings, references.Count); // child's declaration and 499 calls
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Past_the_limit_rename_and_references_across_files_are_refused_and_the_rest_still_answers()
    {
        var dir = Folder(OpenDocuments.MaxSiblings + 1);
        try
        {
            var uri = new System.Uri(Path.Combine(dir.FullName, "parent.playbook")).AbsoluteUri;
            await using var client = new LspTestClient();
            await client.InitializeAsync();
            await client.OpenAsync(uri, Parent);
            await client.NextDiagnosticsAsync(uri);

            var rename = await Assert.ThrowsAsync<StreamJsonRpc.RemoteInvocationException>(() =>
                client.RequestAsync("textDocument/rename", Rename(uri, LspTestClient.Find(Parent, "target = target", 1), "host")));
            Assert.Contains($"holds more than {OpenDocuments.MaxSiblings} playbooks", rename.Message);
            Assert.Contains(dir.Name, rename.Message);
            var renameCall = await Assert.ThrowsAsync<StreamJsonRpc.RemoteInvocationException>(() =>
                client.RequestAsync("textDocument/rename", Rename(uri, LspTestClient.Find(Parent, "call child", 6), "helper")));
            Assert.Contains("split the folder", renameCall.Message);
            var references = await Assert.ThrowsAsync<StreamJsonRpc.RemoteInvocationException>(() =>
                client.RequestAsync("textDocument/references", At(uri, LspTestClient.Find(Parent, "call child", 6))));
            Assert.Contains($"holds more than {OpenDocuments.MaxSiblings} playbooks", references.Message);
            // Nothing was renamed on disk.
            Assert.True(File.Exists(Path.Combine(dir.FullName, "child.playbook")));

            // Go to definition needs only the callee; names inside the file need no other file.
            var definition = Assert.Single((await client.RequestAsync("textDocument/definition", At(uri, LspTestClient.Find(Parent, "call child", 6))))!.AsArray())!;
            Assert.EndsWith("/child.playbook", (string?)definition["uri"]);
            var doneReferences = (await client.RequestAsync("textDocument/references", At(uri, LspTestClient.Find(Parent, "-> done", 3))))!.AsArray();
            Assert.Equal(3, doneReferences.Count);
            var stateRename = (await client.RequestAsync("textDocument/rename", Rename(uri, LspTestClient.Find(Parent, "step delegate", 5), "hand-off")))!["documentChanges"]!.AsArray();
            Assert.Single(stateRename);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
