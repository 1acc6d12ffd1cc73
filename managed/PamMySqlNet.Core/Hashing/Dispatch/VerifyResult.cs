namespace PamMySqlNet.Hashing;

public enum VerifyResult
{
    Match,
    NoMatch,
    /// <summary>The stored string is not a valid hash of the scheme it claims (or of the mode's scheme).</summary>
    Malformed,
    /// <summary>The scheme or crypt mode is not implemented by this version.</summary>
    Unsupported,
}
