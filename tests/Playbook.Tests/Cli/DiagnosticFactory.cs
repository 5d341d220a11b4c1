using Xunit;
using Playbook.Cli.Output;
using Playbook.Diagnostics;
using Playbook.Text;

namespace Playbook.Tests.Cli;

/// <summary>Builds diagnostics on made-up source text for formatter tests.</summary>
internal static class DiagnosticFactory
{
    /// <summary>A diagnostic on the first occurrence of <paramref name="needle"/> in
    /// <paramref name="text"/>, spanning it (or <paramref name="length"/> characters).</summary>
    public static Diagnostic At(
        string text,
        string needle,
        DiagnosticDescriptor? descriptor = null,
        string? hint = null,
        string path = "x.playbook",
        int? length = null,
        params object?[] args)
    {
        var offset = text.IndexOf(needle, StringComparison.Ordinal);
        Assert.True(offset >= 0, $"'{needle}' not in the test text");
        return (descriptor ?? DiagnosticCatalog.UnknownTarget).CreateWithHint(
            new SourceFile(path, text),
            new TextSpan(offset, length ?? needle.Length),
            hint,
            args.Length > 0 ? args : [needle]);
    }

    public static Diagnostic AtOffset(string text, int offset, int length, DiagnosticDescriptor? descriptor = null, string? hint = null, string path = "x.playbook") =>
        (descriptor ?? DiagnosticCatalog.UnknownTarget).CreateWithHint(new SourceFile(path, text), new TextSpan(offset, length), hint, "x", "y", "z", "w");

    public static ValidationReport Report(params Diagnostic[] diagnostics) =>
        new([new CheckedFile(diagnostics.Length > 0 ? diagnostics[0].Source.Path : "x.playbook", diagnostics)]);

    /// <summary>Twelve lines, the last with an unknown target at 12:14, as in the CLI README.</summary>
    public static string SampleText =>
        "playbook restore-db {\n" + string.Concat(Enumerable.Range(2, 10).Select(i => $"  # line {i}\n")) + "    on ok -> verfy\n}\n";

    public static Diagnostic Sample(string path = "playbooks/x.playbook") =>
        At(SampleText, "verfy", hint: "did you mean 'verify'?", path: path);
}
