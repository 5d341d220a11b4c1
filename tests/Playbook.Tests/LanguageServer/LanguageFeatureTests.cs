using System.Text.Json.Nodes;
using Xunit;

namespace Playbook.Tests.LanguageServer;

/// <summary>Completion, navigation, rename, outline, folding, semantic tokens and code actions, each through
/// the in-process server over a duplex pipe, checked on the wire format an editor receives.</summary>
public sealed class LanguageFeatureTests
{
    private const string Uri = "file:///tmp/lsp-features/restart.playbook";

    private const string Sample = """
        playbook restart {
          input service : string = "api"
          secret token
          rto 10m

          phase stop-it "Stop" within 5m {
            step stop "Stop the service" {
              shell "systemctl stop ${service} --token ${token}"
              timeout 30s
              capture code = `exit_code`
              on ok -> verify
              on fail -> failed
            }
            on timeout -> failed
          }

          step verify "Check it is down" {
            script `service + code`
            timeout 1m
            on ok -> done
            on fail -> failed
          }

          end done success "stopped"
          end failed failure "could not stop"
        }
        """;

    private static async Task<LspTestClient> OpenAsync(string text, string uri = Uri)
    {
        var client = new LspTestClient();
        await client.InitializeAsync();
        await client.OpenAsync(uri, text);
        await client.NextDiagnosticsAsync(uri);
        return client;
    }

    private static object At(string uri, (int Line, int Character) p) =>
        new { textDocument = new { uri }, position = new { line = p.Line, character = p.Character } };

    private static async Task<string[]> LabelsAsync(LspTestClient client, string uri, (int, int) position) =>
        (await client.RequestAsync("textDocument/completion", At(uri, position)))!["items"]!.AsArray().Select(i => (string)i!["label"]!).ToArray();

    [Fact]
    public async Task Initialize_announces_every_feature_served()
    {
        await using var client = new LspTestClient();
        var capabilities = (await client.InitializeAsync())["capabilities"]!;
        Assert.Equal(">", (string?)capabilities["completionProvider"]!["triggerCharacters"]![0]);
        foreach (var name in new[] { "definitionProvider", "referencesProvider", "documentSymbolProvider", "foldingRangeProvider" })
            Assert.True((bool)capabilities[name]!, name);
        Assert.True((bool)capabilities["renameProvider"]!["prepareProvider"]!);
        Assert.Contains("function", capabilities["semanticTokensProvider"]!["legend"]!["tokenTypes"]!.AsArray().Select(t => (string?)t));
        Assert.Contains("quickfix", capabilities["codeActionProvider"]!["codeActionKinds"]!.AsArray().Select(t => (string?)t));
    }

    [Fact]
    public async Task Completion_offers_the_keywords_the_enclosing_block_takes()
    {
        var text = Sample.Replace("      timeout 30s\n", "      timeout 30s\n      re\n");
        await using var client = await OpenAsync(text);
        var inStep = await LabelsAsync(client, Uri, LspTestClient.Find(text, "      re\n", 8));
        Assert.Contains("retry", inStep);
        Assert.Contains("capture", inStep);
        Assert.Contains("idempotent", inStep);
        Assert.DoesNotContain("input", inStep);
        Assert.DoesNotContain("step", inStep);

        var top = await LabelsAsync(client, Uri, LspTestClient.Find(text, "  rto 10m", 0));
        Assert.Contains("input", top);
        Assert.Contains("phase", top);
        Assert.DoesNotContain("retry", top);
    }

