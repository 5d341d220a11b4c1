using Playbook.Tests.Cases;
using Xunit;

namespace Playbook.Tests.Graph;

/// <summary>Golden files of graph output, kept in the source tree beside their playbook (Graph/data/NAME.EXT).
/// <c>PLAYBOOK_UPDATE_BASELINES=1 dotnet test</c> rewrites them, as it does the diagnostic baselines.</summary>
internal static class GraphGolden
{
    public static string Folder => Path.Combine(CaseFiles.SourceRoot(), "tests", "Playbook.Tests", "Graph", "data");

    public static void AssertMatches(string actual, string fileName)
    {
        var path = Path.Combine(Folder, fileName);
        if (CaseFiles.UpdateRequested) File.WriteAllText(path, actual);
        Assert.True(File.Exists(path), $"{path} is missing: run with {CaseFiles.UpdateVariable}=1 to write it");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }
}
