using Playbook.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Playbook.LanguageServer.Handlers;

/// <summary>didOpen, didChange (full text), didSave and didClose: keeps the open buffers and publishes
/// their diagnostics after each.</summary>
public sealed class TextSyncHandler(OpenDocuments documents, DiagnosticsPublisher publisher)
{
    [JsonRpcMethod("textDocument/didOpen", UseSingleObjectParameterDeserialization = true)]
    public Task DidOpen(DidOpenTextDocumentParams parameters)
    {
        var item = parameters.TextDocument;
        return publisher.PublishAsync(documents.Set(item.Uri, item.Version, item.Text));
    }

    [JsonRpcMethod("textDocument/didChange", UseSingleObjectParameterDeserialization = true)]
    public Task DidChange(DidChangeTextDocumentParams parameters)
    {
        // Full sync: the last change holds the whole text.
        if (parameters.ContentChanges is not [.., var last]) return Task.CompletedTask;
        var id = parameters.TextDocument;
        return publisher.PublishAsync(documents.Set(id.Uri, id.Version, last.Text));
    }

    [JsonRpcMethod("textDocument/didSave", UseSingleObjectParameterDeserialization = true)]
    public Task DidSave(DidSaveTextDocumentParams parameters)
    {
        var uri = parameters.TextDocument.Uri;
        var known = documents.Get(uri);
        // A save may change what other files see (a called playbook), and carries the saved text.
        var document = parameters.Text is { } text ? documents.Set(uri, known?.Version ?? 0, text) : known;
        return document is null ? Task.CompletedTask : publisher.PublishAsync(document);
    }

    [JsonRpcMethod("textDocument/didClose", UseSingleObjectParameterDeserialization = true)]
    public Task DidClose(DidCloseTextDocumentParams parameters)
    {
        documents.Remove(parameters.TextDocument.Uri);
        return publisher.ClearAsync(parameters.TextDocument.Uri);
    }
}
