using Playbook.Compiling;
using Playbook.Diagnostics;
using Playbook.Formatting;
using Playbook.Tests.Cases;
using Xunit;

namespace Playbook.Tests.Formatting;

/// <summary><c>PlaybookFormatter.Format</c>: the canonical layout, and the promises of <c>playbook fmt</c> —
/// idempotent, every comment kept, the same machine before and after, syntax errors refused.</summary>
public sealed class FormatterTests
{
    private const string Messy = """
        # header comment

        # second header
        playbook messy {
            title    "Messy"  ;  rto 10m   # objective
          input  n : int=3
          let x=cs`n + 1`
          step a "First" {   # about a
              shell "echo ${n}"
            timeout 1m ; retry 2 backoff 1s x2
                on ok -> b
            on fail,timeout  ->   done   # give up
            simulate {
                duration 1s..2s
              fail 10%
            }
          }
          # b waits
          wait b { for 30s; -> c }
          step c { call other with { a = 1,
                b = "two" }
            -> done }


          decide d {
            when `n > 3` -> a
               else -> done
          }
          end done success "ok"   # the end
        }
        # trailer

        """;

    private const string Canonical = """
        # header comment

        # second header
        playbook messy {
          title "Messy"
          rto 10m  # objective
          input n : int = 3
          let x = cs`n + 1`

          step a "First" {  # about a
            shell "echo ${n}"
            timeout 1m
            retry 2 backoff 1s x2
            on ok            -> b
            on fail, timeout -> done  # give up
            simulate {
              duration 1s..2s
              fail 10%
            }
          }

          # b waits
          wait b { for 30s  -> c }

          step c {
            call other with { a = 1,
              b = "two" }
            -> done
          }

          decide d {
            when `n > 3` -> a
            else         -> done
          }

          end done success "ok"  # the end
        }
        # trailer

        """;

    private static string Formatted(string text)
    {
        var result = PlaybookFormatter.Format(text, "test.playbook");
        Assert.True(result.Succeeded, $"not formatted: {result.InternalError} {string.Join("; ", result.Diagnostics)}");
        return result.Text!;
    }

    [Fact]
    public void Messy_layout_becomes_the_canonical_one()
    {
        Assert.Equal(Canonical, Formatted(Messy));
    }

    [Fact]
    public void The_canonical_layout_is_left_as_it_is()
    {
        var result = PlaybookFormatter.Format(Canonical, "test.playbook");
        Assert.Equal(Canonical, result.Text);
        Assert.False(result.Changed);
        Assert.True(PlaybookFormatter.Format(Messy).Changed);
    }

    [Fact]
    public void One_line_blocks_stay_on_one_line_with_two_spaces_between_statements()
    {
        var text = "playbook p {\n  step a { shell \"x\" ;timeout 1m;-> b }\n  end b success\n}\n";
        Assert.Equal("playbook p {\n  step a { shell \"x\"  timeout 1m  -> b }\n  end b success\n}\n", Formatted(text));
    }

    [Fact]
    public void Long_strings_and_multi_line_expressions_are_copied_character_for_character()
    {
        var text = "playbook p {\n description \"\"\"\n      keep   this\n    and this  \n  \"\"\"\n step a { script `[1,\n      2].length`\n  -> b }\n end b success\n}\n";
        var formatted = Formatted(text);
        Assert.Contains("\"\"\"\n      keep   this\n    and this  \n  \"\"\"", formatted);
        Assert.Contains("`[1,\n      2].length`", formatted);
    }

    [Fact]
    public void CRLF_input_keeps_CRLF_and_formats_like_LF()
    {
        var crlf = Messy.Replace("\n", "\r\n");
        var formatted = Formatted(crlf);
        Assert.Equal(Canonical.Replace("\n", "\r\n"), formatted);
        Assert.DoesNotContain("\n", formatted.Replace("\r\n", ""));
        Assert.False(PlaybookFormatter.Format(formatted).Changed);
    }

    [Fact]
    public void A_lone_CR_file_is_read_like_LF_and_written_with_LF()
    {
        Assert.Equal(Canonical, Formatted(Messy.Replace("\n", "\r")));
    }

    [Fact]
    public void A_byte_order_mark_is_kept()
    {
        Assert.Equal("\uFEFF" + Canonical, Formatted("\uFEFF" + Messy));
    }

