namespace PamMySqlNet.Pam;

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
