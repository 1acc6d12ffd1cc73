using System.Security.Cryptography;
using PamMySqlNet.Data;
using PamMySqlNet.Hashing;
using PamMySqlNet.Logging;
using PamMySqlNet.Options;
using PamMySqlNet.Pam;

namespace PamMySqlNet.Auth;

/// <summary>
/// pam_sm_chauthtok. PRELIM_CHECK: the user exists and, unless the caller is root, gives the
/// current password. UPDATE_AUTHTOK: the current password again (unless root), the new one twice
/// (or from an earlier module with use_first_pass), then one UPDATE that must change exactly one row.
/// </summary>
/// <remarks>"Root" is pam_unix's rule: real uid 0 and no PAM_CHANGE_EXPIRED_AUTHTOK (a root daemon
/// changing an expired password for a remote user must still check the current one). A wrong
/// current password requests the failure delay (unless nodelay). An account whose status has bit 0
/// set (expired) cannot change its password (pam_mysql's PAM_AUTHTOK_LOCK_BUSY). New passwords
/// longer than <see cref="AuthFlow.MaxPasswordBytes"/> are refused: login would refuse them.</remarks>
public sealed class PasswordChangeFlow(ModuleSettings settings, IUserStore store, IModuleLog log, ModuleRequest request,
    IPamConversation conversation)
{
    /// <summary>pam_unix's delay after a wrong current password (security review L4), unless
    /// nodelay; a longer fail_delay wins. Logins have no delay by default (see AuthFlow): a
    /// password change is interactive, not a worker of a pool that attackers keep busy.</summary>
    public const int WrongCurrentPasswordDelayMicroseconds = 2_000_000;

    private readonly SqlAudit _audit = new(settings, store, log, request);
    private string Who => StoreFailures.Who(request);
    private bool CallerIsRoot => request.CallerUid == 0 && !request.Flags.HasFlag(PamFlags.ChangeExpiredAuthTok);

    public PamCode Run()
    {
        bool prelim = request.Flags.HasFlag(PamFlags.PrelimCheck);
        if (!prelim && !request.Flags.HasFlag(PamFlags.UpdateAuthTok))
        {
            log.Write(LogLevel.Err, "password change: called without PRELIM_CHECK or UPDATE_AUTHTOK");
            return PamCode.ServiceErr;
        }
        if (UserNames.Reject(request.User) is { } why)
        {
            log.Write(LogLevel.Notice, $"password change refused: {why}");
            return PamCode.UserUnknown;
        }
        var found = store.Lookup(request.User);
        if (!prelim)
            _audit.WriteQuery(found.Status);
        if (found.Status != LookupStatus.Found)
        {
            PamCode code = StoreFailures.Report(found, "password change", Who, settings.Verbose, log);
            return code == PamCode.AuthInfoUnavail ? (prelim ? PamCode.TryAgain : PamCode.AuthTokErr) : code;
        }
        if (found.Rows > 1)
        {
            // App passwords (max_rows): the rows do not say which is the main one, and an app password
            // must not be able to replace it. Changed where the rows are kept (PostfixAdmin).
            log.Write(LogLevel.Err, $"password change refused: {Who} has {found.Rows} stored passwords (max_rows={settings.MaxRows}, app passwords); a password change needs exactly one row");
            return PamCode.AuthTokErr;
        }
        if (settings.StatColumn is not null && found.AccountStatus is { } status && (status & 1) != 0)
        {
            log.Write(LogLevel.Notice, $"password change refused: the account of {Who} has expired");
            return PamCode.AuthTokLockBusy;
        }
        PamCode old = CheckCurrentPassword(found.StoredPassword, prelim);
        if (old != PamCode.Success || prelim)
            return old;
        PamCode result = Update();
        _audit.Write(result == PamCode.Success ? SqlAudit.PasswordChanged : SqlAudit.PasswordChangeFailed);
        return result;
    }

    /// <summary>Root changes any password; everyone else proves the current one.</summary>
    private PamCode CheckCurrentPassword(string? stored, bool prelim)
    {
        if (CallerIsRoot)
            return PamCode.Success;
        // In UPDATE the current password is the one given in PRELIM (kept as PAM_OLDAUTHTOK).
        var mode = prelim && !settings.UseFirstPass ? (settings.TryFirstPass ? AuthTokMode.TryFirstPass : AuthTokMode.Prompt)
            : AuthTokMode.UseFirstPass;
        PamCode got = conversation.GetAuthTok(AuthTokItem.OldAuthTok, mode, "Current password: ", out byte[]? current);
        if (got != PamCode.Success || current is null || current.Length == 0)
        {
            log.Write(LogLevel.Notice, $"password change refused: {Who} gave no current password and the caller is not root");
            return PamCode.PermDenied;
        }
        try
        {
            var result = string.IsNullOrEmpty(stored)
                ? VerifyResult.NoMatch
                : PasswordVerifier.Verify(settings.Crypt, current, DefaultScheme.Apply(settings, stored), AuthFlow.VerifyOptionsFor(settings, request.User));
            if (result == VerifyResult.Match)
                return PamCode.Success;
            log.Write(LogLevel.Notice, $"password change refused: wrong current password for {Who}");
            if (!settings.NoDelay)
                conversation.RequestFailDelay(Math.Max(WrongCurrentPasswordDelayMicroseconds, settings.FailDelayMicroseconds));
            return PamCode.AuthErr;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(current);
        }
    }

    private PamCode Update()
    {
        PamCode got = NewPassword(out byte[]? fresh);
        if (got != PamCode.Success)
            return got;
        try
        {
            if (fresh!.Length == 0)
            {
                log.Write(LogLevel.Notice, $"password change refused: empty new password for {Who}");
                return PamCode.AuthTokErr;
            }
            if (fresh.Length > AuthFlow.MaxPasswordBytes)
            {
                log.Write(LogLevel.Notice, $"password change refused: the new password for {Who} is longer than {AuthFlow.MaxPasswordBytes} bytes");
                return PamCode.AuthTokErr;
            }
            string? stored = NewPasswordFormat.Create(settings, fresh, out string? error);
            if (stored is null)
            {
                log.Write(LogLevel.Err, $"password change failed for {Who}: {error}");
                return PamCode.AuthTokErr;
            }
            var written = store.UpdatePassword(request.User, stored);
            if (written.Status != WriteStatus.Done)
            {
                log.Write(LogLevel.Err, $"password change failed for {Who}: {written.Detail}");
                return PamCode.AuthTokErr;
            }
            conversation.SetAuthTok(AuthTokItem.AuthTok, fresh);
            log.Write(LogLevel.Notice, $"password changed for {Who}");
            return PamCode.Success;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fresh);
        }
    }

    /// <summary>use_first_pass: an earlier module's new password; otherwise asked twice.</summary>
    private PamCode NewPassword(out byte[]? fresh)
    {
        fresh = null;
        if (settings.UseFirstPass)
        {
            PamCode code = conversation.GetAuthTok(AuthTokItem.AuthTok, AuthTokMode.UseFirstPass, "New password: ", out fresh);
            if (code != PamCode.Success || fresh is null)
                log.Write(LogLevel.Err, $"password change failed for {Who}: use_first_pass but no new password from an earlier module");
            return code == PamCode.Success && fresh is not null ? PamCode.Success : PamCode.AuthTokErr;
        }
        PamCode first = conversation.GetAuthTok(AuthTokItem.Answer, AuthTokMode.Prompt, "New password: ", out fresh);
        if (first != PamCode.Success || fresh is null)
            return PamCode.AuthTokErr;
        PamCode second = conversation.GetAuthTok(AuthTokItem.Answer, AuthTokMode.Prompt, "Retype new password: ", out byte[]? again);
        try
        {
            if (second != PamCode.Success || again is null || !ConstantTime.Equals(fresh, again))
            {
                log.Write(LogLevel.Notice, $"password change refused: the new passwords for {Who} do not match");
                CryptographicOperations.ZeroMemory(fresh);
                fresh = null;
                return PamCode.AuthTokRecoveryErr;
            }
            return PamCode.Success;
        }
        finally
        {
            if (again is not null)
                CryptographicOperations.ZeroMemory(again);
        }
    }
}
