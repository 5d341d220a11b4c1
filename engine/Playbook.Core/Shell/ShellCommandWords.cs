using System.Text.RegularExpressions;

namespace Playbook.Shell;

/// <summary>Decides, for the words of one simple command, which of them another interpreter parses again
/// (the script of <c>bash -c</c>, the remote command of <c>ssh</c>, the arguments of <c>eval</c>…) and
/// which bash evaluates as arithmetic (<c>let</c>, the operands of <c>[[ a -gt b ]]</c>, <c>declare -i</c>).
/// It errs on the side of caution: a shell name anywhere in the command (after <c>sudo</c>, <c>xargs</c>,
/// <c>kubectl exec … --</c>, <c>find -exec</c>) starts a nested shell.</summary>
internal static partial class ShellCommandWords
{
    /// <summary>Programs whose option <c>-c</c> (or <c>-e</c> for the script languages) takes code.</summary>
    private static readonly Dictionary<string, string> CodeFlags = new(StringComparer.Ordinal)
    {
        ["sh"] = "c", ["bash"] = "c", ["zsh"] = "c", ["dash"] = "c", ["ksh"] = "c", ["mksh"] = "c", ["ash"] = "c",
        ["fish"] = "c", ["csh"] = "c", ["tcsh"] = "c", ["rbash"] = "c",
        ["python"] = "c", ["python3"] = "c", ["perl"] = "eE", ["ruby"] = "e", ["node"] = "ep",
    };

    /// <summary>Programs every later word of which is parsed again as a command line.</summary>
    private static readonly HashSet<string> WholeCommandLine = new(StringComparer.Ordinal) { "ssh", "eval", "watch" };

    /// <summary>Words that may come before the command itself without being it.</summary>
    private static readonly HashSet<string> Prefixes = new(StringComparer.Ordinal)
    {
        "!", "{", "if", "then", "elif", "else", "while", "until", "do", "time",
    };

    private static readonly HashSet<string> ArithmeticTests = new(StringComparer.Ordinal) { "-eq", "-ne", "-lt", "-le", "-gt", "-ge" };

    private static readonly HashSet<string> Declarations = new(StringComparer.Ordinal) { "declare", "typeset", "local", "readonly", "export" };

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")]
    private static partial Regex AssignmentPattern();

    /// <summary>Marks the words of one simple command. <paramref name="integers"/> holds the variables an
    /// earlier <c>declare -i</c> made integer: an assignment to one of them is arithmetic.</summary>
    public static void Classify(List<ShellWord> words, HashSet<string> integers)
    {
        var command = 0;
        while (command < words.Count)
        {
            var word = words[command];
            var text = word.Value;
            if (word.Literal && Prefixes.Contains(text)) { command++; continue; }
            var assignment = AssignmentPattern().Match(text);
            if (!assignment.Success) break;
            var name = text[..text.IndexOfAny(['[', '+', '='])];
            if (integers.Contains(name)) word.Mark(ShellDanger.Arithmetic, $"an assignment to '{name}', which 'declare -i' made an integer");
            command++;
        }
        if (command >= words.Count) return;
        words[command].IsCommandWord = true;
        var program = words[command].Literal ? Path.GetFileName(words[command].Value) : null;

        switch (program)
        {
            case "let":
                for (var i = command + 1; i < words.Count; i++) words[i].Mark(ShellDanger.Arithmetic, "'let'");
                break;
            case "[[":
                for (var i = command + 1; i < words.Count; i++)
                {
                    if (!words[i].Literal || !ArithmeticTests.Contains(words[i].Value)) continue;
                    var reason = $"'[[ … {words[i].Value} … ]]'";
                    words[i - 1].Mark(ShellDanger.Arithmetic, reason);
                    if (i + 1 < words.Count) words[i + 1].Mark(ShellDanger.Arithmetic, reason);
                }
                break;
            case not null when Declarations.Contains(program):
                Declaration(words, command, program, integers);
                break;
            case "trap":
                // trap's first argument is a command line, run later.
                if (FirstOperand(words, command + 1) is { } action) words[action].Mark(ShellDanger.NestedShell, "the command of 'trap'");
                break;
        }
        for (var i = command; i < words.Count; i++)
        {
            if (!words[i].Literal) continue;
            var name = Path.GetFileName(words[i].Value);
            if (CodeFlags.TryGetValue(name, out var flags))
            {
                if (CodeArgument(words, i + 1, flags) is { } code) words[code].Mark(ShellDanger.NestedShell, $"the code of '{name} -{flags[0]}'");
            }
            else if (WholeCommandLine.Contains(name))
            {
                var reason = name == "ssh" ? "the remote command line of 'ssh'" : $"the command line of '{name}'";
                for (var j = i + 1; j < words.Count; j++) words[j].Mark(ShellDanger.NestedShell, reason);
                // Every later word is marked: nothing after this one can add to it (and the scan stays linear).
                return;
            }
            else if (name is "su" or "runuser")
            {
                for (var j = i + 1; j < words.Count; j++)
                {
                    var w = words[j].Value;
                    if (words[j].Literal && (w is "-c" or "--command") && j + 1 < words.Count)
                        words[j + 1].Mark(ShellDanger.NestedShell, $"the command of '{name} -c'");
                    else if (w.StartsWith("--command=", StringComparison.Ordinal))
                        words[j].Mark(ShellDanger.NestedShell, $"the command of '{name} --command'");
                }
                return;
            }
            else if (name is "sudo" or "doas" && RunsThroughShell(words, i + 1))
            {
                for (var j = i + 1; j < words.Count; j++)
                    if (!words[j].Value.StartsWith('-')) words[j].Mark(ShellDanger.NestedShell, $"the command line of '{name} -s'");
                return;
            }
        }
    }

