using Playbook.LiveRuns.Actions;
using Xunit;
using static Playbook.Tests.LiveRuns.ShellTestKit;

namespace Playbook.Tests.LiveRuns;

public sealed class ShellScriptTests
{
    private static readonly IReadOnlyDictionary<string, string> NoSecrets = new Dictionary<string, string>();

    public static TheoryData<string> NastyValues => new()
    {
        "x; touch pwned",
        "$(touch pwned)",
        "`touch pwned`",
        "'",
        "\"",
        "\\",
        "a\nb",
        "*",
        "-n",
        "-e x",
        "it's \"quoted\" \\ $HOME ${PATH} $(touch pwned) `touch pwned`",
        "  spaced  ",
        "",
        "ünïcødé ✓",
    };

    [Theory]
    [InlineData(new[] { "echo ", "{v}" }, "echo \"$PLAYBOOK_ARG_1\"")]
    [InlineData(new[] { "echo \"a ", "{v}", " b\"" }, "echo \"a ${PLAYBOOK_ARG_1} b\"")]
    [InlineData(new[] { "echo 'a ", "{v}", " b'" }, "echo 'a '\"$PLAYBOOK_ARG_1\"' b'")]
    [InlineData(new[] { "echo $'a ", "{v}", " b'" }, "echo $'a '\"$PLAYBOOK_ARG_1\"$' b'")]
    // A quote inside the other kind does not toggle: an apostrophe in "…", a double quote in '…'.
    [InlineData(new[] { "echo \"it's ", "{v}", "\"" }, "echo \"it's ${PLAYBOOK_ARG_1}\"")]
    [InlineData(new[] { "echo 'say \"", "{v}", "'" }, "echo 'say \"'\"$PLAYBOOK_ARG_1\"''")]
    // Escaped quotes do not open anything.
    [InlineData(new[] { "echo \\' ", "{v}" }, "echo \\' \"$PLAYBOOK_ARG_1\"")]
    [InlineData(new[] { "echo \"a\\\"b ", "{v}", "\"" }, "echo \"a\\\"b ${PLAYBOOK_ARG_1}\"")]
    // An apostrophe in a comment is not a quote.
    [InlineData(new[] { "# don't panic\necho ", "{v}" }, "# don't panic\necho \"$PLAYBOOK_ARG_1\"")]
    // $( … ) starts fresh quoting, even inside "…".
    [InlineData(new[] { "echo \"$(printf %s \"", "{v}", "\")\"" }, "echo \"$(printf %s \"${PLAYBOOK_ARG_1}\")\"")]
    [InlineData(new[] { "echo \"$(printf %s ", "{v}", ")\"" }, "echo \"$(printf %s \"$PLAYBOOK_ARG_1\")\"")]
    // A backslash right before a hole would escape the reference's opening quote: it is dropped.
    [InlineData(new[] { "echo \\", "{v}" }, "echo \"$PLAYBOOK_ARG_1\"")]
    public void Each_quoting_context_gets_its_own_reference(string[] parts, string expected)
    {
        var rendered = ShellScript.Render(Template(parts), Scope(("v", "value")), null, NoSecrets);
        Assert.Equal(expected, rendered.Script);
        Assert.Equal("value", rendered.Environment["PLAYBOOK_ARG_1"]);
    }

    [Fact]
    public void Quoting_is_followed_across_holes_and_numbers_count_up()
    {
        var rendered = ShellScript.Render(Template("cp ", "{a}", " '", "{b}", "' \"", "{c}", "\" ", "{d}"),
            Scope(("a", 1L), ("b", 2.5), ("c", true), ("d", null)), null, NoSecrets);
        Assert.Equal("cp \"$PLAYBOOK_ARG_1\" ''\"$PLAYBOOK_ARG_2\"'' \"${PLAYBOOK_ARG_3}\" \"$PLAYBOOK_ARG_4\"", rendered.Script);
        Assert.Equal(new Dictionary<string, string> { ["PLAYBOOK_ARG_1"] = "1", ["PLAYBOOK_ARG_2"] = "2.5", ["PLAYBOOK_ARG_3"] = "true", ["PLAYBOOK_ARG_4"] = "" },
            rendered.Environment);
    }

    [Fact]
    public void Holes_can_read_the_action_outputs()
    {
        var outputs = new Dictionary<string, object?> { ["v"] = "from outputs" };
        var rendered = ShellScript.Render(Template("echo ", "{v}"), Scope(("v", "from scope")), outputs, NoSecrets);
        Assert.Equal("from outputs", rendered.Environment["PLAYBOOK_ARG_1"]);
    }

