using Playbook.LanguageServer.Protocol;
using Playbook.Text;

namespace Playbook.LanguageServer.Features;

/// <summary>One place a symbol is written, in the document that holds it.</summary>
public sealed record SymbolPlace(OpenDocument Document, NameOccurrence Occurrence)
{
    public Location ToLocation() => new(Document.Uri, LineMap.ToRange(Document.Document.Source, Occurrence.Span));
}

/// <summary>Go to definition and find references. A symbol is a name of one kind in one file, except what
/// crosses files through <c>call</c>: a playbook (its <c>playbook NAME</c> and every <c>call NAME</c> beside
/// it) and a called playbook's input (its declaration, its reads, and every <c>with { NAME = … }</c> key of
/// its callers), looked for among the playbooks in the same folder — where a call resolves.</summary>
public static class Navigation
{
    public static Location[] Definition(OpenDocuments documents, OpenDocument document, int offset)
    {
        if (document.Names.At(offset) is not { } at) return [];
        // Declarations live in this file or the callee's: the folder's other callers are not needed (nor
        // searched, so a folder past OpenDocuments.MaxSiblings still has go to definition).
        var declarations = Places(documents, document, at, callers: false).Where(p => p.Occurrence.IsDeclaration).Select(p => p.ToLocation()).ToArray();
        if (declarations.Length == 0 && at.Kind == NameKind.Playbook && Callee(documents, document, at) is { } callee)
            return [new Location(callee.Uri, new Protocol.Range(new Position(0, 0), new Position(0, 0)))];
        return declarations;
    }

    public static Location[] References(OpenDocuments documents, OpenDocument document, int offset, bool includeDeclaration) =>
        document.Names.At(offset) is { } at
            ? Places(documents, document, at).Where(p => includeDeclaration || !p.Occurrence.IsDeclaration).Select(p => p.ToLocation()).ToArray()
            : [];

    /// <summary>Every place the symbol of <paramref name="at"/> is written, each once, declarations included;
    /// without <paramref name="callers"/>, not the calls and <c>with</c> keys in the folder's other playbooks.</summary>
    /// <exception cref="WorkspaceTooLargeException">callers are wanted and the folder holds too many playbooks.</exception>
    public static IReadOnlyList<SymbolPlace> Places(OpenDocuments documents, OpenDocument document, NameOccurrence at, bool callers = true)
    {
        var places = new List<SymbolPlace>();
        var seen = new HashSet<(string, int)>();
        void Add(OpenDocument d, NameOccurrence o)
        {
            if (seen.Add((d.Uri, o.Span.Start))) places.Add(new SymbolPlace(d, o));
        }

        switch (at.Kind)
        {
            case NameKind.Playbook:
            {
                var calleePath = at.IsDeclaration ? document.Path : CalleePath(document, at.Name);
                var calledAs = Path.GetFileNameWithoutExtension(calleePath);
                if (documents.ByPath(calleePath) is { } callee)
                {
                    foreach (var o in callee.Names.Occurrences.Where(o => o.Kind == NameKind.Playbook && o.IsDeclaration)) Add(callee, o);
                }
                foreach (var sibling in callers ? documents.Siblings(calleePath) : [])
                {
                    foreach (var o in sibling.Names.Occurrences.Where(o => o.Kind == NameKind.Playbook && !o.IsDeclaration && o.Name == calledAs)) Add(sibling, o);
                }
                break;
            }
            case NameKind.Input:
                foreach (var o in document.Names.Same(at)) Add(document, o);
                if (callers) AddCallers(documents, document.Path, at.Name, Add);
                break;
            case NameKind.CallInput:
                if (Callee(documents, document, at) is { } called)
                {
                    foreach (var o in called.Names.Occurrences.Where(o => o.Kind == NameKind.Input && o.Name == at.Name)) Add(called, o);
                    if (callers) AddCallers(documents, called.Path, at.Name, Add);
                }
                else
                {
                    foreach (var o in document.Names.Same(at)) Add(document, o);
                }
                break;
            default:
                foreach (var o in document.Names.Same(at)) Add(document, o);
                break;
        }
        return places;
    }

    /// <summary>The <c>with { input = … }</c> keys that pass <paramref name="input"/> to the playbook at <paramref name="calleePath"/>.</summary>
    private static void AddCallers(OpenDocuments documents, string calleePath, string input, Action<OpenDocument, NameOccurrence> add)
    {
        var calledAs = Path.GetFileNameWithoutExtension(calleePath);
        foreach (var sibling in documents.Siblings(calleePath))
        {
            foreach (var o in sibling.Names.Occurrences)
            {
                if (o.Kind == NameKind.CallInput && o.Callee == calledAs && o.Name == input) add(sibling, o);
            }
        }
    }

    /// <summary>The playbook a call names (or whose input a <c>with</c> key passes), when it exists.</summary>
    public static OpenDocument? Callee(OpenDocuments documents, OpenDocument caller, NameOccurrence at) =>
        at.Kind switch
        {
            NameKind.Playbook when !at.IsDeclaration => documents.ByPath(CalleePath(caller, at.Name)),
            NameKind.CallInput => documents.ByPath(CalleePath(caller, at.Callee!)),
            _ => null,
        };

    /// <summary>Where <c>call NAME</c> looks: NAME.playbook beside the caller, as the checker resolves it.</summary>
    public static string CalleePath(OpenDocument caller, string name) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(caller.Path)) ?? ".", name + ".playbook");
}