    /// <summary>The word holding the code of <c>sh -c CODE</c> (after options; <c>-o NAME</c> takes the next word).
    /// Null when the program runs a script file instead: its later words are plain arguments.</summary>
    private static int? CodeArgument(List<ShellWord> words, int from, string flags)
    {
        var code = false;
        for (var i = from; i < words.Count; i++)
        {
            var w = words[i].Value;
            if (w == "--") return code && i + 1 < words.Count ? i + 1 : null;
            if (w.Length > 1 && (w[0] == '-' || w[0] == '+') && !w.StartsWith("--", StringComparison.Ordinal))
            {
                if (w[0] == '-' && w.AsSpan(1).IndexOfAny(flags) >= 0) code = true;
                if (w is "-o" or "+o" or "-O" or "+O") i++;
                continue;
            }
            if (w.StartsWith("--", StringComparison.Ordinal)) continue;
            return code ? i : null;
        }
        return null;
    }

    private static bool RunsThroughShell(List<ShellWord> words, int from)
    {
        for (var i = from; i < words.Count; i++)
        {
            var w = words[i].Value;
            if (!w.StartsWith('-')) return false;
            if (w is "--shell" or "--login" || !w.StartsWith("--", StringComparison.Ordinal) && w.AsSpan(1).IndexOfAny("si") >= 0) return true;
        }
        return false;
    }

    private static int? FirstOperand(List<ShellWord> words, int from)
    {
        for (var i = from; i < words.Count; i++)
            if (!words[i].Value.StartsWith('-')) return i;
        return null;
    }

    private static void Declaration(List<ShellWord> words, int command, string program, HashSet<string> integers)
    {
        var integer = words.Skip(command + 1).Any(w => w.Value.Length > 1 && w.Value[0] == '-' && w.Value.AsSpan(1).Contains('i'));
        if (!integer) return;
        for (var i = command + 1; i < words.Count; i++)
        {
            var w = words[i].Value;
            if (w.StartsWith('-')) continue;
            var end = w.IndexOfAny(['=', '[', '+']);
            var name = end < 0 ? w : w[..end];
            if (name.Length > 0 && !name.Contains(ShellContextAnalysis.HoleMark)) integers.Add(name);
            if (end >= 0) words[i].Mark(ShellDanger.Arithmetic, $"'{program} -i'");
        }
    }
}
