using Playbook.Expressions;
using Playbook.LanguageServer.Protocol;

namespace Playbook.LanguageServer.Features;

/// <summary>Why a rename was refused, in words for the editor to show.</summary>
public sealed class RenameRefusedException(string message) : Exception(message);

/// <summary>prepareRename and rename. Only names can be renamed (never a keyword, a string or a number),
/// and only to a name the parser reads as one, that expressions can read when they read it, and that does
/// not clash with a name of the same kind. Renaming a playbook renames its file too: <c>call NAME</c>
/// finds NAME.playbook, so name and file stay one.</summary>
public static class RenameProvider
{
    public static PrepareRenameResult? Prepare(OpenDocument document, int offset) =>
        document.Names.At(offset) is { } at
            ? new PrepareRenameResult(LineMap.ToRange(document.Document.Source, at.Span), at.Name)
            : null;

    public static WorkspaceEdit Rename(OpenDocuments documents, OpenDocument document, int offset, string newName)
    {
        if (document.Names.At(offset) is not { } at) throw new RenameRefusedException("there is no name here to rename (keywords, strings and numbers cannot be renamed)");
        if (newName == at.Name) return new WorkspaceEdit([]);
        Validate(document, at, newName);

        var places = Navigation.Places(documents, document, at);
        var changes = new List<object>();
        foreach (var group in places.GroupBy(p => p.Document.Uri))
        {
            var doc = group.First().Document;
            var edits = group.Select(p => new TextEdit(LineMap.ToRange(doc.Document.Source, p.Occurrence.Span), newName)).ToArray();
            changes.Add(new TextDocumentEdit(new OptionalVersionedTextDocumentIdentifier(doc.Uri, doc.Version), edits));
        }
        if (at.Kind == NameKind.Playbook)
        {
            var calleePath = at.IsDeclaration ? document.Path : Navigation.CalleePath(document, at.Name);
            var renamed = Path.Combine(Path.GetDirectoryName(calleePath) ?? ".", newName + ".playbook");
            if (File.Exists(renamed)) throw new RenameRefusedException($"{Path.GetFileName(renamed)} exists already: 'call {newName}' would find that file");
            if (File.Exists(calleePath))
                changes.Add(new RenameFile("rename", DocumentPaths.ToUri(calleePath), DocumentPaths.ToUri(renamed)));
        }
        return new WorkspaceEdit(changes.ToArray());
    }

    private static void Validate(OpenDocument document, NameOccurrence at, string newName)
    {
        var end = newName.Length == 0 ? 0 : Parsing.LanguageFacts.WordEnd(newName, 0);
        if (end != newName.Length || newName.Length == 0)
            throw new RenameRefusedException($"'{newName}' is not a name: use letters, digits, '_' and '-' between them, starting with a letter or '_'");
        var readByExpressions = at.Kind is NameKind.Input or NameKind.Let or NameKind.Secret or NameKind.Capture or NameKind.Item or NameKind.CallInput;
        if (readByExpressions && newName.Contains('-'))
            throw new RenameRefusedException($"'{newName}' cannot be read by expressions: {Describe(at.Kind)} names use letters, digits and '_' only");
        if (readByExpressions && (CSharpGlobals.ResultNames.ContainsKey(newName) || newName == RunValues.Name))
            throw new RenameRefusedException($"'{newName}' is a built-in name in expressions: choose another name");

        var clash = document.Names.Occurrences.FirstOrDefault(o => o.IsDeclaration && o.Name == newName && SameNamespace(o.Kind, at.Kind));
        if (clash is not null)
        {
            var line = document.Document.Source.GetPosition(clash.Span.Start).Line;
            throw new RenameRefusedException($"'{newName}' is already the name of {Article(clash.Kind)} {Describe(clash.Kind)} at line {line}");
        }
    }

    /// <summary>States share one namespace; inputs, secrets, lets, captures and items share the one expressions read.</summary>
    private static bool SameNamespace(NameKind a, NameKind b) =>
        a == b || IsValueName(a) && IsValueName(b);

    private static bool IsValueName(NameKind k) => k is NameKind.Input or NameKind.Let or NameKind.Secret or NameKind.Capture or NameKind.Item;

    private static string Article(NameKind kind) => kind == NameKind.Input ? "an" : "a";

    public static string Describe(NameKind kind) => kind switch
    {
        NameKind.State => "state",
        NameKind.Input or NameKind.CallInput => "input",
        NameKind.Let => "let",
        NameKind.Secret => "secret",
        NameKind.Capture => "capture",
        NameKind.Item => "foreach item",
        _ => "playbook",
    };
}
