using Xunit;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Nerdbank.Streams;
using Playbook.LanguageServer;
using Playbook.LanguageServer.Features;
using StreamJsonRpc;

namespace Playbook.Tests.LanguageServer;

/// <summary>An LSP client talking to an in-process server over a duplex pipe, as an editor would over stdio:
/// real JSON-RPC framing both ways. Messages are sent and read as JSON, so the tests check the wire format
/// and not the server's own types.</summary>
internal sealed class LspTestClient : IAsyncDisposable
{
    private readonly JsonRpc _rpc;
    private readonly PlaybookLanguageServer _server;
    private readonly Channel<JsonNode> _diagnostics = Channel.CreateUnbounded<JsonNode>();

    public LspTestClient(DiagnosticLinks? links = null)
    {
        var (clientStream, serverStream) = FullDuplexStream.CreatePair();
        _server = new PlaybookLanguageServer(serverStream, serverStream, links);
        ServerDone = _server.RunAsync();
        _rpc = new JsonRpc(new HeaderDelimitedMessageHandler(clientStream, clientStream, new SystemTextJsonFormatter()));
        _rpc.AddLocalRpcTarget(new Notifications(_diagnostics.Writer));
        _rpc.StartListening();
    }

    public Task ServerDone { get; }

    /// <summary>What the server sends unasked.</summary>
    private sealed class Notifications(ChannelWriter<JsonNode> diagnostics)
    {
        [JsonRpcMethod("textDocument/publishDiagnostics", UseSingleObjectParameterDeserialization = true)]
        public void PublishDiagnostics(JsonElement parameters) => diagnostics.TryWrite(JsonNode.Parse(parameters.GetRawText())!);
    }

    public bool ServerShutdownRequested => _server.ShutdownRequested;

    public async Task<JsonNode?> RequestAsync(string method, object? parameters)
    {
        var result = await _rpc.InvokeWithParameterObjectAsync<JsonElement?>(method, parameters).WaitAsync(TimeSpan.FromSeconds(30));
        return result is { ValueKind: not JsonValueKind.Null } e ? JsonNode.Parse(e.GetRawText()) : null;
    }

    public Task NotifyAsync(string method, object? parameters) => _rpc.NotifyWithParameterObjectAsync(method, parameters);

    public async Task<JsonNode> InitializeAsync()
    {
        var result = await RequestAsync("initialize", new { processId = (int?)null, rootUri = (string?)null, capabilities = new { } });
        await NotifyAsync("initialized", new { });
        return result!;
    }

    public Task OpenAsync(string uri, string text, int version = 1) =>
        NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "playbook", version, text } });

    public Task ChangeAsync(string uri, string text, int version) =>
        NotifyAsync("textDocument/didChange", new { textDocument = new { uri, version }, contentChanges = new[] { new { text } } });

    /// <summary>The next publishDiagnostics for <paramref name="uri"/> (others are skipped).</summary>
    public async Task<JsonNode> NextDiagnosticsAsync(string uri)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var message = await _diagnostics.Reader.ReadAsync(timeout.Token);
            if ((string?)message["uri"] == uri) return message;
        }
    }

    public Task<JsonNode?> HoverAsync(string uri, int line, int character) =>
        RequestAsync("textDocument/hover", new { textDocument = new { uri }, position = new { line, character } });

    public async ValueTask DisposeAsync()
    {
        _rpc.Dispose();
        _server.Dispose();
        try { await ServerDone.WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (Exception e) when (e is ConnectionLostException or ObjectDisposedException or OperationCanceledException or IOException) { }
    }

    /// <summary>Applies LSP text edits (JSON) to <paramref name="text"/>, as an editor does: all ranges refer to the text before any edit.</summary>
    public static string Apply(string text, JsonArray edits)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++) if (text[i] == '\n') starts.Add(i + 1);
        int Offset(JsonNode p) => starts[(int)p["line"]!] + (int)p["character"]!;
        var ordered = edits.Select(e => (Start: Offset(e!["range"]!["start"]!), End: Offset(e!["range"]!["end"]!), Text: (string)e!["newText"]!))
            .OrderByDescending(e => e.Start).ToList();
        foreach (var e in ordered) text = text[..e.Start] + e.Text + text[e.End..];
        return text;
    }

    /// <summary>Semantic tokens in absolute positions.</summary>
    public static List<(int Line, int Character, int Length, int Type, int Modifiers)> DecodeTokens(int[] data)
    {
        var tokens = new List<(int, int, int, int, int)>();
        int line = 0, character = 0;
        for (var i = 0; i + 4 < data.Length; i += 5)
        {
            character = data[i] == 0 ? character + data[i + 1] : data[i + 1];
            line += data[i];
            tokens.Add((line, character, data[i + 2], data[i + 3], data[i + 4]));
        }
        return tokens;
    }

    /// <summary>The 0-based line and character of the first <paramref name="needle"/> in <paramref name="text"/>, plus a shift.</summary>
    public static (int Line, int Character) Find(string text, string needle, int shift = 0)
    {
        var offset = text.IndexOf(needle, StringComparison.Ordinal);
        Assert.True(offset >= 0, $"'{needle}' is not in the text");
        offset += shift;
        var line = text[..offset].Count(c => c == '\n');
        var character = offset - (text.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1);
        if (offset == 0) character = 0;
        return (line, character);
    }
}
