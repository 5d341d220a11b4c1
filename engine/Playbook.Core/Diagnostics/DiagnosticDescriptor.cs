using Playbook.Text;

namespace Playbook.Diagnostics;

/// <summary>What a diagnostic is: its stable ID, severity and message format. One instance per
/// ID lives in <see cref="DiagnosticCatalog"/>; each occurrence is a <see cref="Diagnostic"/>.</summary>
public sealed record DiagnosticDescriptor(string Id, Severity Severity, string Title, string MessageFormat)
{
    public Diagnostic Create(SourceFile source, TextSpan span, params object?[] args) =>
        new(this, source, span, Format(args), Hint: null);

    public Diagnostic CreateWithHint(SourceFile source, TextSpan span, string? hint, params object?[] args) =>
        new(this, source, span, Format(args), hint);

    // Always formatted, even without arguments, so '{{' in a format reads as '{'.
    private string Format(object?[] args) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, MessageFormat, args);
}
