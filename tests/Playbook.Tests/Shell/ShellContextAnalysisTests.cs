using Playbook.Shell;
using Xunit;

namespace Playbook.Tests.Shell;

/// <summary>The shell-context analysis shared by the checker and the renderer: a table of snippets, each
/// with its holes written as §, and the context each hole must get.</summary>
public sealed class ShellContextAnalysisTests
{
    private static IReadOnlyList<ShellHoleContext> Analyze(string snippet)
    {
        var pieces = snippet.Split('§');
        var parts = new List<string?>();
        for (var i = 0; i < pieces.Length; i++)
        {
            if (i > 0) parts.Add(null);
            parts.Add(pieces[i]);
        }
        return ShellContextAnalysis.Analyze(parts);
    }

    [Theory]
    // Words: bash never reads the value again.
    [InlineData("echo §", ShellQuoting.Unquoted)]
    [InlineData("echo \"a § b\"", ShellQuoting.DoubleQuoted)]
    [InlineData("echo 'a § b'", ShellQuoting.SingleQuoted)]
    [InlineData("echo $'a § b'", ShellQuoting.AnsiCQuoted)]
    [InlineData("echo hi # it's §", ShellQuoting.Comment)]
    [InlineData("echo \"$(echo §)\"", ShellQuoting.Unquoted)]
    [InlineData("bash script.sh §", ShellQuoting.Unquoted)]
    [InlineData("bash -c 'echo \"$1\"' _ §", ShellQuoting.Unquoted)]
    [InlineData("[ § -gt 3 ]", ShellQuoting.Unquoted)]
    [InlineData("[[ § == x ]]", ShellQuoting.Unquoted)]
    [InlineData("[[ 1 -gt 0 ]] && echo §", ShellQuoting.Unquoted)]
    [InlineData("cat <<< §", ShellQuoting.Unquoted)]
    [InlineData("echo ${x:-§}", ShellQuoting.Unquoted)]
    [InlineData("cat <<EOF\nx\nEOF\necho §", ShellQuoting.Unquoted)]
    [InlineData("x=$(cat <<'EOF'\nhi\nEOF\n) && echo §", ShellQuoting.Unquoted)]
    [InlineData("echo `date` §", ShellQuoting.Unquoted)]
    [InlineData("echo $(( 1 + 2 )) §", ShellQuoting.Unquoted)]
    [InlineData("ssh-keygen -l -f §", ShellQuoting.Unquoted)]
    public void Plain_words_are_safe(string snippet, ShellQuoting quoting)
    {
        var hole = Assert.Single(Analyze(snippet));
        Assert.Equal(ShellDanger.None, hole.Danger);
        Assert.Equal(quoting, hole.Quoting);
    }

    [Theory]
    [InlineData("echo next=$(( § + 1 ))", "'$(( ))'")]
    [InlineData("echo \"next=$(( § + 1 ))\"", "'$(( ))'")]
    [InlineData("echo $(( (§ + 1) * 2 ))", "'$(( ))'")]
    [InlineData("(( § > 3 )) && echo big", "'(( ))'")]
    [InlineData("for (( i = 0; i < §; i++ )); do :; done", "'(( ))'")]
    [InlineData("echo $[ § + 1 ]", "'$[ ]'")]
    [InlineData("let x=§+1", "'let'")]
    [InlineData("[[ § -gt 3 ]]", "'[[ … -gt … ]]'")]
    [InlineData("[[ 3 -lt § ]]", "'[[ … -lt … ]]'")]
    [InlineData("if [[ -n x && § -ge 2 ]]; then echo y; fi", "'[[ … -ge … ]]'")]
    [InlineData("a[§]=1", "an array subscript")]
    [InlineData("echo ${a[§]}", "an array subscript")]
    [InlineData("unset a[§]", "an array subscript")]
    [InlineData("unset \"a[§]\"", "an array subscript")]
    [InlineData("echo ${s:§:2}", "a substring offset '${name:offset}'")]
    [InlineData("declare -i n=§", "'declare -i'")]
    [InlineData("local -i n; n=§", "an assignment to 'n', which 'declare -i' made an integer")]
    public void Arithmetic_is_found(string snippet, string reason)
    {
        var hole = Assert.Single(Analyze(snippet));
        Assert.Equal(ShellDanger.Arithmetic, hole.Worst);
        Assert.True(hole.NeedsNumber);
        Assert.Equal(reason, hole.Reason);
    }

