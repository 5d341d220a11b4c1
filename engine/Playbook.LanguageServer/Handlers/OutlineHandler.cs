using Playbook.LanguageServer.Features;
using Playbook.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Playbook.LanguageServer.Handlers;

/// <summary>textDocument/documentSymbol (hierarchical) and textDocument/foldingRange.</summary>
public sealed class OutlineHandler(OpenDocuments documents)
{
    [JsonRpcMethod("textDocument/documentSymbol", UseSingleObjectParameterDeserialization = true)]
    public DocumentSymbol[] DocumentSymbols(DocumentSymbolParams parameters) =>
        documents.Get(parameters.TextDocument.Uri) is { } open ? OutlineProvider.Symbols(open.Document) : [];

    [JsonRpcMethod("textDocument/foldingRange", UseSingleObjectParameterDeserialization = true)]
    public FoldingRange[] FoldingRanges(DocumentSymbolParams parameters) =>
        documents.Get(parameters.TextDocument.Uri) is { } open ? FoldingProvider.Ranges(open.Document) : [];
}
