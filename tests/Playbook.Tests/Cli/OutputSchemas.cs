using System.Text.Json.Nodes;
using Json.Schema;

namespace Playbook.Tests.Cli;

/// <summary>The JSON Schemas of the outputs, as shipped in schemas/ (common.schema.json holds what they share),
/// loaded into one registry so their cross-file $refs resolve offline.</summary>
internal static class OutputSchemas
{
    public static string Directory => Path.Combine(Library.PlaybookLibraryTests.RepositoryRoot(), "schemas");

    private static readonly Lazy<Dictionary<string, JsonSchema>> Schemas = new(() =>
        System.IO.Directory.GetFiles(Directory, "*.schema.json")
            .ToDictionary(f => Path.GetFileName(f), f => JsonSchema.FromText(File.ReadAllText(f)), StringComparer.Ordinal));

    /// <summary>Why <paramref name="json"/> does not match schemas/<paramref name="schemaFile"/>: one line per
    /// failed keyword, with where in the document; empty when it matches.</summary>
    public static IReadOnlyList<string> Problems(string schemaFile, string json)
    {
        var options = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
        foreach (var schema in Schemas.Value.Values) options.SchemaRegistry.Register(schema);
        var result = Schemas.Value[schemaFile].Evaluate(JsonNode.Parse(json), options);
        if (result.IsValid) return [];
        return result.Details
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
            .DefaultIfEmpty("invalid, with no detail")
            .ToList();
    }

    /// <summary>Asserts the document matches, printing every problem and the document when it does not.</summary>
    public static void AssertValid(string schemaFile, string json)
    {
        var problems = Problems(schemaFile, json);
        Xunit.Assert.True(problems.Count == 0, $"output does not match schemas/{schemaFile}:\n{string.Join('\n', problems.Take(30))}\n--- document\n{json}");
    }
}
