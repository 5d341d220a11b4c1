using Playbook.LanguageServer.Features;
using Playbook.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Playbook.LanguageServer.Handlers;

/// <summary>textDocument/references, across the playbooks of the folder for calls and called inputs. In a folder
/// too large to search, an error response that says so (the editor shows it) rather than a list that looks whole.</summary>
public sealed class ReferencesHandler(OpenDocuments documents)
{
    [JsonRpcMethod("textDocument/references", UseSingleObjectParameterDeserialization = true)]
    public Location[] References(ReferenceParams parameters)
    {
        if (documents.Get(parameters.TextDocument.Uri) is not { } open) return [];
        try
        {
            return Navigation.References(documents, open, LineMap.ToOffset(open.Document.Source, parameters.Position), parameters.Context?.IncludeDeclaration ?? true);
        }
        catch (WorkspaceTooLargeException tooLarge)
        {
            throw new LocalRpcException(tooLarge.Message) { ErrorCode = RenameHandler.RequestFailed };
        }
    }
}
