using Playbook.LanguageServer.Features;
using Playbook.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Playbook.LanguageServer.Handlers;

/// <summary>textDocument/completion.</summary>
public sealed class CompletionHandler(OpenDocuments documents)
{
    /// <summary>'>' completes state names after "->", '{' names after "${".</summary>
    public static readonly string[] TriggerCharacters = [">", "{"];

    [JsonRpcMethod("textDocument/completion", UseSingleObjectParameterDeserialization = true)]
    public CompletionList Completion(TextDocumentPositionParams parameters)
    {
        if (documents.Get(parameters.TextDocument.Uri) is not { } open) return new CompletionList(false, []);
        return CompletionProvider.Complete(open, LineMap.ToOffset(open.Document.Source, parameters.Position));
    }
}