    [Theory]
    [InlineData("bash -c 'echo restarting §'")]
    [InlineData("sh -c \"echo §\"")]
    [InlineData("zsh -c §")]
    [InlineData("bash -ec 'echo §'")]
    [InlineData("bash -o pipefail -c 'echo §'")]
    [InlineData("sudo sh -c 'echo §'")]
    [InlineData("sudo -u postgres bash -c 'echo §'")]
    [InlineData("exec sh -c 'x §'")]
    [InlineData("echo a | xargs sh -c 'echo §'")]
    [InlineData("kubectl exec pod -- sh -c 'echo §'")]
    [InlineData("find . -exec /bin/sh -c 'echo §' \\;")]
    [InlineData("ssh host 'systemctl restart §'")]
    [InlineData("ssh host systemctl restart §")]
    [InlineData("ssh § uptime")]
    [InlineData("eval echo §")]
    [InlineData("su - postgres -c 'psql §'")]
    [InlineData("watch -n 5 'echo §'")]
    [InlineData("trap 'echo §' EXIT")]
    [InlineData("sudo -i systemctl restart §")]
    [InlineData("python3 -c 'print(§)'")]
    [InlineData("bash -c \"$(echo §)\"")]
    [InlineData("bash -c 'echo $(( § ))'")]
    [InlineData("timeout 5 bash -c 'echo §'")]
    public void Nested_shells_are_found(string snippet)
    {
        var hole = Assert.Single(Analyze(snippet));
        Assert.Equal(ShellDanger.NestedShell, hole.Worst);
    }

    [Theory]
    [InlineData("cat <<EOF\n§\nEOF", ShellQuoting.HereDoc)]
    [InlineData("cat <<EOF > out.txt\nname=§\nEOF", ShellQuoting.HereDoc)]
    [InlineData("cat <<'EOF'\n§\nEOF", ShellQuoting.QuotedHereDoc)]
    [InlineData("cat <<\"EOF\"\n§\nEOF", ShellQuoting.QuotedHereDoc)]
    [InlineData("cat <<\\EOF\n§\nEOF", ShellQuoting.QuotedHereDoc)]
    [InlineData("cat <<-EOF\n\tx\n\t§\n\tEOF", ShellQuoting.HereDoc)]
    [InlineData("cat <<EOF\nEOFX §\nEOF", ShellQuoting.HereDoc)]
    [InlineData("cat <<A <<B\na\nA\n§\nB", ShellQuoting.HereDoc)]
    [InlineData("psql <<EOF # comment\n§\nEOF", ShellQuoting.HereDoc)]
    [InlineData("x=$(cat <<EOF\n§\nEOF\n)", ShellQuoting.HereDoc)]
    public void Here_documents_are_followed(string snippet, ShellQuoting quoting)
    {
        var hole = Assert.Single(Analyze(snippet));
        Assert.Equal(ShellDanger.HereDoc, hole.Worst);
        Assert.Equal(quoting, hole.Quoting);
    }

    [Fact]
    public void A_substitution_inside_a_here_document_is_still_in_it()
    {
        var hole = Assert.Single(Analyze("cat <<EOF\nx $(echo §)\nEOF"));
        Assert.Equal(ShellDanger.HereDoc, hole.Worst);
        Assert.Equal(ShellQuoting.Unquoted, hole.Quoting);
    }

    [Fact]
    public void Only_the_holes_inside_a_tab_stripped_here_document_are_in_it()
    {
        var holes = Analyze("cat <<-EOF\n\t§\n\tEOF\necho §");
        Assert.Equal(ShellDanger.HereDoc, holes[0].Worst);
        Assert.Equal(ShellDanger.None, holes[1].Danger);
        Assert.Equal(ShellQuoting.Unquoted, holes[1].Quoting);
    }

