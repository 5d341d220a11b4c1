namespace Playbook.Tests.Cases;

/// <summary>Cases whose baseline holds the CORRECT expected output while the engine still gets it
/// wrong. For these the harness asserts the opposite: that the engine's output still differs from
/// the baseline (so the suite stays green) — and fails as soon as the engine is fixed, so the entry
/// is removed here. <c>PLAYBOOK_UPDATE_BASELINES=1</c> never overwrites these baselines.</summary>
internal static class KnownEngineBugs
{
    public static readonly IReadOnlyDictionary<string, string> Cases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PB0005-only-comments.playbook"] =
            "DiagnosticDescriptor.Format returns MessageFormat unformatted when there are no args, so '{{ … }}' is printed with doubled braces",
        ["PB0013-unterminated-interpolation.playbook"] =
            "same as PB0005: the message is printed as \"'${{' is not closed: add '}}' …\"",
        ["PB0006-invalid-utf8.playbook"] =
            "SourceLoader calls NotText.Create(source, span, \"invalid UTF-8 …\"): the string binds to the 'hint' overload, so the message shows '{0}' and the reason becomes the hint",
        ["PB0006-nul-bytes.playbook"] =
            "same as PB0006-invalid-utf8: message '{0}: a playbook must be UTF-8 text', reason in the hint",
        ["PB3006-empty-interpolation.playbook"] =
            "'${}' is reported twice: PB3006 by the parser, then PB3001 ('the code is empty') by ExpressionCheck for the same hole",
    };

    public static bool Contains(string casePath) => Cases.ContainsKey(casePath);
}
