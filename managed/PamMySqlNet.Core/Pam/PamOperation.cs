namespace PamMySqlNet.Pam;

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
