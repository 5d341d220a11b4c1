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

public sealed record ServerCapabilities(TextDocumentSyncOptions TextDocumentSync, bool HoverProvider);

public sealed record InitializeResult(ServerCapabilities Capabilities, ServerInfo ServerInfo);

public sealed record DidOpenTextDocumentParams(TextDocumentItem TextDocument);

/// <summary>A change event; this server asks for full sync, so <see cref="Text"/> is the whole document.</summary>
public sealed record TextDocumentContentChangeEvent(string Text);

public sealed record DidChangeTextDocumentParams(VersionedTextDocumentIdentifier TextDocument, TextDocumentContentChangeEvent[] ContentChanges);

public sealed record DidSaveTextDocumentParams(TextDocumentIdentifier TextDocument, string? Text);

public sealed record DidCloseTextDocumentParams(TextDocumentIdentifier TextDocument);

public sealed record CodeDescription(string Href);

public sealed record DiagnosticRelatedInformation(Location Location, string Message);

/// <summary>Severity: 1 error, 2 warning, 3 information.</summary>
public sealed record LspDiagnostic(
    Range Range,
    int Severity,
    string Code,
    string Source,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CodeDescription? CodeDescription,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DiagnosticRelatedInformation[]? RelatedInformation);

public sealed record PublishDiagnosticsParams(string Uri, int? Version, LspDiagnostic[] Diagnostics);

public sealed record MarkupContent(string Kind, string Value);

public sealed record Hover(MarkupContent Contents, Range Range);
