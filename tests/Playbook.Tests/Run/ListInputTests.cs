using System.Text.Json;
using Xunit;

namespace Playbook.Tests.RealRuns;

/// <summary><c>input N : list</c>: the default, <c>--input N=a,b,c</c>, the JSON form, and <c>--input-file</c>
/// all reach the run as the same list, the journal keeps it so a resume binds the same items, and bad
/// values are refused with a message that names the input or the file.</summary>
public sealed class ListInputTests
{
    private static Dictionary<string, JsonElement> Captures(RunWorkspace work, CliProcess.Result result) =>
        work.Records(result).Where(r => r.GetProperty("type").GetString() == "captured")
            .ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("value"));

    [Fact]
    public void The_default_list_reaches_guards_as_a_list()
    {
        using var work = new RunWorkspace("list-input");
        var result = work.Run("list-input");
        Assert.True(result.Exit == 0, result.ToString());
        var captured = Captures(work, result);
        Assert.Equal(2, captured["n"].GetInt64());
        Assert.Equal("a|b", captured["joined"].GetString());
    }

    [Fact]
    public void Comma_separated_and_json_forms_give_the_items_and_the_journal_keeps_them_exactly()
    {
        using var work = new RunWorkspace("list-input");
        var commas = work.Run("list-input", "--input", "ids=x, y ,z");
        Assert.True(commas.Exit == 0, commas.ToString());
        Assert.Equal("x|y|z", Captures(work, commas)["joined"].GetString());

        // An item holding a comma or a quote survives in the JSON form, and numbers stay numbers.
        var json = work.Run("list-input", "--input", """ids=["a,b", "say \"hi\"", 7]""");
        Assert.True(json.Exit == 0, json.ToString());
        var captured = Captures(work, json);
        Assert.Equal(3, captured["n"].GetInt64());
        Assert.Equal("a,b|say \"hi\"|7", captured["joined"].GetString());
        var started = work.Records(json).First(r => r.GetProperty("type").GetString() == "run-started");
        Assert.Equal("""["a,b", "say \"hi\"", 7]""", started.GetProperty("inputs").GetProperty("ids").GetString());
    }

    [Fact]
    public void An_input_file_gives_lists_as_sequences_and_an_input_flag_overrides_it()
    {
        using var work = new RunWorkspace("list-input");
        File.WriteAllText(work.PathOf("inputs.yaml"), "ids:\n  - one\n  - \"2\"\n  - 3\nlabel: from-file\n");
        var result = work.Run("list-input", "--input-file", "inputs.yaml");
        Assert.True(result.Exit == 0, result.ToString());
        var captured = Captures(work, result);
        Assert.Equal("one|2|3", captured["joined"].GetString());
        Assert.Equal("from-file", captured["said"].GetString());

        File.WriteAllText(work.PathOf("inputs.json"), """{"ids": [5, 6], "label": "json"}""");
        var json = work.Run("list-input", "--input-file", "inputs.json", "--input", "label=flag");
        Assert.True(json.Exit == 0, json.ToString());
        captured = Captures(work, json);
        Assert.Equal("5|6", captured["joined"].GetString());
        Assert.True(captured["first_is_number"].GetBoolean());
        Assert.Equal("flag", captured["said"].GetString());
    }

    [Theory]
    [InlineData("ids:\n  nested: map\n", "inputs.yaml:2:3: a map is not accepted here")]
    [InlineData("ids: [[1, 2]]\n", "inputs.yaml:1:7: a list is not accepted here")]
    [InlineData("- a\n- b\n", "inputs.yaml:1:1: a list is not accepted here: an input file is a map")]
    [InlineData("ids: [a\n", "inputs.yaml:")]
    [InlineData("a: &x [1]\nids: *x\n", "aliases are not accepted here")]
    [InlineData("ids: [a]\nids: [b]\n", "inputs.yaml:2:1: input 'ids' is given twice")]
    public void A_bad_input_file_is_refused_with_its_name_and_position_and_nothing_runs(string content, string expected)
    {
        using var work = new RunWorkspace("list-input");
        File.WriteAllText(work.PathOf("inputs.yaml"), content);
        var result = work.Run("list-input", "--input-file", "inputs.yaml");
        Assert.True(result.Exit == 2, result.ToString());
        Assert.Contains(expected, result.Err);
        Assert.Null(work.SingleJournal());
    }

    [Fact]
    public void A_missing_input_file_and_a_bad_list_value_are_clear_errors()
    {
        using var work = new RunWorkspace("list-input");
        var missing = work.Run("list-input", "--input-file", "nope.yaml");
        Assert.True(missing.Exit == 2, missing.ToString());
        Assert.Contains("--input-file nope.yaml: cannot read it", missing.Err);

        var bad = work.Run("list-input", "--input", """ids=[{"a": 1}]""");
        Assert.True(bad.Exit == 2, bad.ToString());
        Assert.Contains("input 'ids' is list", bad.Err);
    }

    [Fact]
    public void Simulate_takes_list_inputs_and_input_files_too()
    {
        using var work = new RunWorkspace("list-input");
        File.WriteAllText(work.PathOf("inputs.yaml"), "ids: [p, q, r]\n");
        var result = work.Cli("simulate", "list-input.playbook", "--input-file", "inputs.yaml");
        Assert.True(result.Exit == 0, result.ToString());
        var bad = work.Cli("simulate", "list-input.playbook", "--input-file", "missing.yaml");
        Assert.True(bad.Exit == 2, bad.ToString());
    }
}
