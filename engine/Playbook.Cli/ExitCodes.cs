namespace Playbook.Cli;

/// <summary>Process exit codes (documented in README.md).</summary>
internal static class ExitCodes
{
    /// <summary>Everything checked, no errors (warnings allowed unless --warnings-as-errors).</summary>
    public const int Success = 0;

    /// <summary>Checked, and an error was found (or a warning under --warnings-as-errors).</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong or an input path cannot be read: nothing was checked.</summary>
    public const int Usage = 2;

    /// <summary>A bug in playbook itself (EX_SOFTWARE from sysexits.h).</summary>
    public const int InternalError = 70;
}
