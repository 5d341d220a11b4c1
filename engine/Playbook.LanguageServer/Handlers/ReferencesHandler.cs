using Playbook.LanguageServer.Features;
using Playbook.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Playbook.LanguageServer.Handlers;

/// <summary>textDocument/references, across the playbooks of the folder for calls and called inputs.</summary>
public sealed class ReferencesHandler(OpenDocuments documents)
{
    [JsonRpcMethod("textDocument/references", UseSingleObjectParameterDeserialization = true)]
    public Location[] References(ReferenceParams parameters) =>
        documents.Get(parameters.TextDocument.Uri) is { } open
            ? Navigation.References(documents, open, LineMap.ToOffset(open.Document.Source, parameters.Position), parameters.Context?.IncludeDeclaration ?? true)
            : [];
}
