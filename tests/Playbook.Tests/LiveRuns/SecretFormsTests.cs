using System.Net;
using System.Text;
using System.Text.Json;
using Playbook.LiveRuns.Actions;
using Xunit;

namespace Playbook.Tests.LiveRuns;

/// <summary>A secret transformed by a command or a template (case, base64, JSON, URL, hex) is still a secret.</summary>
public sealed class SecretFormsTests
{
    private const string Secret = "Tok3n/with+spaces & \"quotes\"?é";

    private static readonly Redactor Redactor = new([KeyValuePair.Create("PLAYBOOK_SECRET_T", Secret)]);

    public static TheoryData<string, string> Forms()
    {
        var bytes = Encoding.UTF8.GetBytes(Secret);
        var b64 = Convert.ToBase64String(bytes);
        return new TheoryData<string, string>
        {
            { "upper", Secret.ToUpperInvariant() },
            { "lower", Secret.ToLowerInvariant() },
            { "base64", b64 },
            { "base64url", b64.Replace('+', '-').Replace('/', '_').TrimEnd('=') },
            { "json", JsonSerializer.Serialize(Secret)[1..^1] },
            { "json relaxed", JsonSerializer.Serialize(Secret, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })[1..^1] },
            { "url %20", Uri.EscapeDataString(Secret) },
            { "url +", WebUtility.UrlEncode(Secret) },
            { "url lower hex", System.Text.RegularExpressions.Regex.Replace(Uri.EscapeDataString(Secret), "%[0-9A-F]{2}", m => m.Value.ToLowerInvariant()) },
            { "hex", Convert.ToHexStringLower(bytes) },
            { "HEX", Convert.ToHexString(bytes) },
        };
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Each_form_is_redacted(string form, string text)
    {
        var redacted = Redactor.Redact($"before {text} after");
        Assert.True(redacted == "before *** after", $"{form}: {redacted}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_secret_inside_a_longer_base64_text_is_redacted_at_each_alignment(int before)
    {
        // `printf 'user:%s\n' "$TOKEN" | base64`: the secret's bytes start at any offset in a 3-byte group.
        var prefix = new string('u', before + 3);
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(prefix + Secret + "\n"));
        var redacted = Redactor.Redact(encoded);
        Assert.Contains(Redactor.Mask, redacted);
        // What is left are the few letters shared with the bytes around it: too little to decode anything.
        Assert.True(redacted.Length - Redactor.Mask.Length <= 12, redacted);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret))[..8], redacted);
    }

    [Fact]
    public void Short_derived_forms_are_not_redacted_but_the_value_is()
    {
        var redactor = new Redactor(["ab1"]);
        // "AB1" would mask every AB1 in ordinary text; the value itself is still hidden at any length.
        Assert.Equal("*** AB1", redactor.Redact("ab1 AB1"));
    }

    [Fact]
    public void Names_the_secrets_a_value_holds_in_any_form()
    {
        var redactor = new Redactor([KeyValuePair.Create("A", "first-secret"), KeyValuePair.Create("B", "second-secret")]);
        var value = new Dictionary<string, object?> { ["x"] = new List<object?> { "Bearer " + Convert.ToBase64String(Encoding.UTF8.GetBytes("second-secret")) } };
        Assert.Equal(["B"], redactor.NamesIn(value));
        Assert.Empty(redactor.NamesIn("nothing here"));
    }

    [Fact]
    public void A_note_is_redacted_before_it_is_cut()
    {
        // Cut first, this note would end in "Tok3".
        var text = new string('x', 196) + Secret;
        var cut = Redactor.RedactAndCut(text, 200);
        Assert.Equal(new string('x', 196) + "***", cut);
        Assert.Equal(new string('x', 199) + "*…", Redactor.RedactAndCut(new string('x', 199) + Secret, 200));
        Assert.DoesNotContain("Tok", cut);
    }
}
