using System.Reflection;

namespace Playbook.Cli.Output;

/// <summary>Who wrote an output: the tool's version and where its documentation lives, from the build
/// (Directory.Build.props's Version and RepositoryUrl), so a SARIF log names the exact tool that made it.</summary>
internal static class ToolInfo
{
    private static readonly Assembly Assembly = typeof(ToolInfo).Assembly;

    /// <summary>The full version, with the commit it was built from when the build knew it ("0.1.0+af32e2a…").</summary>
    public static string Version { get; } =
        Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The Semantic Versioning 2.0 version without build metadata ("0.1.0").</summary>
    public static string SemanticVersion { get; } = Version.Split('+')[0];

    /// <summary>The project's home page.</summary>
    public static string InformationUri { get; } = Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "RepositoryUrl")?.Value ?? throw new InvalidOperationException("the build set no RepositoryUrl");

    /// <summary>The language reference (grammar/README.md) on the project's home; a section is "#anchor" after it.</summary>
    public static string ReferenceUri { get; } = InformationUri.TrimEnd('/') + "/blob/main/grammar/README.md";
}
