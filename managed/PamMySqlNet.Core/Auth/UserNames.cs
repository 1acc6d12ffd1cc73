namespace PamMySqlNet.Auth;

/// <summary>Rules for the user names the module will look up, and how they appear in logs.</summary>
public static class UserNames
{
    /// <summary>Longer than any sane login or mail address (RFC 5321 caps a path at 256 octets).</summary>
    public const int MaxBytes = 256;

    /// <summary>Null if the name may be looked up, else why not.</summary>
    public static string? Reject(string name)
    {
        if (name.Length == 0)
            return "empty user name";
        if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxBytes)
            return $"user name longer than {MaxBytes} bytes";
        foreach (char c in name)
        {
            if (char.IsControl(c))
                return "user name holds a control character";
            if (c == '\uFFFD')
                return "user name is not valid UTF-8";
        }
        return null;
    }

    /// <summary>A user name made safe for one log line: control characters escaped, length capped.</summary>
    public static string ForLog(string name)
    {
        const int cap = 64;
        var sb = new System.Text.StringBuilder();
        foreach (char c in name.Length > cap ? name[..cap] : name)
        {
            if (char.IsControl(c) || c == '\uFFFD' || c == '"' || c == '\\')
                sb.Append($"\\x{(int)c:x2}");
            else
                sb.Append(c);
        }
        if (name.Length > cap)
            sb.Append($"...({name.Length} chars)");
        return sb.ToString();
    }
}
