namespace PamMySqlNet.Hashing;

/// <summary>
/// One password scheme (or family). <see cref="Verify"/> gets the stored value with any
/// Dovecot/LDAP <c>{SCHEME}</c> prefix already removed; it validates the value before any
/// hashing and answers <see cref="VerifyResult.Malformed"/> rather than throwing.
/// </summary>
public interface IPasswordScheme
{
    /// <summary>A short name for logs ("sha512crypt", "mysql41", ...).</summary>
    string Name { get; }

    VerifyResult Verify(ReadOnlySpan<byte> password, string stored);
}

/// <summary>A scheme given by a verify function.</summary>
internal sealed class FuncScheme(string name, FuncScheme.VerifyFn verify) : IPasswordScheme
{
    public delegate VerifyResult VerifyFn(ReadOnlySpan<byte> password, string stored);

    public string Name { get; } = name;

    public VerifyResult Verify(ReadOnlySpan<byte> password, string stored) => verify(password, stored);
}
