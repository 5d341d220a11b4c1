using System.Text.Json.Serialization;

namespace Playbook.LanguageServer.Protocol;

// The small part of the Language Server Protocol 3.17 this server speaks, as plain records
// (serialized by LspJsonContext). Names follow the specification so the wire format is the records'.

/// <summary>A zero-based line and UTF-16 character offset.</summary>
public sealed record Position(int Line, int Character);

public sealed record Range(Position Start, Position End);

public sealed record Location(string Uri, Range Range);

public sealed record TextDocumentIdentifier(string Uri);

public sealed record TextDocumentItem(string Uri, string LanguageId, int Version, string Text);

public sealed record VersionedTextDocumentIdentifier(string Uri, int Version);

public sealed record TextDocumentPositionParams(TextDocumentIdentifier TextDocument, Position Position);

public sealed record InitializeParams(int? ProcessId, string? RootUri);

public sealed record ServerInfo(string Name, string Version);

public sealed record TextDocumentSyncOptions(bool OpenClose, int Change, SaveOptions Save);

public sealed record SaveOptions(bool IncludeText);

public sealed record ServerCapabilities(
    TextDocumentSyncOptions TextDocumentSync,
    bool HoverProvider,
    CompletionOptions CompletionProvider,
    bool DefinitionProvider,
    bool ReferencesProvider,
    RenameOptions RenameProvider,
    bool DocumentSymbolProvider,
    bool FoldingRangeProvider,
    SemanticTokensOptions SemanticTokensProvider,
    CodeActionOptions CodeActionProvider,
    bool DocumentFormattingProvider);

public sealed record CompletionOptions(string[] TriggerCharacters);

public sealed record RenameOptions(bool PrepareProvider);

public sealed record SemanticTokensLegend(string[] TokenTypes, string[] TokenModifiers);

public sealed record SemanticTokensOptions(SemanticTokensLegend Legend, bool Full);

public sealed record CodeActionOptions(string[] CodeActionKinds);

public sealed record InitializeResult(ServerCapabilities Capabilities, ServerInfo ServerInfo);

public sealed record DidOpenTextDocumentParams(TextDocumentItem TextDocument);

/// <summary>A change event; this server asks for full sync, so <see cref="Text"/> is the whole document.</summary>
public sealed record TextDocumentContentChangeEvent(string Text);

public sealed record DidChangeTextDocumentParams(VersionedTextDocumentIdentifier TextDocument, TextDocumentContentChangeEvent[] ContentChanges);

public sealed record DidSaveTextDocumentParams(TextDocumentIdentifier TextDocument, string? Text);

public sealed record DidCloseTextDocumentParams(TextDocumentIdentifier TextDocument);

public sealed record CodeDescription(string Href);

public sealed record DiagnosticRelatedInformation(Location Location, string Message);

/// <summary>What a diagnostic carries for code actions (the client hands it back unchanged): the name its
/// "did you mean" proposes.</summary>
public sealed record DiagnosticData(string? Suggestion);

/// <summary>Severity: 1 error, 2 warning, 3 information.</summary>
public sealed record LspDiagnostic(
    Range Range,
    int Severity,
    string Code,
    string Source,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CodeDescription? CodeDescription,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DiagnosticRelatedInformation[]? RelatedInformation,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DiagnosticData? Data = null);

public sealed record PublishDiagnosticsParams(string Uri, int? Version, LspDiagnostic[] Diagnostics);

public sealed record MarkupContent(string Kind, string Value);

public sealed record Hover(MarkupContent Contents, Range Range);

public sealed record TextEdit(Range Range, string NewText);

/// <summary>Kinds: 3 function (a state), 9 module (a phase or playbook), 14 keyword, 20 enum member (an
/// outcome), 6 variable (input, let, capture, item), 21 constant (a secret), 17 file (a playbook to call).</summary>
public sealed record CompletionItem(
    string Label,
    int Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail,
    TextEdit TextEdit,
    string SortText);

public sealed record CompletionList(bool IsIncomplete, CompletionItem[] Items);

public sealed record ReferenceContext(bool IncludeDeclaration);

public sealed record ReferenceParams(TextDocumentIdentifier TextDocument, Position Position, ReferenceContext? Context);

public sealed record RenameParams(TextDocumentIdentifier TextDocument, Position Position, string NewName);

public sealed record PrepareRenameResult(Range Range, string Placeholder);

public sealed record OptionalVersionedTextDocumentIdentifier(string Uri, int? Version);

public sealed record TextDocumentEdit(OptionalVersionedTextDocumentIdentifier TextDocument, TextEdit[] Edits);

/// <summary>A file rename inside a workspace edit (<c>kind</c> is always "rename").</summary>
public sealed record RenameFile(string Kind, string OldUri, string NewUri);

/// <summary><see cref="DocumentChanges"/> holds <see cref="TextDocumentEdit"/>s and <see cref="RenameFile"/>s,
/// in the order the client applies them.</summary>
public sealed record WorkspaceEdit(object[] DocumentChanges);

public sealed record DocumentSymbol(
    string Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail,
    int Kind,
    Range Range,
    Range SelectionRange,
    DocumentSymbol[] Children);

public sealed record DocumentSymbolParams(TextDocumentIdentifier TextDocument);

public sealed record FoldingRange(
    int StartLine,
    int EndLine,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Kind);

public sealed record SemanticTokens(int[] Data);

public sealed record CodeActionContext(LspDiagnostic[]? Diagnostics);

public sealed record CodeActionParams(TextDocumentIdentifier TextDocument, Range Range, CodeActionContext? Context);

public sealed record CodeAction(
    string Title,
    string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LspDiagnostic[]? Diagnostics,
    bool IsPreferred,
    WorkspaceEdit Edit);

/// <summary>The options are ignored: the layout is the one canonical layout of <c>playbook fmt</c>.</summary>
public sealed record DocumentFormattingParams(TextDocumentIdentifier TextDocument);
