using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB4003: retry counts are whole and sensible, factors do not shrink delays, and a cap is not below the first delay.</summary>
public sealed class RetryCheck : IPlaybookCheck
{
    public const int MaxRetries = 100;

    public IReadOnlyList<string> Reports { get; } = new[] { "PB4003" };

    public void Check(CheckContext context)
    {
        foreach (var state in context.Model.States)
        {
            if (state.Syntax.Find<RetrySyntax>() is not { } retry) continue;
            if (!retry.Count.IsInteger || retry.Count.Value < 0 || retry.Count.Value > MaxRetries)
                context.Report(DiagnosticCatalog.InvalidRetry, retry.Count, $"retry takes a whole number of further attempts from 0 to {MaxRetries}, not {retry.Count.Text}");
            if (retry.Factor is { } f && (f.Value < 1 || f.Value > 100))
                context.Report(DiagnosticCatalog.InvalidRetry, f, $"backoff factor {f.Text} must be between x1 and x100: delays grow (or stay) from one retry to the next");
            if (retry.Backoff is null && (retry.Factor is not null || retry.Max is not null || retry.Jitter))
                context.Report(DiagnosticCatalog.InvalidRetry, retry, "factor, max and jitter shape the backoff: add 'backoff D' (the first delay), as in retry 3 backoff 1s x2 max 8s");
            if (retry.Backoff is { } b && retry.Max is { } max && max.Value < b.Value)
                context.Report(DiagnosticCatalog.InvalidRetry, max, $"max {max.Text} is below the first delay {b.Text}: every delay would be {max.Text}; raise max or lower backoff");
            if (state.Kind is not (Semantics.StateKind.Step))
                context.Report(DiagnosticCatalog.InvalidRetry, retry, "only steps retry");
        }
    }
}
