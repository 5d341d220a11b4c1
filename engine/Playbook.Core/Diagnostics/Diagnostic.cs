using Playbook.Text;

namespace Playbook.Diagnostics;

/// <summary>One occurrence of a <see cref="DiagnosticDescriptor"/> at a span of a source file.</summary>
public sealed record Diagnostic(DiagnosticDescriptor Descriptor, SourceFile Source, TextSpan Span, string Message, string? Hint)
{
    public string Id => Descriptor.Id;

    public Severity Severity { get; init; } = Descriptor.Severity;

    public LinePosition Start => Source.GetPosition(Span.Start);

    public LinePosition End => Source.GetPosition(Span.End);

    public Diagnostic WithSeverity(Severity severity) => this with { Severity = severity };

    public override string ToString() => $"{DisplayPath.Escape(Source.Path)}:{Start.Line}:{Start.Column}: {Severity.ToLowerString()} {Id}: {Message}";
}
