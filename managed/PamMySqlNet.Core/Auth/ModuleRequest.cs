using PamMySqlNet.Pam;

namespace PamMySqlNet.Auth;

/// <summary>One call of a PAM entry point, as plain data: what the shim collected from libpam.</summary>
/// <param name="User">PAM_USER, already obtained by the shim (pam_get_user).</param>
/// <param name="CallerUid">The PAM application's real uid (root may change any password).</param>
/// <param name="CallerPid">The PAM application's process id (sqllog).</param>
public sealed record ModuleRequest(
    PamOperation Operation,
    PamFlags Flags,
    IReadOnlyList<string> Args,
    string User,
    string? Service,
    string? RHost,
    int CallerUid = -1,
    int CallerPid = 0);

/// <summary>Which password: the PAM items, or an answer that is not kept as an item.</summary>
public enum AuthTokItem
{
    /// <summary>Not stored as a PAM item (the "retype new password" answer).</summary>
    Answer = 0,
    AuthTok = 6,
    OldAuthTok = 7,
}

/// <summary>How the password is obtained (the shim maps these onto pam_get_item / the conversation).</summary>
public enum AuthTokMode
{
    /// <summary>Always ask the user through the conversation.</summary>
    Prompt = 0,
    /// <summary>Use the password a stacked module already obtained, else ask.</summary>
    TryFirstPass = 1,
    /// <summary>Use only the password a stacked module already obtained.</summary>
    UseFirstPass = 2,
}

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
