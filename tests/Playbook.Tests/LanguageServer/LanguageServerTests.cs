using Xunit;
using System.Text.Json.Nodes;
using Playbook.LanguageServer.Features;

namespace Playbook.Tests.LanguageServer;

public sealed class LanguageServerTests
{
    private const string Uri = "file:///tmp/lsp-test/restart.playbook";

    internal const string Sample = """
        playbook restart {
          input service : string = "api"
          rto 10m

          step stop "Stop the service" {
            shell "systemctl stop ${service}"
            timeout 30s
            retry 3 backoff 1s x2
            on ok -> verify
            on fail -> failed
          }

          step verify "Check it is down" {
            shell "true"
            timeout 1m
            on ok -> done
            on fail -> failed
          }

          end done success "stopped"
          end failed failure "could not stop"
        }
        """;

    [Fact]
    public async Task Initialize_announces_full_sync_and_hover_and_shutdown_then_exit_ends_the_server()
    {
        await using var client = new LspTestClient();
        var result = await client.InitializeAsync();
        Assert.Equal(1, (int)result["capabilities"]!["textDocumentSync"]!["change"]!);
        Assert.True((bool)result["capabilities"]!["hoverProvider"]!);
        Assert.Equal("playbook", (string?)result["serverInfo"]!["name"]);

        await client.RequestAsync("shutdown", null);
        await client.NotifyAsync("exit", null);
        await client.ServerDone.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(client.ServerShutdownRequested);
    }

    [Fact]
    public async Task Opening_a_playbook_with_a_typo_publishes_the_PB_diagnostic_with_its_position_and_help()
    {
        await using var client = new LspTestClient();
        await client.InitializeAsync();
        var text = Sample.Replace("on ok -> verify", "on ok -> verfy");
        await client.OpenAsync(Uri, text);

        var published = await client.NextDiagnosticsAsync(Uri);
        // The typo also leaves 'verify' unreachable: the PB1001 is the one about the typo.
        var diagnostic = Assert.Single(published["diagnostics"]!.AsArray(), d => (string?)d!["code"] == "PB1001")!;
        Assert.Equal("PB1001", (string?)diagnostic["code"]);
        Assert.Equal(1, (int)diagnostic["severity"]!);
        Assert.Equal("playbook", (string?)diagnostic["source"]);
        Assert.Contains("'verfy' is not a state or phase", (string?)diagnostic["message"]);
        Assert.Contains("did you mean 'verify'", (string?)diagnostic["message"]);
        var (line, character) = LspTestClient.Find(text, "verfy");
        Assert.Equal(line, (int)diagnostic["range"]!["start"]!["line"]!);
        Assert.Equal(character, (int)diagnostic["range"]!["start"]!["character"]!);
        Assert.Equal(character + 5, (int)diagnostic["range"]!["end"]!["character"]!);
        Assert.Equal(1, (int)published["version"]!);
    }

    [Fact]
    public async Task A_change_republishes_so_fixing_the_typo_clears_the_diagnostic_and_closing_clears_all()
    {
        await using var client = new LspTestClient();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, Sample.Replace("on ok -> verify", "on ok -> verfy"));
        Assert.NotEmpty((await client.NextDiagnosticsAsync(Uri))["diagnostics"]!.AsArray());

        await client.ChangeAsync(Uri, Sample, version: 2);
        var fixedOne = await client.NextDiagnosticsAsync(Uri);
        Assert.Empty(fixedOne["diagnostics"]!.AsArray());
        Assert.Equal(2, (int)fixedOne["version"]!);

        await client.ChangeAsync(Uri, Sample.Replace("timeout 1m", "timeout 1min"), version: 3);
        Assert.Contains((await client.NextDiagnosticsAsync(Uri))["diagnostics"]!.AsArray(), d => (string?)d!["code"] == "PB0009");

        await client.NotifyAsync("textDocument/didSave", new { textDocument = new { uri = Uri }, text = Sample });
        Assert.Empty((await client.NextDiagnosticsAsync(Uri))["diagnostics"]!.AsArray());

