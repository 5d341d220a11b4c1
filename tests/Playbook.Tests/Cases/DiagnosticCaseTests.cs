using Xunit;

namespace Playbook.Tests.Cases;

/// <summary>Runs every case under tests/Playbook.Tests/Cases/data through <c>PlaybookDocument.Load(path).Check()</c>
/// and compares the rendered diagnostics with the case's <c>.diagnostics.txt</c> baseline.
///
/// To regenerate the baselines after an intended change of the engine's output, run
/// <c>PLAYBOOK_UPDATE_BASELINES=1 dotnet test</c>: every case then rewrites its baseline in the
/// SOURCE tree (tests/Playbook.Tests/Cases/data, found by walking up to Playbook.sln), not in bin/.
/// Then read the git diff of every baseline: a baseline that enshrines a wrong position or message
/// is worse than none.</summary>
public class DiagnosticCaseTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in CaseFiles.Enumerate(CaseFiles.OutputCasesRoot)) data.Add(c);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CaseMatchesBaseline(string casePath)
    {
        var full = Path.Combine(CaseFiles.OutputCasesRoot, casePath);
        var diagnostics = PlaybookDocument.Load(full).Check();
        var actual = CaseFiles.Render(diagnostics, CaseFiles.OutputCasesRoot);

        var baselinePath = Path.Combine(CaseFiles.OutputCasesRoot, CaseFiles.BaselineOf(casePath));
        if (KnownEngineBugs.Contains(casePath))
        {
            // The baseline says what the engine SHOULD print; until it does, expect a difference.
            Assert.True(File.Exists(baselinePath), $"{casePath} is a known engine bug but has no baseline with the correct output");
            var correct = CaseFiles.Normalize(File.ReadAllText(baselinePath));
            Assert.True(correct != actual,
                $"{casePath} now matches its baseline: the engine bug ({KnownEngineBugs.Cases[casePath]}) looks fixed; remove it from KnownEngineBugs.");
            return;
        }

        if (CaseFiles.UpdateRequested)
        {
            var target = Path.Combine(CaseFiles.SourceCasesRoot, CaseFiles.BaselineOf(casePath));
            File.WriteAllText(target, actual);
        }
        else
        {
            Assert.True(File.Exists(baselinePath),
                $"{casePath} has no baseline {CaseFiles.BaselineOf(casePath)}; run {CaseFiles.UpdateVariable}=1 dotnet test to create it. Actual output:\n{actual}");
            var expected = CaseFiles.Normalize(File.ReadAllText(baselinePath));
            if (expected != actual)
            {
                Assert.Fail($"{casePath}: diagnostics differ from {CaseFiles.BaselineOf(casePath)} " +
                            $"(set {CaseFiles.UpdateVariable}=1 to regenerate if the change is intended)\n" +
                            $"--- expected\n{expected}--- actual\n{actual}---");
            }
        }

        // A case named after an ID must report that ID (even while regenerating baselines).
        if (CaseFiles.IdOf(casePath) is { } id)
            Assert.True(diagnostics.Any(d => d.Id == id), $"{casePath} is named after {id} but does not report it:\n{actual}");
        else
            Assert.True(diagnostics.Count >= 2, $"{casePath} is a multi case but reports fewer than two diagnostics:\n{actual}");
    }

    [Fact]
    public void KnownEngineBugsNameExistingCases()
    {
        var cases = CaseFiles.Enumerate(CaseFiles.OutputCasesRoot);
        Assert.All(KnownEngineBugs.Cases.Keys, c => Assert.Contains(c, cases));
    }

    [Fact]
    public void EveryCaseHasABaselineAndEveryBaselineACase()
    {
        var root = CaseFiles.SourceCasesRoot;
        var cases = CaseFiles.Enumerate(root).Select(CaseFiles.BaselineOf).ToHashSet(StringComparer.Ordinal);
        var baselines = Directory.EnumerateFiles(root, "*.diagnostics.txt", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(baselines.Except(cases));
        Assert.Empty(cases.Except(baselines));
    }

    [Fact]
    public void CasesAreCopiedToTheOutput()
    {
        Assert.Equal(CaseFiles.Enumerate(CaseFiles.SourceCasesRoot), CaseFiles.Enumerate(CaseFiles.OutputCasesRoot));
    }
}
