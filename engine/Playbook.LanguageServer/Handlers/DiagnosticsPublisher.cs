using Playbook.LanguageServer.Features;
using Playbook.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Playbook.LanguageServer.Handlers;

/// <summary>Sends textDocument/publishDiagnostics for a document: every diagnostic <c>playbook validate</c>
/// would print for the same text.</summary>
public sealed class DiagnosticsPublisher(JsonRpc rpc, DiagnosticConverter converter)
{
    public Task PublishAsync(OpenDocument document)
    {
        var diagnostics = document.Document.Check().Select(converter.Convert).ToArray();
        return rpc.NotifyWithParameterObjectAsync("textDocument/publishDiagnostics",
            new PublishDiagnosticsParams(document.Uri, document.Version, diagnostics));
    }

    /// <summary>A closed document's diagnostics are cleared, as the protocol asks.</summary>
    public Task ClearAsync(string uri) =>
        rpc.NotifyWithParameterObjectAsync("textDocument/publishDiagnostics", new PublishDiagnosticsParams(uri, null, []));
}
