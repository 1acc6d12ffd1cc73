using PamMySqlNet.Options;

namespace PamMySqlNet.Hashing;

/// <summary>The one entry point the auth flow uses: does this password match this stored string?</summary>
public static class PasswordVerifier
{
    /// <param name="mode">The configured crypt mode.</param>
    /// <param name="password">The exact password bytes the user typed.</param>
    /// <param name="stored">The stored column value (never null here).</param>
    public static VerifyResult Verify(CryptMode mode, ReadOnlySpan<byte> password, string stored) =>
        Verify(mode, password, stored, VerifyOptions.Default);

    /// <summary>As above, with <c>use_323_passwd</c> and the auto-mode default from <paramref name="options"/>.
    /// Never throws for any stored string; see <see cref="SchemeRegistry"/> for caps and detection.</summary>
    public static VerifyResult Verify(CryptMode mode, ReadOnlySpan<byte> password, string stored, VerifyOptions options)
    {
        if (stored is null)
            return VerifyResult.Malformed;
        if (stored.Length > SchemeRegistry.MaxStoredLength && mode != CryptMode.Plain)
            return VerifyResult.Malformed;
        try
        {
            if (mode == CryptMode.Auto)
                return SchemeRegistry.VerifyAuto(password, stored, options);
            var scheme = SchemeRegistry.ForMode(mode, stored, options);
            return scheme?.Verify(password, stored) ?? VerifyResult.Unsupported;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException
                                      or IndexOutOfRangeException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            // Validation is meant to catch everything first; this is the last line of defence.
            return VerifyResult.Malformed;
        }
    }

    /// <summary>The scheme name that would check <paramref name="stored"/> (for logs), or null.</summary>
    public static string? SchemeName(CryptMode mode, string stored, VerifyOptions? options = null) =>
        mode == CryptMode.Auto ? null : SchemeRegistry.ForMode(mode, stored, options ?? VerifyOptions.Default)?.Name;
}
