using Playbook.Cli.Commands;
using Playbook.Cli.Output;

namespace Playbook.Cli;

/// <summary>The real <see cref="PlaybookChecker"/>: the engine's validator.</summary>
internal static class EngineChecker
{
    public static IReadOnlyList<CheckedFile> Check(IReadOnlyList<string> files) =>
        PlaybookValidator.Validate(files).Files
            .Select(f => new CheckedFile(f.Path, f.Diagnostics))
            .ToList();
}
