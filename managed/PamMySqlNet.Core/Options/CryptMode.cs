namespace PamMySqlNet.Options;

/// <summary>How the stored password is compared: pam_mysql's <c>crypt=</c> modes plus <c>auto</c>.</summary>
public enum CryptMode
{
    Plain = 0,
    Crypt = 1,
    MySql = 2,
    Md5 = 3,
    Sha1 = 4,
    Drupal7 = 5,
    Joomla15 = 6,
    Ssha = 7,
    Sha512 = 8,
    Sha256 = 9,
    /// <summary>Detect the scheme from the stored string (not in pam_mysql).</summary>
    Auto = 100,
}

public static class CryptModeNames
{
    // pam_mysql accepts the number, and for 0/1 also N/Y; the names are its documented spellings.
    private static readonly (string[] Spellings, CryptMode Mode)[] Table =
    {
        (new[] { "0", "N", "plain" }, CryptMode.Plain),
        (new[] { "1", "Y", "crypt" }, CryptMode.Crypt),
        (new[] { "2", "mysql" }, CryptMode.MySql),
        (new[] { "3", "md5" }, CryptMode.Md5),
        (new[] { "4", "sha1" }, CryptMode.Sha1),
        (new[] { "5", "drupal7" }, CryptMode.Drupal7),
        (new[] { "6", "joomla15" }, CryptMode.Joomla15),
        (new[] { "7", "ssha" }, CryptMode.Ssha),
        (new[] { "8", "sha512" }, CryptMode.Sha512),
        (new[] { "9", "sha256" }, CryptMode.Sha256),
        (new[] { "auto" }, CryptMode.Auto),
    };

    public static bool TryParse(string text, out CryptMode mode)
    {
        foreach (var (spellings, m) in Table)
        {
            foreach (var s in spellings)
            {
                if (string.Equals(s, text, StringComparison.OrdinalIgnoreCase))
                {
                    mode = m;
                    return true;
                }
            }
        }
        mode = default;
        return false;
    }

    public static string Name(CryptMode mode) => mode switch
    {
        CryptMode.Auto => "auto",
        _ => Table.First(t => t.Mode == mode).Spellings[^1],
    };
}