        await client.NotifyAsync("textDocument/didClose", new { textDocument = new { uri = Uri } });
        Assert.Empty((await client.NextDiagnosticsAsync(Uri))["diagnostics"]!.AsArray());
        Assert.Null(await client.HoverAsync(Uri, 0, 0));
    }

    [Fact]
    public async Task Each_diagnostic_code_links_to_the_section_of_the_language_reference_that_documents_it()
    {
        var reference = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "playbook-language.md"));
        var links = new DiagnosticLinks("file:///docs/playbook-language.md", reference);
        await using var client = new LspTestClient(links);
        await client.InitializeAsync();
        await client.OpenAsync(Uri, Sample.Replace("on ok -> verify", "on ok -> verfy"));

        var diagnostic = (await client.NextDiagnosticsAsync(Uri))["diagnostics"]!.AsArray().First(d => (string?)d!["code"] == "PB1001")!;
        Assert.Equal("file:///docs/playbook-language.md#pb1xxx--names-and-references", (string?)diagnostic["codeDescription"]!["href"]);
    }

    [Fact]
    public void Every_diagnostic_ID_has_a_link_to_a_heading_that_exists_in_the_reference()
    {
        var reference = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "playbook-language.md"));
        var anchors = reference.Split('\n').Where(l => l.StartsWith('#')).Select(l => DiagnosticLinks.Slug(l.TrimStart('#'))).ToHashSet();
        var links = new DiagnosticLinks("file:///r.md", reference);
        foreach (var descriptor in global::Playbook.Diagnostics.DiagnosticCatalog.All)
        {
            var href = links.For(descriptor.Id);
            Assert.True(href is not null, $"{descriptor.Id} has no documentation link");
            Assert.Contains(href[(href.IndexOf('#') + 1)..], anchors);
        }
    }

    [Fact]
    public async Task Hover_on_a_state_shows_its_title_the_retry_waits_and_its_worst_case_from_the_start_and_to_each_end()
    {
        await using var client = new LspTestClient();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, Sample);
        await client.NextDiagnosticsAsync(Uri);

        var (line, character) = LspTestClient.Find(Sample, "step stop", 6);
        var hover = (string?)(await client.HoverAsync(Uri, line, character))!["contents"]!["value"];
        Assert.Contains("step **stop** — Stop the service", hover);
        Assert.Contains("retries: 1s, 2s, 4s", hover);
        // 4 attempts of 30s and 7s of waits.
        Assert.Contains("this state: at most 2m7s", hover);
        Assert.Contains("from the start: 0s", hover);
        Assert.Contains("to end 'done': 3m7s", hover);
        Assert.Contains("to end 'failed': 3m7s", hover);

        // On a transition target, the hover is the target state's.
        var (tl, tc) = LspTestClient.Find(Sample, "-> verify", 4);
        var target = (string?)(await client.HoverAsync(Uri, tl, tc))!["contents"]!["value"];
        Assert.Contains("step **verify** — Check it is down", target);
        Assert.Contains("from the start: 2m7s", target);
        Assert.Contains("to end 'done': 1m", target);
    }

    [Fact]
    public async Task Hover_on_a_duration_gives_milliseconds_and_on_an_input_its_type_and_default()
    {
        await using var client = new LspTestClient();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, Sample);
        await client.NextDiagnosticsAsync(Uri);

        var (dl, dc) = LspTestClient.Find(Sample, "timeout 1m", 8);
        Assert.Equal("**1m** = 60000 ms", (string?)(await client.HoverAsync(Uri, dl, dc))!["contents"]!["value"]);

        var (il, ic) = LspTestClient.Find(Sample, "input service", 7);
        var input = (string?)(await client.HoverAsync(Uri, il, ic))!["contents"]!["value"];
        Assert.Contains("input **service** : `string`", input);
        Assert.Contains("default: `\"api\"`", input);

        // Whitespace has nothing to say.
        Assert.Null(await client.HoverAsync(Uri, 3, 0));
    }

    [Fact]
    public async Task Hover_on_a_PB_ID_in_a_comment_describes_that_diagnostic()
    {
        var text = Sample.Replace("  rto 10m", "  rto 10m  # PB1001 is why the names must match");
        await using var client = new LspTestClient();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, text);
        await client.NextDiagnosticsAsync(Uri);

        var (line, character) = LspTestClient.Find(text, "PB1001", 2);
        var hover = (string?)(await client.HoverAsync(Uri, line, character))!["contents"]!["value"];
        Assert.Contains("**PB1001** (error): Unknown transition target", hover);
        Assert.Contains("'…' is not a state or phase of this playbook", hover);
    }

    [Fact]
    public void Retry_waits_are_spelled_out_up_to_a_limit_then_summarized()
    {
        var many = new global::Playbook.Timing.RetryPolicy(1000, TimeSpan.FromSeconds(1), 2, TimeSpan.FromMinutes(1), Jitter: false);
        var text = HoverProvider.SpellWaits(many);
        Assert.StartsWith("1s, 2s, 4s, 8s, 16s, 32s, 1m, 1m, …", text);
        Assert.Contains("(1000 retries,", text);
        Assert.True(text.Length < 200, text);
    }
}
