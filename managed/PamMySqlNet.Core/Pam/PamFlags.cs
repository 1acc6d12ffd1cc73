namespace PamMySqlNet.Pam;

/// <summary>The PAM flags the module looks at (values from security/_pam_types.h).</summary>
[Flags]
public enum PamFlags
{
    None = 0,
    /// <summary>PAM_DISALLOW_NULL_AUTHTOK: an empty password is refused whatever the row holds.</summary>
    DisallowNullAuthTok = 0x0001,
    /// <summary>PAM_CHANGE_EXPIRED_AUTHTOK (chauthtok): only an expired password is to be changed;
    /// root then gives the current password too.</summary>
    ChangeExpiredAuthTok = 0x0020,
    /// <summary>PAM_UPDATE_AUTHTOK (chauthtok): the second pass, which writes the new password.</summary>
    UpdateAuthTok = 0x2000,
    /// <summary>PAM_PRELIM_CHECK (chauthtok): the first pass, which only checks.</summary>
    PrelimCheck = 0x4000,
}
