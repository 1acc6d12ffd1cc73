using System.Security.Cryptography;

namespace PamMySqlNet.Hashing;

/// <summary>
/// Dovecot's <c>{DIGEST-MD5}</c> (PostfixAdmin's <c>dovecot:DIGEST-MD5</c>): MD5 of
/// <c>user:realm:password</c>, where the login name is split at its last '@' into user and realm
/// (no '@': an empty realm), as Dovecot's <c>digest_md5_generate</c> does. Hex by default; base64
/// when <c>.B64</c> says so or, without a suffix, when the value is not 32 characters (Dovecot's
/// guess). The login name is part of the hash: without one
/// (<see cref="VerifyOptions.UserName"/> null) the value is <see cref="VerifyResult.Unsupported"/>.
/// </summary>
internal static class DovecotDigestMd5
{
    public static VerifyResult Verify(ReadOnlySpan<byte> password, string value, DigestEncoding? encoding, string? userName)
    {
        DigestEncoding enc = encoding ?? (value.Length == 32 ? DigestEncoding.Hex : DigestEncoding.Base64);
        if (!(enc == DigestEncoding.Hex ? Codec.TryDecodeHex(value, out byte[] raw) : Codec.TryDecodeBase64(value, true, out raw))
            || raw.Length != 16)
            return VerifyResult.Malformed;
        if (userName is null)
            return VerifyResult.Unsupported;
        int at = userName.LastIndexOf('@');
        string prefix = at < 0 ? userName + "::" : $"{userName[..at]}:{userName[(at + 1)..]}:";
        Span<byte> d = stackalloc byte[16];
        Digests.Compute(DigestAlgorithm.Md5, System.Text.Encoding.UTF8.GetBytes(prefix), password, d);
        return ConstantTime.MatchAndWipe(d, raw);
    }
}
