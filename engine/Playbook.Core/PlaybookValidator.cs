using Playbook.Diagnostics;

namespace Playbook;

public sealed record FileValidation(string Path, IReadOnlyList<Diagnostic> Diagnostics);

public sealed record ValidationResult(IReadOnlyList<FileValidation> Files)
{
    public int ErrorCount => Files.Sum(f => f.Diagnostics.Count(d => d.Severity == Severity.Error));

    public int WarningCount => Files.Sum(f => f.Diagnostics.Count(d => d.Severity == Severity.Warning));
}

/// <summary>Validates a set of playbook files together (so calls between them are read once).</summary>
public static class PlaybookValidator
{
    public static ValidationResult Validate(IReadOnlyList<string> playbookFiles)
    {
        var workspace = new PlaybookWorkspace();
        return new ValidationResult(playbookFiles.Select(f => new FileValidation(f, workspace.Load(f).Check())).ToList());
    }
}
