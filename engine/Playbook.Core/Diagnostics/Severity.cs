namespace Playbook.Diagnostics;

public enum Severity
{
    Error,
    Warning,
    Info,
}

public static class SeverityExtensions
{
    public static string ToLowerString(this Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "info",
    };
}