    [Theory]
    [InlineData("echo `echo §`", ShellQuoting.Unquoted)]
    [InlineData("echo \"`echo §`\"", ShellQuoting.Unquoted)]
    [InlineData("echo `echo '§'`", ShellQuoting.SingleQuoted)]
    [InlineData("echo $(( `echo §` + 1 ))", ShellQuoting.Unquoted)]
    public void Backquotes_are_followed(string snippet, ShellQuoting quoting)
    {
        var hole = Assert.Single(Analyze(snippet));
        Assert.Equal(ShellDanger.Backquote, hole.Worst);
        Assert.Equal(quoting, hole.Quoting);
    }

    [Fact]
    public void Arithmetic_inside_backquotes_needs_a_number()
    {
        var hole = Assert.Single(Analyze("echo `echo $(( § ))`"));
        Assert.Equal(ShellDanger.Backquote, hole.Worst);
        Assert.True(hole.NeedsNumber);
    }

    [Theory]
    [InlineData("§ --now", true)]
    [InlineData("\"§\"", true)]
    [InlineData("X=1 § arg", true)]
    [InlineData("echo §", false)]
    [InlineData("sudo §", false)]
    [InlineData("§x", false)]
    public void A_hole_that_is_the_whole_command_word_is_known(string snippet, bool commandWord)
    {
        Assert.Equal(commandWord, Assert.Single(Analyze(snippet)).IsCommandWord);
    }

    [Fact]
    public void A_backslash_before_a_hole_is_reported_for_the_renderer()
    {
        Assert.True(Assert.Single(Analyze("echo \\§")).EscapePending);
        Assert.False(Assert.Single(Analyze("echo \\\\§")).EscapePending);
    }

    [Fact]
    public void Each_hole_gets_its_own_context()
    {
        var holes = Analyze("echo § \"§\" $(( § )) | bash -c 'x §' && cat <<EOF\n§\nEOF");
        Assert.Equal(new[] { ShellDanger.None, ShellDanger.None, ShellDanger.Arithmetic, ShellDanger.NestedShell, ShellDanger.HereDoc },
            holes.Select(h => h.Worst));
    }

    [Theory]
    [InlineData("echo $(( § ")]
    [InlineData("cat <<EOF\n§")]
    [InlineData("echo `§")]
    [InlineData("echo \"§")]
    [InlineData("<<")]
    [InlineData("echo $(((((§")]
    public void Unfinished_text_still_gets_a_context(string snippet)
    {
        Assert.Equal(snippet.Count(c => c == '§'), Analyze(snippet).Count);
    }

    public static TheoryData<string> HostileTemplates => new()
    {
        // One word holding 20 000 holes, one command of 40 000 words, many ssh/su words, 20 000 nested
        // substitutions, 20 000 here-documents queued on one line: each would take minutes if some step
        // were quadratic (a few hundred milliseconds when linear, even on a loaded machine).
        string.Concat(Enumerable.Repeat("a[x§", 20_000)),
        string.Concat(Enumerable.Repeat("w § ", 20_000)),
        string.Concat(Enumerable.Repeat("ssh su § ", 20_000)),
        string.Concat(Enumerable.Repeat("$(", 20_000)) + "§" + new string(')', 20_000),
        string.Concat(Enumerable.Repeat("cat <<E", 20_000)) + "\n§\nE\n",
        "[[ " + string.Concat(Enumerable.Repeat("§ -gt ", 20_000)) + "]]",
    };

    [Theory]
    [MemberData(nameof(HostileTemplates))]
    public void Hostile_templates_are_analysed_in_linear_time(string snippet)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var holes = Analyze(snippet);
        Assert.Equal(snippet.Count(c => c == '§'), holes.Count);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed} for {snippet.Length} characters");
    }

    [Fact]
    public void Text_nested_too_deep_to_follow_makes_its_holes_unsafe()
    {
        var hole = Assert.Single(Analyze(string.Concat(Enumerable.Repeat("echo $(", ShellContextAnalysis.MaxDepth + 5)) + "§"));
        Assert.Equal(ShellDanger.NestedShell, hole.Worst);
    }
}
