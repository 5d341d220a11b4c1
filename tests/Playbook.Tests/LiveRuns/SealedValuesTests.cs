using Playbook.LiveRuns;
using Xunit;

namespace Playbook.Tests.LiveRuns;

/// <summary>Sealing a value that holds a secret: only the same secrets, run and record open it again.</summary>
public class SealedValuesTests
{
    private static readonly Dictionary<string, string> Secrets = new(StringComparer.Ordinal)
    {
        ["PLAYBOOK_SECRET_A"] = "alpha-secret-1",
        ["PLAYBOOK_SECRET_B"] = "beta-secret-2",
    };

    private static readonly string[] Both = ["PLAYBOOK_SECRET_A", "PLAYBOOK_SECRET_B"];

    private static readonly string Where = SealedValues.Context("captured", "", "fetch", "t");

    private static readonly Dictionary<string, object?> Value = new(StringComparer.Ordinal)
    {
        ["line"] = "token=alpha-secret-1 and beta-secret-2",
        ["count"] = 3L,
        ["items"] = new List<object?> { "x", true, null },
    };

    [Fact]
    public void A_sealed_value_opens_to_the_same_value_with_the_same_secrets()
    {
        var sealedText = SealedValues.Seal(Value, Both, Secrets, "run-1", Where);

        var (opened, value, missing) = SealedValues.Open(sealedText, Both, Secrets, "run-1", Where);

        Assert.True(opened);
        Assert.Empty(missing);
        Assert.Equivalent(Value, value, strict: true);
        Assert.DoesNotContain("alpha-secret-1", sealedText, StringComparison.Ordinal);
        // A fresh nonce each time: the same value never seals to the same text.
        Assert.NotEqual(sealedText, SealedValues.Seal(Value, Both, Secrets, "run-1", Where));
    }

    [Fact]
    public void A_rotated_secret_another_run_or_another_record_does_not_open_it()
    {
        var sealedText = SealedValues.Seal(Value, Both, Secrets, "run-1", Where);
        var rotated = new Dictionary<string, string>(Secrets) { ["PLAYBOOK_SECRET_B"] = "beta-secret-3" };

        Assert.False(SealedValues.Open(sealedText, Both, rotated, "run-1", Where).Opened);
        Assert.False(SealedValues.Open(sealedText, Both, Secrets, "run-2", Where).Opened);
        Assert.False(SealedValues.Open(sealedText, Both, Secrets, "run-1", SealedValues.Context("captured", "", "fetch", "u")).Opened);
        // Fewer secrets than it was sealed with is another key too.
        Assert.False(SealedValues.Open(sealedText, ["PLAYBOOK_SECRET_A"], Secrets, "run-1", Where).Opened);
    }

    [Fact]
    public void A_missing_secret_is_named()
    {
        var sealedText = SealedValues.Seal(Value, Both, Secrets, "run-1", Where);
        var onlyA = new Dictionary<string, string> { ["PLAYBOOK_SECRET_A"] = "alpha-secret-1" };

        var (opened, _, missing) = SealedValues.Open(sealedText, Both, onlyA, "run-1", Where);

        Assert.False(opened);
        Assert.Equal(["PLAYBOOK_SECRET_B"], missing);
    }

    [Fact]
    public void A_tampered_truncated_or_garbage_sealed_text_does_not_open_and_does_not_throw()
    {
        var sealedText = SealedValues.Seal(Value, Both, Secrets, "run-1", Where);
        var bytes = Convert.FromBase64String(sealedText);
        for (var i = 0; i < bytes.Length; i += 7)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[i] ^= 0x40;
            Assert.False(SealedValues.Open(Convert.ToBase64String(tampered), Both, Secrets, "run-1", Where).Opened, $"byte {i} changed and it still opened");
        }
        foreach (var bad in new[] { "", "not base64!", Convert.ToBase64String(bytes[..27]), Convert.ToBase64String(bytes[..^1]) })
            Assert.False(SealedValues.Open(bad, Both, Secrets, "run-1", Where).Opened, $"'{bad}' opened");
    }

    [Fact]
    public void The_key_is_bound_to_which_secret_holds_which_value()
    {
        // The same characters split differently between name and value must not give the same key.
        var one = new Dictionary<string, string> { ["AB"] = "cd" };
        var other = new Dictionary<string, string> { ["A"] = "Bcd" };
        var sealedText = SealedValues.Seal("v", ["AB"], one, "run-1", Where);

        Assert.False(SealedValues.Open(sealedText, ["A"], other, "run-1", Where).Opened);
        Assert.True(SealedValues.Open(sealedText, ["AB"], one, "run-1", Where).Opened);
    }
}
