using PamMySqlNet.Options;

namespace PamMySqlNet.Hashing;

/// <summary>The one entry point the auth flow uses: does this password match this stored string?</summary>
public static class PasswordVerifier
{
    /// <param name="mode">The configured crypt mode.</param>
    /// <param name="password">The exact password bytes the user typed.</param>
    /// <param name="stored">The stored column value (never null here).</param>
    public static VerifyResult Verify(CryptMode mode, ReadOnlySpan<byte> password, string stored)
    {
        switch (mode)
        {
            case CryptMode.Plain:
                return ConstantTime.EqualsHidingLength(password, System.Text.Encoding.UTF8.GetBytes(stored))
                    ? VerifyResult.Match
                    : VerifyResult.NoMatch;
            case CryptMode.Crypt:
                return stored.StartsWith(Md5Crypt.Prefix, StringComparison.Ordinal)
                    ? Md5Crypt.Verify(password, stored)
                    : LibXCrypt.Verify(password, stored);
            default:
                return VerifyResult.Unsupported;
        }
    }
}
