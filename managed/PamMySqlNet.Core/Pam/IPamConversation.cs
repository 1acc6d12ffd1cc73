namespace PamMySqlNet.Pam;

/// <summary>The module's way back into libpam for passwords.</summary>
public interface IPamConversation
{
    /// <summary>Returns a PAM code; on success <paramref name="password"/> holds the exact bytes
    /// (the caller zeroes them after use). A prompted answer is stored as <paramref name="item"/>.</summary>
    PamCode GetAuthTok(AuthTokItem item, AuthTokMode mode, string prompt, out byte[]? password);

    /// <summary>Stores a password as a PAM item for the modules stacked after this one.</summary>
    PamCode SetAuthTok(AuthTokItem item, ReadOnlySpan<byte> password);

    /// <summary>Asks libpam to delay a failed authentication by at least this long (pam_fail_delay).</summary>
    void RequestFailDelay(int microseconds);

    /// <summary>Keeps a small non-secret memo with this PAM handle until pam_end (pam_set_data),
    /// replacing the previous one. Hosts without that ability (the fork helper) keep nothing.</summary>
    void Remember(ReadOnlySpan<byte> memo) { }

    /// <summary>Copies the memo kept on this PAM handle into <paramref name="buffer"/>; its length,
    /// or -1 when there is none (or it does not fit).</summary>
    int Recall(Span<byte> buffer) => -1;
}
