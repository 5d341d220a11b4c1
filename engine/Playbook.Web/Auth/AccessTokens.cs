using System.Security.Cryptography;
using System.Text;

namespace Playbook.Web.Auth;

/// <summary>Sign-in tokens. A token is 256 random bits (never a password a person chose), so the file keeps its
/// plain SHA-256: guessing 2^256 values is out of reach whatever the hash costs, and a slow KDF (PBKDF2) would add
/// nothing but CPU that an attacker at the sign-in form could make the two cores spend. Comparison is in constant
/// time.</summary>
public static class AccessTokens
{
    public const string Prefix = "pbt_";

    /// <summary>A new token: the prefix (so a leaked one is recognisable, e.g. by secret scanners) and 32 random bytes, base64url.</summary>
    public static string New() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The lowercase hex SHA-256 of the token's UTF-8 bytes, as the users file stores it.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool Matches(string token, string storedHash)
    {
        var given = Encoding.ASCII.GetBytes(Hash(token));
        var stored = Encoding.ASCII.GetBytes(storedHash.Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(given, stored);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
