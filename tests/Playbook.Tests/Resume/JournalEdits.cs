using System.IO.Hashing;
using System.Text;
using System.Text.Json.Nodes;

namespace Playbook.Tests.Resume;

/// <summary>Rewrites a journal record by record with valid checksums: what someone who edits or crafts a
/// journal by hand produces (the CRC only catches damage, not intent).</summary>
internal static class JournalEdits
{
    /// <summary>Each record (seq from 1) through <paramref name="edit"/>; null drops it. Seqs are renumbered.</summary>
    public static void Rewrite(string path, Func<JsonObject, JsonObject?> edit)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 9).ToList();
        var output = new StringBuilder();
        var seq = 0;
        foreach (var line in lines)
        {
            var record = JsonNode.Parse(line[9..])!.AsObject();
            if (edit(record) is not { } kept) continue;
            kept["seq"] = ++seq;
            output.Append(Line(kept));
        }
        File.WriteAllText(path, output.ToString());
    }

    /// <summary>Appends a record with the next seq.</summary>
    public static void Append(string path, JsonObject record)
    {
        var count = File.ReadAllLines(path).Count(l => l.Length > 9);
        record["seq"] = count + 1;
        File.AppendAllText(path, Line(record));
    }

    private static string Line(JsonObject record)
    {
        // seq, type and at first, as the writer puts them.
        var ordered = new JsonObject();
        foreach (var name in new[] { "seq", "type", "at" })
            if (record.TryGetPropertyValue(name, out var v)) ordered[name] = v?.DeepClone();
        foreach (var (name, v) in record)
            if (name is not ("seq" or "type" or "at")) ordered[name] = v?.DeepClone();
        var json = ordered.ToJsonString();
        return $"{Crc32.HashToUInt32(Encoding.UTF8.GetBytes(json)):x8} {json}\n";
    }

    public static string? Type(JsonObject record) => record["type"]?.GetValue<string>();

    public static string? Str(JsonObject record, string name) => record[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
