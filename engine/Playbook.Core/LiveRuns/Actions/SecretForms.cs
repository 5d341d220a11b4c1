using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Playbook.LiveRuns.Actions;

/// <summary>The texts a secret can appear as once a command or a template has transformed it: the value
/// itself, upper and lower case, base64 (standard and URL-safe, alone or inside a longer base64 text at
/// each of its three alignments), JSON-escaped, URL-encoded (%20 and + for a space, upper- and lower-case
/// hex digits) and hex (lower and upper case) of its UTF-8 bytes.</summary>
public static partial class SecretForms
{
    /// <summary>A derived form shorter than this is not redacted: it would mask ordinary text (a short
    /// secret's base64 core is two or three letters). The value itself is redacted at any length.</summary>
    public const int MinimumDerivedLength = 6;

    public static IEnumerable<string> Of(string secret)
    {
        if (secret.Length == 0) yield break;
        yield return secret;
        var bytes = Encoding.UTF8.GetBytes(secret);
        var derived = new List<string>
        {
            secret.ToUpperInvariant(),
            secret.ToLowerInvariant(),
            Convert.ToHexStringLower(bytes),
            Convert.ToHexString(bytes),
            JsonEscaped(secret, JavaScriptEncoder.Default),
            JsonEscaped(secret, JavaScriptEncoder.UnsafeRelaxedJsonEscaping),
        };
        foreach (var encoded in new[] { Uri.EscapeDataString(secret), WebUtility.UrlEncode(secret) })
        {
            foreach (var form in new[] { encoded, encoded.Replace("%20", "+", StringComparison.Ordinal), encoded.Replace("+", "%20", StringComparison.Ordinal) })
            {
                derived.Add(form);
                derived.Add(PercentHex().Replace(form, m => m.Value.ToLowerInvariant()));
            }
        }
        var standard = Convert.ToBase64String(bytes);
        derived.Add(standard);
        derived.Add(UrlSafe(standard));
        for (var offset = 0; offset < 3; offset++)
        {
            var core = Base64Core(bytes, offset);
            derived.Add(core);
            derived.Add(UrlSafe(core));
        }
        foreach (var form in derived.Distinct(StringComparer.Ordinal))
            if (form.Length >= MinimumDerivedLength && form != secret) yield return form;
    }

    /// <summary>The base64 letters that depend on the secret's bytes alone when it starts
    /// <paramref name="offset"/> bytes into a 3-byte group of a longer text: the letters that mix in bits of
    /// the bytes before or after are whatever those bytes make them, so they are left out.</summary>
    private static string Base64Core(byte[] secret, int offset)
    {
        var padded = new byte[offset + secret.Length];
        secret.CopyTo(padded, offset);
        var text = Convert.ToBase64String(padded);
        var first = (8 * offset + 5) / 6;
        var end = 8 * (offset + secret.Length) / 6;
        return end > first ? text[first..end] : "";
    }

    private static string UrlSafe(string base64) => base64.Replace('+', '-').Replace('/', '_').TrimEnd('=');

    private static string JsonEscaped(string secret, JavaScriptEncoder encoder)
    {
        var json = JsonSerializer.Serialize(secret, new JsonSerializerOptions { Encoder = encoder });
        return json[1..^1];
    }

    [GeneratedRegex("%[0-9A-F]{2}")]
    private static partial Regex PercentHex();
}
