using Playbook.LanguageServer.Features;
using Playbook.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Playbook.LanguageServer.Handlers;

/// <summary>textDocument/definition: where a state, input, let, secret, capture or item is declared; for
/// <c>call NAME</c>, the called playbook's file.</summary>
public sealed class DefinitionHandler(OpenDocuments documents)
{
    [JsonRpcMethod("textDocument/definition", UseSingleObjectParameterDeserialization = true)]
    public Location[] Definition(TextDocumentPositionParams parameters) =>
        documents.Get(parameters.TextDocument.Uri) is { } open
            ? Navigation.Definition(documents, open, LineMap.ToOffset(open.Document.Source, parameters.Position))
            : [];
}
