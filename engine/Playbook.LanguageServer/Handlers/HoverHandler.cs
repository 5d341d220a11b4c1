using Playbook.LanguageServer.Features;
using Playbook.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Playbook.LanguageServer.Handlers;

/// <summary>textDocument/hover.</summary>
public sealed class HoverHandler(OpenDocuments documents)
{
    [JsonRpcMethod("textDocument/hover", UseSingleObjectParameterDeserialization = true)]
    public Hover? Hover(TextDocumentPositionParams parameters)
    {
        if (documents.Get(parameters.TextDocument.Uri) is not { } open) return null;
        var document = open.Document;
        return HoverProvider.Hover(document, LineMap.ToOffset(document.Source, parameters.Position));
    }
}
