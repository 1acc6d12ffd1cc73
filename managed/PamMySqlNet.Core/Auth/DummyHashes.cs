using System.Collections.Concurrent;
using System.Security.Cryptography;
using PamMySqlNet.Hashing;
using PamMySqlNet.Options;

namespace PamMySqlNet.Auth;

/// <summary>
/// A stored string of the configured scheme that no password matches, for unknown users: checking
/// the typed password against it makes "no such user" cost what "wrong password" costs, so user
/// names cannot be enumerated by timing. Made once per scheme and cost, per process.
/// </summary>
internal static class DummyHashes
{
    private static readonly ConcurrentDictionary<(CryptMode, PasswordHashScheme, int?, bool), string?> Cache = new();

    public static void VerifyAgainstDummy(ModuleSettings s, ReadOnlySpan<byte> password)
    {
        string? dummy = Cache.GetOrAdd((s.Crypt, NewPasswordFormat.CryptScheme(s), s.Rounds, s.Use323Passwd), _ => Make(s));
        if (dummy is not null)
            _ = PasswordVerifier.Verify(s.Crypt, password, dummy, AuthFlow.VerifyOptionsFor(s));
    }

    private static string? Make(ModuleSettings s)
    {
        byte[] secret = RandomNumberGenerator.GetBytes(24);
        try
        {
            return NewPasswordFormat.Create(s, Convert.ToBase64String(secret).Select(c => (byte)c).ToArray(), out _);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }
}