    [Fact]
    public void Secrets_are_exported_and_never_written_into_the_script()
    {
        var secrets = new Dictionary<string, string> { ["api_token"] = "s3cr3t-value", ["db-pass"] = "hunter2" };
        var rendered = ShellScript.Render(Template("curl -H \"Authorization: Bearer ", "{api_token}", "\" ", "{url}"),
            Scope(("api_token", "s3cr3t-value"), ("url", "https://example")), null, secrets);
        Assert.DoesNotContain("s3cr3t-value", rendered.Script);
        Assert.DoesNotContain("hunter2", rendered.Script);
        Assert.Equal("s3cr3t-value", rendered.Environment["PLAYBOOK_SECRET_API_TOKEN"]);
        Assert.Equal("hunter2", rendered.Environment["PLAYBOOK_SECRET_DB_PASS"]);
        Assert.Equal("s3cr3t-value", rendered.Environment["PLAYBOOK_ARG_1"]);
    }

    [Theory]
    [MemberData(nameof(NastyValues))]
    public async Task Bash_gets_back_the_raw_value_in_every_quoting_context(string value)
    {
        var dir = TempDirectory();
        try
        {
            // printf, not echo: echo would read a leading -n or -e as an option. '|' separates the contexts.
            var template = Template("printf '%s|' ", "{v}", " \"", "{v}", "\" '", "{v}", "' $'", "{v}", "' \"$(printf %s \"", "{v}", "\")\"");
            var script = ShellScript.Render(template, Scope(("v", value)), null, NoSecrets);
            var result = await ShellRunner.RunAsync(script, dir, TimeSpan.FromSeconds(10), null, CancellationToken.None);
            Assert.Equal("", result.Stderr);
            Assert.Equal(0, result.ExitCode);
            Assert.Equal(string.Concat(Enumerable.Repeat(value + "|", 5)), result.Stdout);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Scripts_read_secrets_from_the_environment()
    {
        var secrets = new Dictionary<string, string> { ["token"] = "t0k3n" };
        var script = ShellScript.Render(Template("printf %s \"$PLAYBOOK_SECRET_TOKEN\""), Scope(), null, secrets);
        var result = await ShellRunner.RunAsync(script, Path.GetTempPath(), TimeSpan.FromSeconds(10), null, CancellationToken.None);
        Assert.Equal("t0k3n", result.Stdout);
    }

    /// <summary>Defence in depth: even a value the checker was not asked about (rendered directly here)
    /// never reaches arithmetic, a nested shell, a here-document or backquotes unless it is plain.</summary>
    [Theory]
    [InlineData(new[] { "echo $(( ", "{v}", " + 1 ))" }, "a[$(touch pwned)]")]
    [InlineData(new[] { "echo $(( ", "{v}", " + 1 ))" }, "true")]
    [InlineData(new[] { "bash -c 'echo ", "{v}", "'" }, "x; touch pwned")]
    [InlineData(new[] { "cat <<EOF\n", "{v}", "\nEOF" }, "\"db1\"")]
    [InlineData(new[] { "cat <<'EOF'\n", "{v}", "\nEOF" }, "x\nEOF\ntouch pwned")]
    [InlineData(new[] { "echo `echo ", "{v}", "`" }, "*")]
    public void A_value_that_is_not_plain_is_refused_where_bash_reads_it_again(string[] parts, string value)
    {
        var refused = Assert.Throws<ShellValueRefusedException>(() => ShellScript.Render(Template(parts), Scope(("v", value)), null, NoSecrets));
        Assert.Contains("the command was not run", refused.Message);
    }

    [Theory]
    [InlineData(new[] { "echo $(( ", "{v}", " + 1 ))" }, 41L, "echo $(( \"$PLAYBOOK_ARG_1\" + 1 ))")]
    [InlineData(new[] { "cat <<EOF\nn=", "{v}", "\nEOF" }, 3L, "cat <<EOF\nn=${PLAYBOOK_ARG_1}\nEOF")]
    [InlineData(new[] { "cat <<'EOF'\nn=", "{v}", "\nEOF" }, 3L, "cat <<'EOF'\nn=3\nEOF")]
    public void A_plain_value_is_referred_to_as_its_context_needs(string[] parts, object value, string expected)
    {
        Assert.Equal(expected, ShellScript.Render(Template(parts), Scope(("v", value)), null, NoSecrets).Script);
    }
}
