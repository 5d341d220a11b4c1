using Playbook.Diagnostics;
using Playbook.Semantics;
using Playbook.Syntax;
using Playbook.Text;
using Playbook.Timing;

namespace Playbook.Checking;

/// <summary>Finds the playbooks a <c>call</c> names: the file NAME.playbook beside the caller.</summary>
public interface IPlaybookResolver
{
    /// <summary>The callee's model, or null when no such file parses; <paramref name="expectedPath"/> says where it was looked for.</summary>
    PlaybookModel? Resolve(PlaybookModel caller, string name, out string expectedPath);

    /// <summary>The callee's worst case over all its ends (for the caller's time analysis).</summary>
    TimeBound WorstCase(PlaybookModel caller, string name);
}

/// <summary>Everything a check needs about one playbook, computed once and shared.</summary>
public sealed class CheckContext
{
    private FlowGraph? _flow;
    private IReadOnlyList<WorstCasePath>? _worstCases;

    public CheckContext(PlaybookModel model, IPlaybookResolver? resolver)
    {
        Model = model;
        Resolver = resolver;
        Diagnostics = new DiagnosticBag(model.Source);
    }

    public PlaybookModel Model { get; }

    public SourceFile Source => Model.Source;

    public IPlaybookResolver? Resolver { get; }

    public DiagnosticBag Diagnostics { get; }

    public FlowGraph Flow => _flow ??= new FlowGraph(Model);

    public IReadOnlyList<WorstCasePath> WorstCases => _worstCases ??= WorstCaseAnalysis.Analyze(Model,
        name => Resolver?.WorstCase(Model, name) ?? TimeBound.Unbounded($"playbook '{name}' was not resolved"));

    public int LineOf(SyntaxNode node) => Source.GetPosition(node.Span.Start).Line;

    public void Report(DiagnosticDescriptor descriptor, SyntaxNode at, params object?[] args) =>
        Diagnostics.Report(descriptor, at.Span, args);

    public void Report(DiagnosticDescriptor descriptor, TextSpan at, params object?[] args) =>
        Diagnostics.Report(descriptor, at, args);

    public void ReportWithHint(DiagnosticDescriptor descriptor, SyntaxNode at, string? hint, params object?[] args) =>
        Diagnostics.ReportWithHint(descriptor, at.Span, hint, args);

    public static string? DidYouMean(string word, IEnumerable<string> candidates) =>
        Spelling.Suggest(word, candidates) is { } s ? $"did you mean '{s}'?" : null;
}
