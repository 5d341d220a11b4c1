using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB1101, PB1102: <c>secret N from file "…"</c> / <c>from command "…"</c> names a file or a
/// command, written out: secrets are read before the run starts, when no input, let or capture has a value
/// to put in a <c>${…}</c>, and a value spliced into a command would be code.</summary>
public sealed class SecretSourceCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB1101", "PB1102" };

    public void Check(CheckContext context)
    {
        foreach (var secret in context.Model.Secrets)
        {
            if (secret.Source is not { } source) continue;
            var what = source.IsFile ? "file path" : "command";
            if (source.Value.Parts.OfType<InterpolationSyntax>().FirstOrDefault() is { } hole)
                context.Report(DiagnosticCatalog.SecretSourceWithHole, hole, secret.Name.Text, what);
            else if (string.IsNullOrWhiteSpace(source.Value.Template))
                context.Report(DiagnosticCatalog.EmptySecretSource, source.Value, secret.Name.Text, what,
                    source.IsFile ? "path of the file that holds it (relative to this playbook)" : "command that prints it, like \"vault kv get -field=token secret/app\"");
        }
    }
}
