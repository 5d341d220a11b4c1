using Playbook.LanguageServer.Features;
using Playbook.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Playbook.LanguageServer.Handlers;

/// <summary>textDocument/semanticTokens/full.</summary>
public sealed class SemanticTokensHandler(OpenDocuments documents)
{
    [JsonRpcMethod("textDocument/semanticTokens/full", UseSingleObjectParameterDeserialization = true)]
    public SemanticTokens Full(DocumentSymbolParams parameters) =>
        documents.Get(parameters.TextDocument.Uri) is { } open ? SemanticTokensProvider.Tokens(open) : new SemanticTokens([]);
}
