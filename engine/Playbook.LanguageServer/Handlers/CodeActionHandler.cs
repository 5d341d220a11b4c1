using Playbook.LanguageServer.Features;
using Playbook.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Playbook.LanguageServer.Handlers;

/// <summary>textDocument/codeAction.</summary>
public sealed class CodeActionHandler(OpenDocuments documents)
{
    [JsonRpcMethod("textDocument/codeAction", UseSingleObjectParameterDeserialization = true)]
    public CodeAction[] CodeActions(CodeActionParams parameters) =>
        documents.Get(parameters.TextDocument.Uri) is { } open
            ? CodeActionProvider.Actions(open, parameters.Range, parameters.Context?.Diagnostics ?? [])
            : [];
}