    [Fact]
    public async Task Completion_offers_states_after_the_arrow_outcomes_after_on_and_names_inside_holes()
    {
        var text = Sample.Replace("      on ok -> verify\n", "      on ok -> \n      on \n      shell \"x ${}\"\n");
        await using var client = await OpenAsync(text);

        var states = await LabelsAsync(client, Uri, LspTestClient.Find(text, "on ok -> \n", 9));
        Assert.Contains("verify", states);
        Assert.Contains("failed", states);
        Assert.Contains("stop-it", states);
        Assert.DoesNotContain("stop", states);   // itself
        Assert.DoesNotContain("retry", states);

        var outcomes = await LabelsAsync(client, Uri, LspTestClient.Find(text, "      on \n", 9));
        Assert.Equal(["ok", "fail", "timeout"], outcomes);

        var names = await LabelsAsync(client, Uri, LspTestClient.Find(text, "${}", 2));
        Assert.Equal(["service", "code", "token"], names);
    }

    [Fact]
    public async Task Definition_of_a_transition_target_is_its_state_and_references_of_an_input_include_holes_and_expressions()
    {
        await using var client = await OpenAsync(Sample);
        var definition = (await client.RequestAsync("textDocument/definition", At(Uri, LspTestClient.Find(Sample, "-> verify", 4))))!.AsArray();
        var target = Assert.Single(definition)!;
        Assert.Equal(LspTestClient.Find(Sample, "step verify", 5).Line, (int)target["range"]!["start"]!["line"]!);

        var references = (await client.RequestAsync("textDocument/references",
            new { textDocument = new { uri = Uri }, position = Position(LspTestClient.Find(Sample, "input service", 7)), context = new { includeDeclaration = true } }))!.AsArray();
        var lines = references.Select(r => (int)r!["range"]!["start"]!["line"]!).Order().ToArray();
        Assert.Equal([1, LspTestClient.Find(Sample, "${service}").Line, LspTestClient.Find(Sample, "`service + code`").Line], lines);
        var hole = references.Single(r => (int)r!["range"]!["start"]!["line"]! == LspTestClient.Find(Sample, "${service}").Line)!;
        Assert.Equal(LspTestClient.Find(Sample, "${service}", 2).Character, (int)hole["range"]!["start"]!["character"]!);
    }

    private static object Position((int Line, int Character) p) => new { line = p.Line, character = p.Character };

    [Fact]
    public async Task Rename_of_an_input_rewrites_every_hole_and_expression_and_refuses_keywords_clashes_and_bad_names()
    {
        await using var client = await OpenAsync(Sample);
        Assert.Null(await client.RequestAsync("textDocument/prepareRename", At(Uri, LspTestClient.Find(Sample, "timeout 30s", 2))));
        var prepared = (await client.RequestAsync("textDocument/prepareRename", At(Uri, LspTestClient.Find(Sample, "${service}", 4))))!;
        Assert.Equal("service", (string?)prepared["placeholder"]);

        var edit = (await client.RequestAsync("textDocument/rename",
            new { textDocument = new { uri = Uri }, position = Position(LspTestClient.Find(Sample, "${service}", 4)), newName = "unit" }))!;
        var renamed = LspTestClient.Apply(Sample, edit["documentChanges"]![0]!["edits"]!.AsArray());
        Assert.Contains("input unit : string", renamed);
        Assert.Contains("systemctl stop ${unit} --token", renamed);
        Assert.Contains("`unit + code`", renamed);
        Assert.DoesNotContain("service", renamed.Replace("the service", ""));

        var clash = await Assert.ThrowsAsync<StreamJsonRpc.RemoteInvocationException>(() => client.RequestAsync("textDocument/rename",
            new { textDocument = new { uri = Uri }, position = Position(LspTestClient.Find(Sample, "input service", 7)), newName = "code" }));
        Assert.Contains("'code' is already the name of a capture", clash.Message);
        var dash = await Assert.ThrowsAsync<StreamJsonRpc.RemoteInvocationException>(() => client.RequestAsync("textDocument/rename",
            new { textDocument = new { uri = Uri }, position = Position(LspTestClient.Find(Sample, "input service", 7)), newName = "my-unit" }));
        Assert.Contains("cannot be read by expressions", dash.Message);
    }

