using System.Reflection;
using System.Text.RegularExpressions;
using Playbook.Checking;
using Playbook.Diagnostics;
using Playbook.Tests.Parsing;
using Playbook.Tests.Scenarios;
using Xunit;

namespace Playbook.Tests.Cases;

/// <summary>The diagnostics catalog, the checks, the case files and the language reference agree.</summary>
public class CatalogMetaTests
{
    /// <summary>IDs covered by a dedicated test instead of a case file (a case would be a committed 4 MB
    /// file; scenario-file diagnostics are about YAML, not playbooks), each with the test that covers it.</summary>
    public static readonly IReadOnlyDictionary<string, (Type Class, string Test)> DedicatedTests = new Dictionary<string, (Type, string)>
    {
        ["PB0007"] = (typeof(RobustnessTests), nameof(RobustnessTests.TenMegabyteFileReportsPB0007Quickly)),
        ["PB0016"] = (typeof(HostileInputTests), nameof(HostileInputTests.A_fifo_is_refused_with_PB0016_without_blocking)),
        ["PB9001"] = (typeof(ScenarioLoaderTests), nameof(ScenarioLoaderTests.Reports_the_diagnostic_at_its_position)),
        ["PB9002"] = (typeof(ScenarioLoaderTests), nameof(ScenarioLoaderTests.Reports_the_diagnostic_at_its_position)),
        ["PB9003"] = (typeof(ScenarioLoaderTests), nameof(ScenarioLoaderTests.Reports_the_diagnostic_at_its_position)),
        ["PB9004"] = (typeof(ScenarioLoaderTests), nameof(ScenarioLoaderTests.Reports_the_diagnostic_at_its_position)),
        ["PB9005"] = (typeof(ScenarioLoaderTests), nameof(ScenarioLoaderTests.Reports_the_diagnostic_at_its_position)),
        ["PB9006"] = (typeof(ScenarioLoaderTests), nameof(ScenarioLoaderTests.Reports_the_diagnostic_at_its_position)),
        ["PB9007"] = (typeof(ScenarioLoaderTests), nameof(ScenarioLoaderTests.Reports_the_diagnostic_at_its_position)),
        ["PB9008"] = (typeof(ScenarioLoaderTests), nameof(ScenarioLoaderTests.Reports_the_diagnostic_at_its_position)),
        ["PB9009"] = (typeof(ScenarioLoaderTests), nameof(ScenarioLoaderTests.Reports_the_diagnostic_at_its_position)),
        ["PB9010"] = (typeof(ScenarioLoaderTests), nameof(ScenarioLoaderTests.Reports_the_diagnostic_at_its_position)),
        ["PB9011"] = (typeof(ScenarioLoaderTests), nameof(ScenarioLoaderTests.Reports_the_diagnostic_at_its_position)),
        ["PB9012"] = (typeof(ScenarioLoaderTests), nameof(ScenarioLoaderTests.Reports_the_diagnostic_at_its_position)),
        ["PB9013"] = (typeof(ScenarioLoaderTests), nameof(ScenarioLoaderTests.Reports_the_diagnostic_at_its_position)),
        ["PB9014"] = (typeof(ScenarioLoaderTests), nameof(ScenarioLoaderTests.Reports_the_diagnostic_at_its_position)),
        ["PB9570"] = (typeof(ScenarioLoaderTests), nameof(ScenarioLoaderTests.Reports_the_diagnostic_at_its_position)),
    };

    /// <summary>PB1xxx–PB4xxx IDs that only the parser reports (no check lists them in <c>Reports</c>), with why.</summary>
    public static readonly IReadOnlyDictionary<string, string> ReportedOnlyByParser = new Dictionary<string, string>
    {
        ["PB3006"] = "'${}' is empty: found while reading the string (PlaybookParser.ReadInterpolation); no check reports PB3006",
    };

    private static IReadOnlyList<string> CatalogIds => DiagnosticCatalog.All.Select(d => d.Id).ToList();

