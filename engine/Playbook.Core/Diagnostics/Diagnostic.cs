using Playbook.Text;

namespace Playbook.Diagnostics;

/// <summary>One occurrence of a <see cref="DiagnosticDescriptor"/> at a span of a source file.</summary>
public sealed record Diagnostic(DiagnosticDescriptor Descriptor, SourceFile Source, TextSpan Span, string Message, string? Hint)
{
    public string Id => Descriptor.Id;

    public Severity Severity { get; init; } = Descriptor.Severity;

    /// <summary>The name the hint's "did you mean" proposes in place of <see cref="Span"/>, kept apart from
    /// the hint's wording so an editor can offer it as a fix without reading the message.</summary>
    public string? Suggestion { get; init; }

    public LinePosition Start => Source.GetPosition(Span.Start);

    public LinePosition End => Source.GetPosition(Span.End);

    public Diagnostic WithSeverity(Severity severity) => this with { Severity = severity };

    public override string ToString() => $"{DisplayPath.Escape(Source.Path)}:{Start.Line}:{Start.Column}: {Severity.ToLowerString()} {Id}: {Message}";
}
