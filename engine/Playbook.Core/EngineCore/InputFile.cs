using System.Text;
using Playbook.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Playbook.EngineCore;

/// <summary>Reads <c>--input-file FILE</c>: a YAML (or JSON, which is YAML) map of input names to values,
/// a list input's value a sequence of strings and numbers. Each value comes back as the text
/// <c>--input name=text</c> would give, so one binding path checks types for both. Read event by event:
/// only a flat map is accepted, so no nesting, alias or size trick can make it expensive.</summary>
public static class InputFile
{
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>The values by name, or a problem that names the file (and the line and column when there is one).</summary>
    public static (Dictionary<string, string>? Values, string? Problem) Read(string path)
    {
        var contents = BoundedFileReader.Read(path, MaxBytes);
        if (contents.Special is { } special) return (null, $"--input-file {path}: is {special}, not a file");
        if (contents.TooLarge is not null) return (null, $"--input-file {path}: larger than {MaxBytes / (1024 * 1024)} MB");
        if (contents.Error is { } error) return (null, $"--input-file {path}: cannot read it: {error}");
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(contents.Bytes!);
        }
        catch (DecoderFallbackException)
        {
            return (null, $"--input-file {path}: not UTF-8 text");
        }
        if (text.StartsWith('\uFEFF')) text = text[1..];
        try
        {
            return (Parse(text, path), null);
        }
        catch (InputFileException e)
        {
            return (null, $"{path}:{e.Start.Line}:{e.Start.Column}: {e.Message}");
        }
        catch (YamlException e)
        {
            return (null, $"{path}:{e.Start.Line}:{e.Start.Column}: not valid YAML or JSON: {e.Message}");
        }
    }

    private static Dictionary<string, string> Parse(string text, string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        if (parser.Accept<StreamEnd>(out _)) return values;
        parser.Consume<DocumentStart>();
        if (parser.Accept<Scalar>(out var empty) && empty.Value.Length == 0 && empty.Style == ScalarStyle.Plain) return values;
        if (!parser.TryConsume<MappingStart>(out _))
            throw Unexpected(parser.Current!, "an input file is a map of input names to values (name: value)");
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            if (!parser.TryConsume<Scalar>(out var key) || key.Value.Length == 0)
                throw Unexpected(parser.Current!, "each key is an input name");
            if (values.ContainsKey(key.Value))
                throw new InputFileException(key.Start, $"input '{key.Value}' is given twice");
            if (parser.TryConsume<Scalar>(out var scalar))
            {
                values[key.Value] = scalar.Value;
            }
            else if (parser.TryConsume<SequenceStart>(out _))
            {
                var items = new List<object?>();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    if (!parser.TryConsume<Scalar>(out var item))
                        throw Unexpected(parser.Current!, $"the items of list input '{key.Value}' are strings and numbers");
                    items.Add(item.Style == ScalarStyle.Plain ? PlainItem(item.Value) : item.Value);
                    if (items.Count > ListValues.MaxItems)
                        throw new InputFileException(item.Start, $"list input '{key.Value}' has more than {ListValues.MaxItems} items");
                }
                values[key.Value] = ListValues.Format(items);
            }
            else
            {
                throw Unexpected(parser.Current!, $"the value of input '{key.Value}' is text, a number, true/false, a duration or a list");
            }
        }
        parser.Consume<DocumentEnd>();
        if (!parser.Accept<StreamEnd>(out _))
            throw new InputFileException(parser.Current!.Start, "an input file holds one YAML document: remove the '---'");
        return values;
    }

    /// <summary>An unquoted item that spells a number is a number; anything else is text.</summary>
    private static object PlainItem(string text) =>
        long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var l) ? l
        : double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) && text.Any(char.IsDigit) ? d
        : text;

    private static InputFileException Unexpected(ParsingEvent found, string expected) => new(found.Start, found switch
    {
        AnchorAlias => $"aliases are not accepted here: {expected}",
        MappingStart => $"a map is not accepted here: {expected}",
        SequenceStart => $"a list is not accepted here: {expected}",
        _ => expected,
    });

    private sealed class InputFileException(Mark start, string message) : Exception(message)
    {
        public Mark Start { get; } = start;
    }
}
