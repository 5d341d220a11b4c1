using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Playbook.EngineCore;

/// <summary>A list input as text and back. A list travels as text wherever inputs do (<c>--input</c>, the
/// journal's run record, a resume), so the text form must bind back to exactly the same items: a JSON array
/// of strings and numbers is that form. On the command line <c>a,b,c</c> is accepted too, each item the
/// text between commas (trimmed); an item that itself holds a comma needs the JSON form.</summary>
public static class ListValues
{
    /// <summary>The most items a list input may hold: inputs are journaled whole, and a foreach bounds its
    /// own lists with <c>max</c> anyway.</summary>
    public const int MaxItems = 100_000;

    /// <summary>Items are shown in reports as they are journaled: escape only what JSON requires.</summary>
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static bool TryParse(string text, out List<object?> items, out string? problem)
    {
        items = new List<object?>();
        problem = null;
        var trimmed = text.Trim();
        if (trimmed.StartsWith('['))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed, new JsonDocumentOptions { MaxDepth = 2 });
                foreach (var element in document.RootElement.EnumerateArray())
                {
                    switch (element.ValueKind)
                    {
                        case JsonValueKind.String:
                            items.Add(element.GetString());
                            break;
                        case JsonValueKind.Number:
                            items.Add(element.TryGetInt64(out var l) ? l : element.GetDouble());
                            break;
                        default:
                            problem = $"item {items.Count + 1} is {Describe(element.ValueKind)}: a list input holds strings and numbers";
                            return false;
                    }
                    if (items.Count > MaxItems)
                    {
                        problem = $"more than {MaxItems} items";
                        return false;
                    }
                }
                return true;
            }
            catch (JsonException e)
            {
                problem = $"not a JSON list of strings and numbers ({e.Message.Split(" Path:")[0].TrimEnd('.')})";
                return false;
            }
        }
        if (trimmed.Length == 0) return true;
        foreach (var item in trimmed.Split(','))
        {
            items.Add(item.Trim());
            if (items.Count > MaxItems)
            {
                problem = $"more than {MaxItems} items";
                return false;
            }
        }
        return true;
    }

    /// <summary>The JSON text of a list of strings and numbers: what <see cref="TryParse"/> reads back.</summary>
    public static string Format(IList list)
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < list.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(list[i] switch
            {
                long or int => Convert.ToInt64(list[i], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
                double d when double.IsFinite(d) => d.ToString("R", CultureInfo.InvariantCulture),
                var other => JsonSerializer.Serialize(RunScope.Display(other), Readable),
            });
        }
        return sb.Append(']').ToString();
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        _ => "null",
    };
}
