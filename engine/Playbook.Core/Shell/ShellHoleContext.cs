namespace Playbook.Shell;

/// <summary>How the text around a hole is quoted, which decides how the renderer refers to the value.</summary>
public enum ShellQuoting
{
    Unquoted,
    DoubleQuoted,
    SingleQuoted,
    /// <summary>Inside <c>$'…'</c>: like single quotes, except a backslash escapes.</summary>
    AnsiCQuoted,
    /// <summary>After a <c>#</c> that starts a word, up to the end of the line.</summary>
    Comment,
    /// <summary>The body of a here-document with an unquoted delimiter: expansions happen, quotes are text.</summary>
    HereDoc,
    /// <summary>The body of a here-document with a quoted delimiter (<c>&lt;&lt;'EOF'</c>): nothing expands.</summary>
    QuotedHereDoc,
}

/// <summary>Why a value in a hole could be read again as code, beyond the one word bash gives it.
/// The flags are ordered by how they are reported: the highest one set names the diagnostic.</summary>
[Flags]
public enum ShellDanger
{
    None = 0,
    /// <summary>bash evaluates a variable's contents as an arithmetic expression (and runs a <c>$(…)</c> in a subscript).</summary>
    Arithmetic = 1,
    /// <summary>Inside <c>`…`</c>, whose text is parsed again by a subshell.</summary>
    Backquote = 2,
    /// <summary>In a here-document, whose text is usually fed to a program that reads it as code (a shell, psql, ssh).</summary>
    HereDoc = 4,
    /// <summary>A word that another interpreter parses again (<c>bash -c</c>, <c>ssh host …</c>, <c>eval</c>, …).</summary>
    NestedShell = 8,
}

/// <summary>Where one <c>${…}</c> hole of a shell template stands: its quoting, what (if anything) would
/// read its value as code, and whether the hole is a whole command word on its own.</summary>
public sealed record ShellHoleContext(ShellQuoting Quoting, ShellDanger Danger, string? Reason, bool EscapePending, bool IsCommandWord)
{
    /// <summary>The danger that names the diagnostic: the highest flag set.</summary>
    public ShellDanger Worst =>
        Danger.HasFlag(ShellDanger.NestedShell) ? ShellDanger.NestedShell
        : Danger.HasFlag(ShellDanger.HereDoc) ? ShellDanger.HereDoc
        : Danger.HasFlag(ShellDanger.Backquote) ? ShellDanger.Backquote
        : Danger;

    /// <summary>Arithmetic reads the value as an expression: only a plain number is safe there.</summary>
    public bool NeedsNumber => Danger.HasFlag(ShellDanger.Arithmetic);
}
