using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Playbook.LiveRuns;

/// <summary>A journaled value that holds a secret is written redacted (what every reader shows) and also
/// <em>sealed</em>: its real value, as JSON, encrypted with AES-256-GCM under a key derived (HKDF-SHA256,
/// the run id as salt) from the values of exactly the secrets it holds. No key is ever written: only a run
/// that has those same secret values again can read the value back, so a resume continues with the real
/// value, never with <c>***</c>, and the journal is as safe as the secrets themselves. The record it sits in
/// (its type, flow, state and name) is bound as associated data, so a sealed value cannot be moved to another
/// record of the same run.</summary>
public static class SealedValues
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int KeyBytes = 32;
    private static readonly byte[] Info = Encoding.UTF8.GetBytes("playbook sealed value v1");

    /// <summary>The sealed form of <paramref name="value"/> (base64 of nonce, ciphertext and tag) under the
    /// secrets <paramref name="names"/> with their <paramref name="secrets"/> values.</summary>
    public static string Seal(object? value, IReadOnlyCollection<string> names, IReadOnlyDictionary<string, string> secrets, string runId, string context)
    {
        var plain = Json(value);
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var sealedBytes = new byte[NonceBytes + plain.Length + TagBytes];
        nonce.CopyTo(sealedBytes, 0);
        using var aes = new AesGcm(Key(names.Select(n => (n, secrets[n])), runId), TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length), Encoding.UTF8.GetBytes(context));
        return Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The value sealed in <paramref name="sealedText"/>, opened with the values <paramref name="secrets"/>
    /// has now for <paramref name="names"/>. Not opened, with the names of the secrets that are missing; or not
    /// opened with none missing when the key does not open it (a secret rotated since, or a sealed text that is
    /// not one this run wrote for this record). Never throws for what a crafted journal can hold.</summary>
    public static (bool Opened, object? Value, IReadOnlyList<string> Missing) Open(string sealedText, IReadOnlyList<string> names,
        IReadOnlyDictionary<string, string> secrets, string runId, string context)
    {
        var missing = names.Where(n => !secrets.ContainsKey(n)).ToList();
        if (missing.Count > 0) return (false, null, missing);
        var bytes = new byte[sealedText.Length];
        if (!Convert.TryFromBase64String(sealedText, bytes, out var length) || length < NonceBytes + TagBytes) return (false, null, []);
        var cipherLength = length - NonceBytes - TagBytes;
        var plain = new byte[cipherLength];
        try
        {
            using var aes = new AesGcm(Key(names.Select(n => (n, secrets[n])), runId), TagBytes);
            aes.Decrypt(bytes.AsSpan(0, NonceBytes), bytes.AsSpan(NonceBytes, cipherLength), bytes.AsSpan(NonceBytes + cipherLength, TagBytes), plain,
                Encoding.UTF8.GetBytes(context));
            using var document = JsonDocument.Parse(plain);
            return (true, JournalValues.Read(document.RootElement), []);
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            return (false, null, []);
        }
    }

    /// <summary>What a sealed value is bound to: the record's type, flow, state and name (or field).</summary>
    public static string Context(string type, string flow, string state, string name) => $"{type}\0{flow}\0{state}\0{name}";

    /// <summary>HKDF-SHA256 over the secrets sorted by name, each name and value length-prefixed (so no two
    /// different sets of secrets give the same input), with the run id as salt.</summary>
    private static byte[] Key(IEnumerable<(string Name, string Value)> secrets, string runId)
    {
        using var input = new MemoryStream();
        foreach (var (name, value) in secrets.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            Prefixed(input, name);
            Prefixed(input, value);
        }
        var material = input.ToArray();
        try
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, material, KeyBytes, Encoding.UTF8.GetBytes(runId), Info);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    private static void Prefixed(Stream into, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        into.Write(length);
        into.Write(bytes);
    }

    private static byte[] Json(object? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) JournalValues.Write(writer, value);
        return buffer.ToArray();
    }
}
