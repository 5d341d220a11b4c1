using Playbook.LanguageServer.Features;
using Playbook.LanguageServer.Protocol;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Playbook.LanguageServer.Handlers;

/// <summary>textDocument/prepareRename and textDocument/rename. A refused rename is an error response whose
/// message says why (the editor shows it); the files are left as they were.</summary>
public sealed class RenameHandler(OpenDocuments documents)
{
    /// <summary>LSP's RequestFailed: the request was valid but could not be carried out.</summary>
    internal const int RequestFailed = -32803;

    [JsonRpcMethod("textDocument/prepareRename", UseSingleObjectParameterDeserialization = true)]
    public PrepareRenameResult? PrepareRename(TextDocumentPositionParams parameters) =>
        documents.Get(parameters.TextDocument.Uri) is { } open
            ? RenameProvider.Prepare(open, LineMap.ToOffset(open.Document.Source, parameters.Position))
            : null;

    [JsonRpcMethod("textDocument/rename", UseSingleObjectParameterDeserialization = true)]
    public WorkspaceEdit Rename(RenameParams parameters)
    {
        if (documents.Get(parameters.TextDocument.Uri) is not { } open)
            throw new LocalRpcException("the document is not open") { ErrorCode = RequestFailed };
        try
        {
            return RenameProvider.Rename(documents, open, LineMap.ToOffset(open.Document.Source, parameters.Position), parameters.NewName);
        }
        catch (Exception refused) when (refused is RenameRefusedException or WorkspaceTooLargeException)
        {
            throw new LocalRpcException(refused.Message) { ErrorCode = RequestFailed };
        }
    }
}
