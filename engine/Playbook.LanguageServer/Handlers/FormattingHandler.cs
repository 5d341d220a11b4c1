using Playbook.Formatting;
using Playbook.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Playbook.LanguageServer.Handlers;

/// <summary>textDocument/formatting: the same layout as <c>playbook fmt</c>, from the same formatter, as one
/// edit that replaces the whole document. A document that does not parse is left alone (no edits): its
/// diagnostics already say why, and a half-formatted file would be worse than none.</summary>
public sealed class FormattingHandler(OpenDocuments documents)
{
    [JsonRpcMethod("textDocument/formatting", UseSingleObjectParameterDeserialization = true)]
    public TextEdit[] Format(DocumentFormattingParams parameters)
    {
        if (documents.Get(parameters.TextDocument.Uri) is not { } open) return [];
        var result = PlaybookFormatter.Format(open.Text, open.Path);
        if (result.Text is not { } formatted || formatted == open.Text) return [];
        return [new TextEdit(new Protocol.Range(new Position(0, 0), EndOf(open.Text)), formatted)];
    }

    private static Position EndOf(string text)
    {
        var lastBreak = text.LastIndexOf('\n');
        var line = 0;
        foreach (var c in text) if (c == '\n') line++;
        return new Position(line, text.Length - lastBreak - 1);
    }
}
