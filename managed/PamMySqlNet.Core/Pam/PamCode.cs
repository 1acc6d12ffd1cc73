namespace PamMySqlNet.Pam;

/// <summary>Linux-PAM return codes (values from security/_pam_types.h).</summary>
public enum PamCode
{
    Success = 0,
    OpenErr = 1,
    SymbolErr = 2,
    ServiceErr = 3,
    SystemErr = 4,
    BufErr = 5,
    PermDenied = 6,
    AuthErr = 7,
    CredInsufficient = 8,
    AuthInfoUnavail = 9,
    UserUnknown = 10,
    MaxTries = 11,
    NewAuthTokReqd = 12,
    AcctExpired = 13,
    SessionErr = 14,
    CredUnavail = 15,
    CredExpired = 16,
    CredErr = 17,
    NoModuleData = 18,
    ConvErr = 19,
    AuthTokErr = 20,
    AuthTokRecoveryErr = 21,
    AuthTokLockBusy = 22,
    AuthTokDisableAging = 23,
    TryAgain = 24,
    Ignore = 25,
    Abort = 26,
    AuthTokExpired = 27,
    ModuleUnknown = 28,
}

/// <summary>The PAM flags the module looks at.</summary>
[Flags]
public enum PamFlags
{
    None = 0,
    DisallowNullAuthTok = 0x0001,
    Silent = unchecked((int)0x8000),
}

/// <summary>Which PAM entry point a request came through.</summary>
public enum PamOperation
{
    Authenticate = 1,
    SetCred = 2,
    AcctMgmt = 3,
    ChAuthTok = 4,
    OpenSession = 5,
    CloseSession = 6,
}
