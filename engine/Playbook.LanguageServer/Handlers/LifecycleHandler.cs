using System.Reflection;
using Playbook.LanguageServer.Features;
using Playbook.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Playbook.LanguageServer.Handlers;

/// <summary>initialize, initialized, shutdown and exit.</summary>
public sealed class LifecycleHandler(JsonRpc rpc)
{
    /// <summary>Full text sync: a playbook is small, and the parser reads a whole file anyway.</summary>
    private const int FullSync = 1;

    public bool ShutdownRequested { get; private set; }

    [JsonRpcMethod("initialize", UseSingleObjectParameterDeserialization = true)]
    public InitializeResult Initialize(InitializeParams parameters)
    {
        var version = typeof(LifecycleHandler).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        return new InitializeResult(
            new ServerCapabilities(
                new TextDocumentSyncOptions(OpenClose: true, FullSync, new SaveOptions(IncludeText: true)),
                HoverProvider: true,
                new CompletionOptions(CompletionHandler.TriggerCharacters),
                DefinitionProvider: true,
                ReferencesProvider: true,
                new RenameOptions(PrepareProvider: true),
                DocumentSymbolProvider: true,
                FoldingRangeProvider: true,
                new SemanticTokensOptions(SemanticTokensProvider.Legend, Full: true),
                new CodeActionOptions([CodeActionProvider.QuickFix, CodeActionProvider.Rewrite]),
                DocumentFormattingProvider: true),
            new ServerInfo("playbook", version));
    }

    [JsonRpcMethod("initialized", UseSingleObjectParameterDeserialization = true)]
    public void Initialized(object? parameters)
    {
    }

    [JsonRpcMethod("shutdown")]
    public object? Shutdown()
    {
        ShutdownRequested = true;
        return null;
    }

    [JsonRpcMethod("exit")]
    public void Exit() =>
        // Disposing from inside the handler would wait for this very call; let it return first.
        _ = Task.Run(rpc.Dispose);
}
