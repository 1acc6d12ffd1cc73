using System.Security.Cryptography;
using PamMySqlNet.Data;
using PamMySqlNet.Hashing;
using PamMySqlNet.Logging;
using PamMySqlNet.Options;
using PamMySqlNet.Pam;

namespace PamMySqlNet.Auth;

/// <summary>pam_sm_authenticate and pam_sm_acct_mgmt for one request, with pam_mysql's return codes.</summary>
public sealed class AuthFlow(ModuleSettings settings, IUserStore store, IModuleLog log, ModuleRequest request)
{
    private string Who => $"user \"{UserNames.ForLog(request.User)}\"{(request.RHost is { Length: > 0 } r ? $" rhost=\"{UserNames.ForLog(r)}\"" : "")}";

    public PamCode Authenticate(IPamConversation conversation)
    {
        var mode = settings.UseFirstPass ? AuthTokMode.UseFirstPass
            : settings.TryFirstPass ? AuthTokMode.TryFirstPass
            : AuthTokMode.Prompt;
        PamCode got = conversation.GetAuthTok(mode, out byte[]? password);
        if (got != PamCode.Success || password is null)
        {
            log.Write(LogLevel.Err, $"could not obtain the password for {Who} (PAM code {(int)got})");
            return got == PamCode.Success ? PamCode.AuthErr : got;
        }
        try
        {
            return Check(password);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(password);
        }
    }

    public PamCode CheckAccount()
    {
        if (UserNames.Reject(request.User) is { } why)
        {
            log.Write(LogLevel.Notice, $"account check refused: {why}");
            return PamCode.UserUnknown;
        }
        var found = store.Lookup(request.User);
        return found.Status == LookupStatus.Found ? PamCode.Success : Failure(found, "account check");
    }

    private PamCode Check(byte[] password)
    {
        if (UserNames.Reject(request.User) is { } why)
        {
            log.Write(LogLevel.Notice, $"authentication refused: {why}");
            return PamCode.UserUnknown;
        }
        var found = store.Lookup(request.User);
        if (found.Status != LookupStatus.Found)
            return Failure(found, "authentication");

        if (string.IsNullOrEmpty(found.StoredPassword))
            return NoStoredPassword(password);

        var result = PasswordVerifier.Verify(settings.Crypt, password, found.StoredPassword);
        switch (result)
        {
            case VerifyResult.Match:
                if (settings.Verbose)
                    log.Write(LogLevel.Info, $"authenticated {Who}");
                return PamCode.Success;
            case VerifyResult.NoMatch:
                log.Write(LogLevel.Notice, $"authentication failure: wrong password for {Who}");
                return PamCode.AuthErr;
            case VerifyResult.Malformed:
                log.Write(LogLevel.Err, $"authentication failure: the stored password of {Who} is not a valid hash for crypt={CryptModeNames.Name(settings.Crypt)}");
                return PamCode.AuthErr;
            default:
                log.Write(LogLevel.Err, $"crypt={CryptModeNames.Name(settings.Crypt)} is not supported by this version");
                return PamCode.ServiceErr;
        }
    }

    /// <summary>NULL or empty stored password: refused unless nullok and the application allows it.</summary>
    private PamCode NoStoredPassword(byte[] password)
    {
        bool allowed = settings.NullOk && password.Length == 0
                       && (request.Flags & PamFlags.DisallowNullAuthTok) == 0;
        if (allowed)
            return PamCode.Success;
        log.Write(LogLevel.Notice, $"authentication failure: {Who} has no stored password");
        return PamCode.AuthErr;
    }

    private PamCode Failure(UserLookup found, string what)
    {
        switch (found.Status)
        {
            case LookupStatus.NotFound:
                // The name may be a mistyped password: only named when the admin asked for detail.
                log.Write(LogLevel.Notice, settings.Verbose
                    ? $"{what} failure: unknown {Who}"
                    : $"{what} failure: unknown user");
                return PamCode.UserUnknown;
            case LookupStatus.Ambiguous:
                log.Write(LogLevel.Err, $"{what} failure: {found.Detail} for {Who}; the user column must be unique");
                return PamCode.ServiceErr;
            case LookupStatus.Unavailable:
                log.Write(LogLevel.Err, $"{what} failure: database unavailable: {found.Detail}");
                return PamCode.AuthInfoUnavail;
            default:
                log.Write(LogLevel.Err, $"{what} failure: {found.Detail}");
                return PamCode.ServiceErr;
        }
    }
}
