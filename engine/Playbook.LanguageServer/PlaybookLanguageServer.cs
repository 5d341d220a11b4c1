using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.VisualStudio.Threading;
using Playbook.LanguageServer.Features;
using Playbook.LanguageServer.Handlers;
using Playbook.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Playbook.LanguageServer;

/// <summary>The language server: JSON-RPC over a pair of streams (stdio for <c>playbook lsp</c>, a duplex
/// pipe in tests), with one handler class per part of the protocol. Messages are handled one at a time in
/// the order they arrive, so a hover after a change always sees the changed text.</summary>
public sealed class PlaybookLanguageServer : IDisposable
{
    private readonly JsonRpc _rpc;
    private readonly LifecycleHandler _lifecycle;

    public PlaybookLanguageServer(Stream input, Stream output, DiagnosticLinks? links = null)
    {
        var formatter = new SystemTextJsonFormatter();
        // The generated metadata takes its property names from the options it is used with.
        formatter.JsonSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        formatter.JsonSerializerOptions.TypeInfoResolver = JsonTypeInfoResolver.Combine(
            LspJsonContext.Default, formatter.JsonSerializerOptions.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver());
        _rpc = new JsonRpc(new HeaderDelimitedMessageHandler(output, input, formatter))
        {
            SynchronizationContext = new NonConcurrentSynchronizationContext(sticky: false),
        };

        var documents = new OpenDocuments();
        var publisher = new DiagnosticsPublisher(_rpc, new DiagnosticConverter(links));
        _lifecycle = new LifecycleHandler(_rpc);
        var options = new JsonRpcTargetOptions { AllowNonPublicInvocation = false };
        _rpc.AddLocalRpcTarget(_lifecycle, options);
        _rpc.AddLocalRpcTarget(new TextSyncHandler(documents, publisher), options);
        _rpc.AddLocalRpcTarget(new HoverHandler(documents), options);
        _rpc.AddLocalRpcTarget(new CompletionHandler(documents), options);
        _rpc.AddLocalRpcTarget(new DefinitionHandler(documents), options);
        _rpc.AddLocalRpcTarget(new ReferencesHandler(documents), options);
        _rpc.AddLocalRpcTarget(new RenameHandler(documents), options);
        _rpc.AddLocalRpcTarget(new OutlineHandler(documents), options);
        _rpc.AddLocalRpcTarget(new SemanticTokensHandler(documents), options);
        _rpc.AddLocalRpcTarget(new CodeActionHandler(documents), options);
        _rpc.AddLocalRpcTarget(new FormattingHandler(documents), options);
    }

    /// <summary>Starts reading messages; the returned task ends when the client sends <c>exit</c> or the
    /// input stream closes.</summary>
    public Task RunAsync()
    {
        _rpc.StartListening();
        return _rpc.Completion;
    }

    /// <summary>Whether <c>shutdown</c> came before the end: the exit code is 0 then, 1 otherwise (LSP 3.17).</summary>
    public bool ShutdownRequested => _lifecycle.ShutdownRequested;

    public void Dispose() => _rpc.Dispose();
}