    [Fact]
    public async Task A_call_target_opens_the_other_file_and_renaming_it_renames_the_file_the_callers_and_a_passed_input()
    {
        var dir = Directory.CreateTempSubdirectory("playbook-lsp-");
        try
        {
            var child = """
                playbook child {
                  input target : string
                  step go { shell "echo ${target}"  timeout 1m  on ok -> done  on fail -> done }
                  end done success "ok"
                }
                """;
            File.WriteAllText(Path.Combine(dir.FullName, "child.playbook"), child);
            var parent = """
                playbook parent {
                  step delegate { call child with { target = "x" }  on ok -> done  on fail -> done }
                  end done success "ok"
                }
                """;
            var parentUri = new System.Uri(Path.Combine(dir.FullName, "parent.playbook")).AbsoluteUri;
            var childUri = new System.Uri(Path.Combine(dir.FullName, "child.playbook")).AbsoluteUri;
            await using var client = await OpenAsync(parent, parentUri);

            var definition = Assert.Single((await client.RequestAsync("textDocument/definition", At(parentUri, LspTestClient.Find(parent, "call child", 6))))!.AsArray())!;
            Assert.Equal(childUri, (string?)definition["uri"]);
            Assert.Equal(0, (int)definition["range"]!["start"]!["line"]!);
            Assert.Equal(9, (int)definition["range"]!["start"]!["character"]!);

            var inputDefinition = Assert.Single((await client.RequestAsync("textDocument/definition", At(parentUri, LspTestClient.Find(parent, "target =", 1))))!.AsArray())!;
            Assert.Equal(childUri, (string?)inputDefinition["uri"]);
            Assert.Equal(1, (int)inputDefinition["range"]!["start"]!["line"]!);

            var rename = (await client.RequestAsync("textDocument/rename",
                new { textDocument = new { uri = parentUri }, position = Position(LspTestClient.Find(parent, "call child", 6)), newName = "helper" }))!["documentChanges"]!.AsArray();
            var fileRename = rename.Single(c => (string?)c!["kind"] == "rename")!;
            Assert.Equal(childUri, (string?)fileRename["oldUri"]);
            Assert.EndsWith("/helper.playbook", (string?)fileRename["newUri"]);
            Assert.Contains("call helper with", LspTestClient.Apply(parent, EditsFor(rename, parentUri)));
            Assert.StartsWith("playbook helper {", LspTestClient.Apply(child, EditsFor(rename, childUri)));
            // The rename file operation comes after the text edits, which name the file by its old URI.
            Assert.Equal("rename", (string?)rename[^1]!["kind"]);

            var inputRename = (await client.RequestAsync("textDocument/rename",
                new { textDocument = new { uri = parentUri }, position = Position(LspTestClient.Find(parent, "target =", 1)), newName = "host" }))!["documentChanges"]!.AsArray();
            Assert.Contains("call child with { host = \"x\" }", LspTestClient.Apply(parent, EditsFor(inputRename, parentUri)));
            var newChild = LspTestClient.Apply(child, EditsFor(inputRename, childUri));
            Assert.Contains("input host : string", newChild);
            Assert.Contains("echo ${host}", newChild);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static JsonArray EditsFor(JsonArray changes, string uri) =>
        changes.Single(c => (string?)c!["textDocument"]?["uri"] == uri)!["edits"]!.AsArray();

    [Fact]
    public async Task The_outline_groups_states_under_their_phase_and_folding_covers_blocks_and_comment_runs()
    {
        var text = "# one\n# two\n" + Sample;
        await using var client = await OpenAsync(text);
        var root = Assert.Single((await client.RequestAsync("textDocument/documentSymbol", new { textDocument = new { uri = Uri } }))!.AsArray())!;
        Assert.Equal("restart", (string?)root["name"]);
        var top = root["children"]!.AsArray().Select(c => (string)c!["name"]!).ToArray();
        Assert.Equal(["service", "token", "stop-it", "verify", "done", "failed"], top);
        var phase = root["children"]!.AsArray().Single(c => (string?)c!["name"] == "stop-it")!;
        var stop = Assert.Single(phase["children"]!.AsArray(), c => (string?)c!["name"] == "stop")!;
        Assert.Equal("step — Stop the service", (string?)stop["detail"]);
        Assert.Equal(["code", "on ok -> verify", "on fail -> failed"], stop["children"]!.AsArray().Select(c => (string)c!["name"]!));

        var folds = (await client.RequestAsync("textDocument/foldingRange", new { textDocument = new { uri = Uri } }))!.AsArray();
        Assert.Contains(folds, f => (int)f!["startLine"]! == 0 && (int)f!["endLine"]! == 1 && (string?)f!["kind"] == "comment");
        var phaseLine = LspTestClient.Find(text, "phase stop-it").Line;
        var phaseEnd = LspTestClient.Find(text, "    on timeout -> failed").Line;
        Assert.Contains(folds, f => (int)f!["startLine"]! == phaseLine && (int)f!["endLine"]! == phaseEnd);
    }

    [Fact]
    public async Task Semantic_tokens_tell_states_phases_inputs_secrets_and_keywords_apart()
    {
        await using var client = await OpenAsync(Sample);
        var legend = (await client.InitializeAsync())["capabilities"]!["semanticTokensProvider"]!["legend"]!;
        var types = legend["tokenTypes"]!.AsArray().Select(t => (string)t!).ToArray();
        var data = (await client.RequestAsync("textDocument/semanticTokens/full", new { textDocument = new { uri = Uri } }))!["data"]!.AsArray().Select(n => (int)n!).ToArray();
        var tokens = LspTestClient.DecodeTokens(data);
        string TypeAt(string needle, int shift = 0)
        {
            var (line, character) = LspTestClient.Find(Sample, needle, shift);
            var token = tokens.Single(t => t.Line == line && t.Character <= character && character < t.Character + t.Length);
            return types[token.Type] + (token.Modifiers == 0 ? "" : "+" + token.Modifiers);
        }
        Assert.Equal("keyword", TypeAt("step stop"));
        Assert.Equal("function+1", TypeAt("step stop", 5));
        Assert.Equal("function", TypeAt("-> verify", 3));
        Assert.Equal("namespace+1", TypeAt("phase stop-it", 6));
        Assert.Equal("parameter", TypeAt("${service}", 2));
        Assert.Equal("variable+2", TypeAt("${token}", 2));
        Assert.Equal("string", TypeAt("\"systemctl stop", 1));
        Assert.Equal("number", TypeAt("30s"));
        Assert.Equal("enumMember", TypeAt("on fail", 3));
        Assert.Equal("type", TypeAt(": string", 2));
    }

    [Fact]
    public async Task A_did_you_mean_diagnostic_carries_its_suggestion_and_the_quick_fix_applies_it()
    {
        var text = Sample.Replace("on ok -> verify", "on ok -> verfy");
        await using var client = new LspTestClient();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, text);
        var diagnostic = (await client.NextDiagnosticsAsync(Uri))["diagnostics"]!.AsArray().Single(d => (string?)d!["code"] == "PB1001")!;
        Assert.Equal("verify", (string?)diagnostic["data"]!["suggestion"]);

        var actions = (await client.RequestAsync("textDocument/codeAction",
            new { textDocument = new { uri = Uri }, range = diagnostic["range"]!.DeepClone(), context = new { diagnostics = new[] { diagnostic.DeepClone() } } }))!.AsArray();
        var fix = actions.Single(a => (string?)a!["title"] == "Change to 'verify'")!;
        Assert.Equal("quickfix", (string?)fix["kind"]);
        Assert.Equal(Sample, LspTestClient.Apply(text, fix["edit"]!["documentChanges"]![0]!["edits"]!.AsArray()));
    }

    [Fact]
    public async Task Code_actions_add_a_missing_on_fail_to_a_failure_end_and_mark_a_step_idempotent()
    {
        var text = Sample.Replace("      on fail -> failed\n    }", "    }");
        await using var client = new LspTestClient();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, text);
        var diagnostic = (await client.NextDiagnosticsAsync(Uri))["diagnostics"]!.AsArray().Single(d => (string?)d!["code"] == "PB2002")!;
        var actions = (await client.RequestAsync("textDocument/codeAction",
            new { textDocument = new { uri = Uri }, range = diagnostic["range"]!.DeepClone(), context = new { diagnostics = new[] { diagnostic.DeepClone() } } }))!.AsArray();
        var add = actions.Single(a => (string?)a!["title"] == "Add 'on fail -> failed'")!;
        var fixedText = LspTestClient.Apply(text, add["edit"]!["documentChanges"]![0]!["edits"]!.AsArray());
        Assert.Equal(Sample, fixedText);

        var mark = actions.Single(a => (string?)a!["title"] == "Mark step 'stop' idempotent (resume may run it again)")!;
        Assert.Equal("refactor.rewrite", (string?)mark["kind"]);
        var marked = LspTestClient.Apply(text, mark["edit"]!["documentChanges"]![0]!["edits"]!.AsArray());
        Assert.Contains("      shell \"systemctl stop ${service} --token ${token}\"\n      idempotent\n      timeout 30s", marked);
        Assert.False(global::Playbook.PlaybookDocument.FromText("/tmp/lsp-features/restart.playbook", marked).HasErrors);
    }
}

