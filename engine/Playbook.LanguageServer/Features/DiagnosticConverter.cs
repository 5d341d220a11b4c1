using Playbook.Diagnostics;
using Playbook.LanguageServer.Protocol;

namespace Playbook.LanguageServer.Features;

/// <summary>A checker diagnostic as the editor shows it: the PB ID as its code, linked to its documentation,
/// and the "help:" line kept under the message. A "did you mean" suggestion also travels in the
/// diagnostic's data, so the code action that applies it never reads the message.</summary>
public sealed class DiagnosticConverter(DiagnosticLinks? links)
{
    public const string SourceName = "playbook";

    public LspDiagnostic Convert(Diagnostic d)
    {
        var message = d.Hint is { Length: > 0 } hint ? $"{d.Message}\nhelp: {hint}" : d.Message;
        var href = links?.For(d.Id);
        return new LspDiagnostic(
            LineMap.ToRange(d.Source, d.Span),
            d.Severity switch { Severity.Error => 1, Severity.Warning => 2, _ => 3 },
            d.Id,
            SourceName,
            message,
            href is null ? null : new CodeDescription(href),
            RelatedInformation: null,
            d.Suggestion is { } suggestion ? new DiagnosticData(suggestion) : null);
    }
}
