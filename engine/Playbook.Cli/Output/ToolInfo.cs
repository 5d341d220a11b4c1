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

    /// <summary>The project's home page, when the build was given one (<c>-p:RepositoryUrl=…</c>); null otherwise:
    /// no output names a home that was made up.</summary>
    public static string? InformationUri { get; } = Metadata("RepositoryUrl");

    /// <summary>The language reference (grammar/README.md) on the project's home at the branch or tag the tool was
    /// built from; a section is "#anchor" after it. Null without a home.</summary>
    public static string? ReferenceUri { get; } = ReferenceOn(InformationUri, Metadata("RepositoryBranch"));

    /// <summary>The language reference installed beside the tool (playbook-language.md, as <c>playbook lsp</c> links
    /// to it), as a file: URI; null when it is not there. The links of a build given no home: a real target, and
    /// the copy that matches this version.</summary>
    public static string? InstalledReferenceUri { get; } =
        Path.Combine(AppContext.BaseDirectory, "playbook-language.md") is var path && File.Exists(path) ? new Uri(path).AbsoluteUri : null;

    internal static string? ReferenceOn(string? home, string? branch) =>
        home is null ? null : $"{home.TrimEnd('/')}/blob/{(string.IsNullOrEmpty(branch) ? "main" : branch)}/grammar/README.md";

    private static string? Metadata(string key) =>
        Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value is { Length: > 0 } value ? value : null;
}
