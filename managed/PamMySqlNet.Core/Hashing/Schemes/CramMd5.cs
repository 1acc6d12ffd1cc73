using System.Security.Cryptography;

namespace PamMySqlNet.Hashing;

/// <summary>
/// Dovecot's <c>{CRAM-MD5}</c>: the two MD5 chaining states after one compression of
/// key^opad and key^ipad (HMAC-MD5 precomputation, RFC 2104 §4), as 8 little-endian words:
/// outer a,b,c,d then inner a,b,c,d; 64 hex digits. A password longer than 64 bytes is first
/// replaced by its MD5 digest, as in HMAC.
/// </summary>
public static class CramMd5
{
    public static VerifyResult Verify(ReadOnlySpan<byte> password, string value) =>
        ConstantTime.MatchHex(password, value, 32, Context);

    internal static void Context(ReadOnlySpan<byte> password, Span<byte> output)
    {
        Span<byte> key = stackalloc byte[64];
        key.Clear();
        if (password.Length > 64)
            MD5.HashData(password, key);
        else
            password.CopyTo(key);
        Span<byte> block = stackalloc byte[64];
        // One MD5 compression of each block from the initial state, the state written
        // little-endian: what Md5Hasher.HashPadded does with one 64-byte block.
        for (int i = 0; i < 64; i++) block[i] = (byte)(key[i] ^ 0x5c);
        Md5Hasher.HashPadded(block, output[..16]);
        for (int i = 0; i < 64; i++) block[i] = (byte)(key[i] ^ 0x36);
        Md5Hasher.HashPadded(block, output[16..32]);
        CryptographicOperations.ZeroMemory(key);
        CryptographicOperations.ZeroMemory(block);
    }
}
