using System.CommandLine;

namespace Playbook.Cli.Commands;

/// <summary>Arguments and options several commands share, defined once so they behave (and fail) alike.</summary>
internal static class CommonOptions
{
    /// <summary>One or more PATHs. An unknown option would otherwise be taken for a path; a file whose
    /// name starts with '-' can still be given as ./-name.</summary>
    public static Argument<string[]> Paths(string description)
    {
        var paths = new Argument<string[]>("PATH") { Description = description, Arity = ArgumentArity.OneOrMore };
        paths.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.Length > 1 && token.Value[0] == '-')
                    result.AddError($"unknown option '{token.Value}' (a file whose name starts with '-' can be given as ./{token.Value})");
            }
        });
        return paths;
    }

    /// <summary><c>--format</c> with the given choices, the first being the default; an unknown value is a
    /// usage error that lists the choices.</summary>
    public static Option<string> Format(string description, params string[] choices)
    {
        var format = new Option<string>("--format")
        {
            Description = description,
            DefaultValueFactory = _ => choices[0],
            HelpName = string.Join('|', choices),
        };
        format.Validators.Add(result =>
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[^1].Value : choices[0];
            if (Array.IndexOf(choices, value) < 0)
                result.AddError($"'{value}' is not an output format: use --format {string.Join(", ", choices[..^1])} or {choices[^1]}");
        });
        format.CompletionSources.Add(choices);
        return format;
    }

    /// <summary><c>--input name=value</c>, repeatable.</summary>
    public static Option<string[]> Inputs() => new("--input", "-i")
    {
        Description = "Set an input: --input name=value (repeatable)",
        HelpName = "name=value",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary><c>--input-file FILE</c>: a YAML or JSON map of input values.</summary>
    public static Option<string?> InputFile() => new("--input-file")
    {
        Description = "Set inputs from a YAML or JSON map (name: value; a list input takes a list); --input wins over it",
        HelpName = "FILE",
    };

    /// <summary>The --input-file values written as --input specs ahead of the --input ones, so an --input
    /// given as well overrides the file; null (after writing the problem) when the file cannot be used.</summary>
    public static IReadOnlyList<string>? WithInputFile(string? file, IReadOnlyList<string> specs, TextWriter stderr)
    {
        if (file is null) return specs;
        var (values, problem) = EngineCore.InputFile.Read(file);
        if (values is null)
        {
            stderr.WriteLine($"playbook: {problem}");
            return null;
        }
        return values.Select(v => $"{v.Key}={v.Value}").Concat(specs).ToList();
    }

    /// <summary>The --input values by name; a spec without '=' or without a name becomes an error.</summary>
    public static Dictionary<string, string> ParseInputs(IReadOnlyList<string> specs, List<string> errors)
    {
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            var eq = spec.IndexOf('=');
            if (eq <= 0) errors.Add($"--input {spec}: write --input name=value");
            else given[spec[..eq]] = spec[(eq + 1)..];
        }
        return given;
    }
}