/// <summary>Text that is not (yet) a playbook: every request answers, none fails.</summary>
public sealed class LanguageFeaturesOnBrokenTextTests
{
    private const string Uri = "file:///tmp/lsp-features/broken.playbook";

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("playbook x {\n  step a {\n    shell \"${\n")]
    [InlineData("playbook x { step a { on ok -> } } }}} \"\"\" `")]
    public async Task Every_request_answers_on_text_that_does_not_parse(string text)
    {
        await using var client = new LspTestClient();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, text);
        await client.NextDiagnosticsAsync(Uri);
        var end = new { line = text.Count(c => c == '\n'), character = text.Length - (text.LastIndexOf('\n') + 1) };
        var at = new { textDocument = new { uri = Uri }, position = end };
        Assert.NotNull(await client.RequestAsync("textDocument/completion", at));
        Assert.Empty((await client.RequestAsync("textDocument/definition", at))!.AsArray());
        Assert.Null(await client.RequestAsync("textDocument/prepareRename", at));
        var refused = await Assert.ThrowsAsync<StreamJsonRpc.RemoteInvocationException>(() =>
            client.RequestAsync("textDocument/rename", new { textDocument = new { uri = Uri }, position = end, newName = "y" }));
        Assert.Contains("there is no name here to rename", refused.Message);
        Assert.NotNull(await client.RequestAsync("textDocument/documentSymbol", new { textDocument = new { uri = Uri } }));
        Assert.NotNull(await client.RequestAsync("textDocument/foldingRange", new { textDocument = new { uri = Uri } }));
        Assert.NotNull(await client.RequestAsync("textDocument/semanticTokens/full", new { textDocument = new { uri = Uri } }));
        Assert.NotNull(await client.RequestAsync("textDocument/codeAction",
            new { textDocument = new { uri = Uri }, range = new { start = end, end }, context = new { diagnostics = Array.Empty<object>() } }));
    }

    [Fact]
    public async Task An_empty_file_is_offered_the_playbook_keyword()
    {
        await using var client = new LspTestClient();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "");
        await client.NextDiagnosticsAsync(Uri);
        var items = (await client.RequestAsync("textDocument/completion", new { textDocument = new { uri = Uri }, position = new { line = 0, character = 0 } }))!["items"]!.AsArray();
        Assert.Equal("playbook", (string?)Assert.Single(items)!["label"]);
    }
}
