using System.Text.Json;

namespace Playbook.LiveRuns.Actions;

/// <summary>JSON as the plain values expressions read: maps, lists, long for whole numbers, double, string,
/// bool, null.</summary>
internal static class JsonValues
{
    /// <summary>The parsed document, or null when the text is not JSON.</summary>
    public static object? TryParse(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 256 });
            return ToValue(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static object? ToValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => ToMap(element),
        JsonValueKind.Array => element.EnumerateArray().Select(ToValue).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => ToNumber(element),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static IDictionary<string, object?> ToMap(JsonElement element)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        // A repeated key keeps its last value, as JavaScript's JSON.parse does.
        foreach (var property in element.EnumerateObject()) map[property.Name] = ToValue(property.Value);
        return map;
    }

    // 2.0 is whole as much as 2 is; numbers beyond long's range stay double.
    private static object ToNumber(JsonElement element)
    {
        if (element.TryGetInt64(out var whole)) return whole;
        var d = element.GetDouble();
        return d == Math.Floor(d) && Math.Abs(d) < 9e18 ? (object)(long)d : d;
    }
}
