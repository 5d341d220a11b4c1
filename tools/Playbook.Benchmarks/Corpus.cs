using System.Globalization;
using System.Text;

namespace Playbook.Benchmarks;

/// <summary>Inputs shared by the benchmarks: the repository's playbooks and same-size JSON documents.</summary>
public static class Corpus
{
    /// <summary>The folder holding Playbook.sln, found by walking up from the current directory (or, when
    /// BenchmarkDotNet runs us from elsewhere, from the assembly's folder).</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Playbook.sln"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no Playbook.sln above {Directory.GetCurrentDirectory()}: run the benchmarks inside the repository");
    }

    /// <summary>Every playbooks/*.playbook of the repository, globbed now (more arrive over time), sorted.</summary>
    public static IReadOnlyList<string> LibraryPlaybooks()
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryRoot(), "playbooks"), "*.playbook").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new InvalidOperationException("no playbooks/*.playbook found");
        return files;
    }

    private static readonly string[] Statuses = { "healthy", "degraded", "down", "recovering" };
    private static readonly string[] Regions = { "eu-west-1", "us-east-1", "ap-south-1" };

    /// <summary>A realistic JSON array of service-status objects (nested objects, arrays, strings with
    /// escapes, integers, floats, booleans, nulls) of at least <paramref name="bytes"/> UTF-8 bytes and at
    /// most one object (~400 bytes) more.</summary>
    public static byte[] Json(int bytes)
    {
        var sb = new StringBuilder(bytes + 512);
        sb.Append("[\n");
        var inv = CultureInfo.InvariantCulture;
        for (var i = 0; sb.Length < bytes - 2 || i == 0; i++)
        {
            if (i > 0) sb.Append(",\n");
            sb.Append("  {\"id\": ").Append(i)
              .Append(", \"service\": \"svc-").Append(i % 97).Append("\", \"region\": \"").Append(Regions[i % Regions.Length])
              .Append("\", \"status\": \"").Append(Statuses[i % Statuses.Length])
              .Append("\", \"latency_ms\": ").Append((12.5 + i % 300 * 1.37).ToString("F2", inv))
              .Append(", \"error_pct\": ").Append((i % 50 / 10.0).ToString("F1", inv))
              .Append(", \"replicas\": {\"ready\": ").Append(i % 7).Append(", \"wanted\": 6}")
              .Append(", \"canary\": ").Append(i % 5 == 0 ? "true" : "false")
              .Append(", \"owner\": ").Append(i % 11 == 0 ? "null" : "\"team-" + (i % 13) + "\"")
              .Append(", \"tags\": [\"prod\", \"tier-").Append(i % 3).Append("\", \"k8s\"]")
              .Append(", \"checks\": [{\"name\": \"http\", \"ok\": true, \"ms\": ").Append(i % 400)
              .Append("}, {\"name\": \"db\", \"ok\": ").Append(i % 9 == 0 ? "false" : "true")
              .Append(", \"ms\": ").Append(i % 90).Append("}]")
              .Append(", \"note\": \"restarted by \\\"auto-heal\\\" at 03:").Append((i % 60).ToString("D2", inv)).Append("\\n see runbook\"}");
        }
        sb.Append("\n]\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Decodes UTF-8 and touches every char: the floor any text parser pays.</summary>
    public static int DecodeAndChecksum(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var sum = 0;
        foreach (var c in text) sum = unchecked(sum * 31 + c);
        return sum;
    }
}
