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

    /// <summary>Reports <paramref name="descriptor"/> at <paramref name="at"/> with the closest of
    /// <paramref name="candidates"/> as its "did you mean" (hint and structured suggestion alike), compared
    /// within this file's <see cref="SpellingBudget"/>.</summary>
    public void ReportDidYouMean(DiagnosticDescriptor descriptor, SyntaxNode at, string word, IEnumerable<string> candidates, params object?[] args) =>
        Diagnostics.ReportWithSuggestion(descriptor, at.Span, Suggest(word, candidates), null, args);

    /// <summary>Candidate comparisons all "did you mean" hints of one file may make together. A real
    /// playbook uses a few thousand; a hostile one with 20 000 unknown names among 20 000 lets would
    /// make 400 million (minutes). Past the budget, diagnostics simply come without a hint.</summary>
    public const long SpellingBudget = 100_000;

    private long _spellingBudget = SpellingBudget;

    /// <summary>The closest of <paramref name="candidates"/> to <paramref name="word"/>, where the candidates
    /// may be as many as the file's names: compared within this file's <see cref="SpellingBudget"/>.</summary>
    public string? Suggest(string word, IEnumerable<string> candidates) =>
        Spelling.Suggest(word, candidates, ref _spellingBudget);
}
