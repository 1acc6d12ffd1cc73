namespace PamMySqlNet.Sql;

/// <summary>The values a placeholder of <c>select=</c> or <c>where=</c> stands for.</summary>
[Flags]
public enum PlaceholderUse
{
    None = 0,
    /// <summary>%u: the whole user name.</summary>
    User = 1,
    /// <summary>%s: the PAM service (PAM_SERVICE).</summary>
    Service = 2,
    /// <summary>%r: the remote host (PAM_RHOST); NULL when the application set none.</summary>
    RHost = 4,
    /// <summary>%n: the user name before its last '@' (the whole name when it has none).</summary>
    LocalPart = 8,
    /// <summary>%d: the user name after its last '@'; NULL when it has none.</summary>
    Domain = 16,
    /// <summary>What changes with the user name.</summary>
    UserDerived = User | LocalPart | Domain,
}

/// <summary>
/// Turns the placeholders of an admin's <c>select=</c> or <c>where=</c> text into the parameter names
/// the store binds: the values are never written into the SQL text.
/// <list type="bullet">
/// <item>Outside quoted text, <c>%u %s %r %n %d</c> become parameters and <c>%%</c> is one <c>%</c>; any
/// other <c>%</c> stays as written (MySQL's modulo operator, as pam_mysql passed where= on).</item>
/// <item>A quoted literal that is exactly one placeholder (<c>'%u'</c>, <c>"%d"</c>) becomes the
/// parameter, quotes and all, as the pam_mysql habit of quoting the user name expects.</item>
/// <item>Any other quoted text is left alone: <c>LIKE '%sales%'</c> keeps its meaning.</item>
/// <item>pam_mysql's option references <c>%[name]</c> and <c>%{name}</c> are refused by <see cref="SqlTextRules"/>.</item>
/// </list>
/// </summary>
public static class Placeholders
{
    public const string ServiceParameter = "@pmn_service";
    public const string LocalPartParameter = "@pmn_local";
    public const string DomainParameter = "@pmn_domain";

    /// <summary>The parameter a placeholder letter stands for, or null.</summary>
    private static (string Parameter, PlaceholderUse Use)? For(char letter) => letter switch
    {
        'u' => (QuerySet.UserParameter, PlaceholderUse.User),
        's' => (ServiceParameter, PlaceholderUse.Service),
        'r' => (QuerySet.RHostParameter, PlaceholderUse.RHost),
        'n' => (LocalPartParameter, PlaceholderUse.LocalPart),
        'd' => (DomainParameter, PlaceholderUse.Domain),
        _ => null,
    };

    /// <summary>The text with parameters in place of placeholders; <paramref name="used"/> says which
    /// values the text needs. The text has passed <see cref="SqlTextRules.CheckFragment"/>.</summary>
    public static string Expand(string text, out PlaceholderUse used)
    {
        var sb = new System.Text.StringBuilder(text.Length + 16);
        used = PlaceholderUse.None;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '\'' or '"' or '`')
            {
                int end = QuoteEnd(text, i);
                if (end < 0)
                {
                    // Unbalanced: left for SqlTextRules, which names the problem.
                    sb.Append(text, i, text.Length - i);
                    break;
                }
                if (c != '`' && end == i + 3 && text[i + 1] == '%' && For(text[i + 2]) is { } quoted)
                {
                    sb.Append(quoted.Parameter);
                    used |= quoted.Use;
                }
                else
                {
                    sb.Append(text, i, end - i + 1);
                }
                i = end;
                continue;
            }
            if (c != '%' || i + 1 >= text.Length)
            {
                sb.Append(c);
                continue;
            }
            char next = text[i + 1];
            if (next == '%')
            {
                sb.Append('%');
                i++;
            }
            else if (For(next) is { } bare)
            {
                sb.Append(bare.Parameter);
                used |= bare.Use;
                i++;
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>The index of the quote that closes the one at <paramref name="start"/>, or -1.
    /// Doubled quotes and (outside backticks) backslashes escape, as in <see cref="SqlTextRules"/>.</summary>
    private static int QuoteEnd(string text, int start)
    {
        char quote = text[start];
        for (int i = start + 1; i < text.Length; i++)
        {
            if (text[i] == '\\' && quote != '`')
                i++;
            else if (text[i] == quote)
            {
                if (i + 1 < text.Length && text[i + 1] == quote)
                    i++;
                else
                    return i;
            }
        }
        return -1;
    }

    /// <summary>%n and %d of a user name: split at the last '@' (a quoted local part may hold one,
    /// a domain never does). No '@': the whole name and NULL.</summary>
    public static (string LocalPart, string? Domain) Split(string user)
    {
        int at = user.LastIndexOf('@');
        return at < 0 ? (user, null) : (user[..at], user[(at + 1)..]);
    }
}
