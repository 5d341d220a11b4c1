using Playbook.Text;

namespace Playbook.Diagnostics;

/// <summary>Collects diagnostics for one source file while a stage runs.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = new();

    public DiagnosticBag(SourceFile source) => Source = source;

    public SourceFile Source { get; }

    public int Count => _items.Count;

    public bool HasErrors => _items.Any(d => d.Severity == Severity.Error);

    public void Add(Diagnostic diagnostic) => _items.Add(diagnostic);

    public void Report(DiagnosticDescriptor descriptor, TextSpan span, params object?[] args) =>
        _items.Add(descriptor.Create(Source, span, args));

    public void ReportWithHint(DiagnosticDescriptor descriptor, TextSpan span, string? hint, params object?[] args) =>
        _items.Add(descriptor.CreateWithHint(Source, span, hint, args));

    public IReadOnlyList<Diagnostic> ToList() => _items.ToList();
}
