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

    /// <summary>Reports with "did you mean '<paramref name="suggestion"/>'?" as the hint (or
    /// <paramref name="otherwise"/> when there is no suggestion), and the suggestion itself attached.</summary>
    public void ReportWithSuggestion(DiagnosticDescriptor descriptor, TextSpan span, string? suggestion, string? otherwise, params object?[] args) =>
        _items.Add(descriptor.CreateWithHint(Source, span, DidYouMean(suggestion) ?? otherwise, args) with { Suggestion = suggestion });

    public static string? DidYouMean(string? suggestion) => suggestion is null ? null : $"did you mean '{suggestion}'?";

    public IReadOnlyList<Diagnostic> ToList() => _items.ToList();
}