    [Fact]
    public void Syntax_errors_are_refused_with_their_diagnostics()
    {
        var result = PlaybookFormatter.Format("playbook p {\n  step a {\n    shell \"echo\n  }\n}\n", "bad.playbook");
        Assert.False(result.Succeeded);
        Assert.Null(result.Text);
        Assert.Null(result.InternalError);
        var error = Assert.Single(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Equal("PB0002", error.Id);
        Assert.Equal("bad.playbook:3:11: error PB0002", error.ToString()[..error.ToString().IndexOf(": string", StringComparison.Ordinal)]);
    }

    [Fact]
    public void The_meaning_check_sees_a_changed_target_and_ignores_layout()
    {
        static string Dump(string text) => SyntaxDump.Of(Playbook.Parsing.PlaybookParser.Parse(new Text.SourceFile("p", text)).Syntax!);
        Assert.Equal(Dump("playbook p { step a { shell \"x\" -> b } end b success }"), Dump("playbook p {\n  step a {\n    shell \"x\";\n    -> b\n  }\n\n  end b success\n}\n"));
        Assert.NotEqual(Dump("playbook p { step a { shell \"x\" -> b } end b success end c success }"), Dump("playbook p { step a { shell \"x\" -> c } end b success end c success }"));
        Assert.NotEqual(Dump("playbook p { step a { script `1 +  2` -> b } end b success }"), Dump("playbook p { step a { script `1 + 2` -> b } end b success }"));
    }

    /// <summary>A diagnostic without its position, and without the line numbers some messages name ("set at line 4").</summary>
    private static string WithoutLines(Diagnostic d) =>
        System.Text.RegularExpressions.Regex.Replace($"{d.Id} {d.Message} {d.Hint}", @"\bline \d+", "line N");

    /// <summary>Every playbook in the repository that parses: the shipped ones, the diagnostic cases, the CLI,
    /// scenario and run test data, the tools' and the editor's test files.</summary>
    public static TheoryData<string> Corpus() => new(CorpusFiles());

    private static List<string> CorpusFiles()
    {
        var root = CaseFiles.SourceRoot();
        var data = new List<string>();
        foreach (var folder in new[] { "playbooks", "tests", "tools", "editors" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.playbook", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}node_modules{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
                         .Order(StringComparer.Ordinal))
                data.Add(Path.GetRelativePath(root, file).Replace('\\', '/'));
        }
        return data;
    }

    [Fact]
    public void The_corpus_is_the_whole_repository()
    {
        var files = CorpusFiles();
        Assert.True(files.Count(f => f.StartsWith("playbooks/", StringComparison.Ordinal)) >= 17, string.Join(", ", files));
        Assert.True(files.Count(f => f.StartsWith("tests/Playbook.Tests/Cases/data/", StringComparison.Ordinal)) >= 100);
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Every_file_keeps_its_meaning_and_comments_and_formats_once(string relative)
    {
        var path = Path.Combine(CaseFiles.SourceRoot(), relative);
        var result = PlaybookFormatter.FormatFile(path);
        Assert.Null(result.InternalError);
        var original = PlaybookDocument.Load(path);
        if (original.Parse is null || original.Parse.HasErrors)
        {
            // Refused, with the same errors validate reports.
            Assert.False(result.Succeeded);
            Assert.Equal(original.Check().Where(d => d.Severity == Severity.Error && d.Id.StartsWith("PB0", StringComparison.Ordinal)).Select(d => d.ToString()).Order(StringComparer.Ordinal),
                result.Diagnostics.Where(d => d.Severity == Severity.Error && d.Id.StartsWith("PB0", StringComparison.Ordinal)).Select(d => d.ToString()).Order(StringComparer.Ordinal));
            return;
        }
        var formatted = result.Text!;

        // Idempotent.
        Assert.Equal(formatted, PlaybookFormatter.Format(formatted, path).Text);

        // Every comment, in order.
        var at = 0;
        foreach (var comment in FormatLexer.Tokenize(original.Source.Text).Where(t => t.Kind == FormatTokenKind.Comment))
        {
            var found = formatted.IndexOf(comment.Text, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"comment lost: {comment.Text}");
            at = found + comment.Text.Length;
        }

        // The same diagnostics (positions aside), and when it compiles, the same machine.
        var again = PlaybookDocument.FromText(path, formatted);
        Assert.Equal(original.Check().Select(WithoutLines), again.Check().Select(WithoutLines));
        if (!original.HasErrors)
            Assert.Equal(MachineDump.Of(PlaybookCompiler.Compile(original.Model!)), MachineDump.Of(PlaybookCompiler.Compile(again.Model!)));
    }
}