    [Fact]
    public void IdsAreUniqueAndWellFormed()
    {
        Assert.NotEmpty(CatalogIds);
        Assert.All(CatalogIds, id => Assert.Matches(new Regex(@"^PB\d{4}$"), id));
        var duplicates = CatalogIds.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "duplicate IDs: " + string.Join(", ", duplicates));
    }

    [Fact]
    public void TitlesAndMessagesAreNotEmpty()
    {
        Assert.All(DiagnosticCatalog.All, d =>
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Title), d.Id);
            Assert.False(string.IsNullOrWhiteSpace(d.MessageFormat), d.Id);
        });
    }

    [Fact]
    public void EveryIdHasACaseFileOrADedicatedTest()
    {
        var cased = CaseFiles.Enumerate(CaseFiles.SourceCasesRoot).Select(CaseFiles.IdOf).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var missing = CatalogIds.Where(id => !cased.Contains(id) && !DedicatedTests.ContainsKey(id)).ToList();
        Assert.True(missing.Count == 0, "no case file (Cases/data/pbxxxx-….playbook) or dedicated test for: " + string.Join(", ", missing));
    }

    [Fact]
    public void DedicatedTestsExistAndCoverCatalogIds()
    {
        foreach (var (id, (type, test)) in DedicatedTests)
        {
            Assert.Contains(id, CatalogIds);
            var method = type.GetMethod(test, BindingFlags.Public | BindingFlags.Instance);
            Assert.True(method is not null, $"{id}: {type.Name}.{test} does not exist");
            Assert.True(method!.GetCustomAttributes<FactAttribute>().Any(), $"{id}: {type.Name}.{test} is not a test");
        }
    }

    [Fact]
    public void CaseFilesAreNamedAfterCatalogIds()
    {
        var unknown = CaseFiles.Enumerate(CaseFiles.SourceCasesRoot).Where(c => CaseFiles.IdOf(c) is { } id && !CatalogIds.Contains(id)).ToList();
        Assert.True(unknown.Count == 0, "case files named after IDs not in the catalog: " + string.Join(", ", unknown));
    }

    [Fact]
    public void EveryReportedIdIsInTheCatalog()
    {
        var unknown = CheckRegistry.All.SelectMany(c => c.Reports.Select(id => (c.GetType().Name, id)))
            .Where(x => !CatalogIds.Contains(x.id)).ToList();
        Assert.True(unknown.Count == 0, "checks report IDs not in the catalog: " + string.Join(", ", unknown));
    }

    [Fact]
    public void EveryCheckIdIsReportedByARegisteredCheck()
    {
        var reported = CheckRegistry.All.SelectMany(c => c.Reports).ToHashSet(StringComparer.Ordinal);
        var orphans = CatalogIds.Where(id => Regex.IsMatch(id, "^PB[1-4]") && !reported.Contains(id) && !ReportedOnlyByParser.ContainsKey(id)).ToList();
        Assert.True(orphans.Count == 0, "catalog IDs no registered check reports: " + string.Join(", ", orphans));
        // Keep the exception list honest: an ID a check now reports must leave it.
        Assert.All(ReportedOnlyByParser.Keys, id => Assert.DoesNotContain(id, reported));
        Assert.All(ReportedOnlyByParser.Keys, id => Assert.Contains(id, CatalogIds));
    }

    [Fact]
    public void EveryCheckClassIsRegisteredExactlyOnce()
    {
        var types = typeof(IPlaybookCheck).Assembly.GetTypes()
            .Where(t => typeof(IPlaybookCheck).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .ToList();
        Assert.NotEmpty(types);
        var registered = CheckRegistry.All.Select(c => c.GetType()).ToList();
        foreach (var type in types)
            Assert.True(registered.Count(r => r == type) == 1, $"{type.Name} is registered {registered.Count(r => r == type)} times in CheckRegistry.All");
        Assert.Equal(types.Count, registered.Count);
    }

    [Fact]
    public void EveryIdIsDocumentedInGrammarReadme()
    {
        var path = Path.Combine(CaseFiles.SourceRoot(), "grammar", "README.md");
        Assert.True(File.Exists(path), $"{path} is missing: the language reference must document every diagnostic ID");
        var text = File.ReadAllText(path);
        var undocumented = CatalogIds.Where(id => !Regex.IsMatch(text, $@"\b{id}\b")).ToList();
        Assert.True(undocumented.Count == 0, "IDs missing from grammar/README.md: " + string.Join(", ", undocumented));
    }
}
