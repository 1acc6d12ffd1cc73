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
            // Line/paragraph separators and bidi controls: never part of a login, only of a
            // forged log line or a name that reads differently from what it is.
            var category = char.GetUnicodeCategory(c);
            if (category is System.Globalization.UnicodeCategory.LineSeparator
                or System.Globalization.UnicodeCategory.ParagraphSeparator || IsBidiControl(c))
                return "user name holds a line separator or a bidi control character";
        }
        return null;
    }

    private static bool IsBidiControl(char c) =>
        c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>A user name made safe for one quoted log field: every non-printable character,
    /// '"' and '\' escaped (Logging.LogText), length capped.</summary>
    public static string ForLog(string name) => Logging.LogText.Printable(name, maxRunes: 64, escapeQuotes: true);
}
