using PamMySqlNet.Pam;

namespace PamMySqlNet.Auth;

/// <summary>One call of a PAM entry point, as plain data: what the shim collected from libpam.</summary>
/// <param name="User">PAM_USER, already obtained by the shim (pam_get_user).</param>
public sealed record ModuleRequest(
    PamOperation Operation,
    PamFlags Flags,
    IReadOnlyList<string> Args,
    string User,
    string? Service,
    string? RHost);

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

/// <summary>The module's way back into libpam for the password.</summary>
public interface IPamConversation
{
    /// <summary>Returns a PAM code; on success <paramref name="password"/> holds the exact bytes
    /// (the caller zeroes them after use).</summary>
    PamCode GetAuthTok(AuthTokMode mode, out byte[]? password);
}
