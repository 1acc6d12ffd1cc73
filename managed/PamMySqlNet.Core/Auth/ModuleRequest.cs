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
