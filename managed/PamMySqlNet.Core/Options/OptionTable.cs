namespace PamMySqlNet.Options;

/// <summary>One module argument: its name, aliases, default and how it changes the settings.</summary>
public sealed record OptionSpec(
    string Name,
    string[] Aliases,
    string Default,
    string Meaning,
    Func<ModuleSettings, string, ModuleSettings> Apply);

/// <summary>Thrown by an option's Apply when its value cannot be used.</summary>
public sealed class OptionValueException(string message) : Exception(message);

/// <summary>The single table that drives argument parsing (and the README's option list).</summary>
public static class OptionTable
{
    public static readonly IReadOnlyList<OptionSpec> All = new OptionSpec[]
    {
        new("host", [], "localhost (the default unix socket)",
            "Database server: name, name:port, [v6]:port or /path/to/socket.",
            (s, v) => s with { Hosts = ParseHosts(v) }),
        new("db", [], "(required)", "Database name.", (s, v) => s with { Database = v }),
        new("user", [], "(required)", "Database user.", (s, v) => s with { DbUser = v }),
        new("passwd", [], "(empty)", "Database user's password. Never logged.", (s, v) => s with { DbPassword = v }),
        new("table", [], "(required)", "Table holding the users; may be a JOIN expression (admin-trusted SQL).",
            (s, v) => s with { Table = v }),
        new("usercolumn", [], "(required)", "Column holding the user name.", (s, v) => s with { UserColumn = v }),
        new("passwdcolumn", [], "(required)", "Column holding the stored password.", (s, v) => s with { PasswdColumn = v }),
        new("where", [], "(none)", "Extra condition, appended as AND (<where>) (admin-trusted SQL).",
            (s, v) => s with { Where = v.Length == 0 ? null : v }),
        new("crypt", [], "0",
            "How the stored password is compared: 0/plain, 1/Y (crypt(3)), 2/mysql, 3/md5, 4/sha1, 5/drupal7, 6/joomla15, 7/ssha, 8/sha512, 9/sha256, auto.",
            (s, v) => CryptModeNames.TryParse(v, out var m) ? s with { Crypt = m }
                : throw new OptionValueException($"unknown crypt mode '{v}'")),
        new("md5", [], "false", "With crypt=1: write new passwords as MD5-crypt.", (s, v) => s with { Md5 = Bool(v) }),
        new("verbose", ["debug"], "false", "Log more detail (never secrets).", (s, v) => s with { Verbose = Bool(v) }),
        new("use_first_pass", [], "false", "Only use the password an earlier module obtained; never prompt.",
            (s, v) => s with { UseFirstPass = Bool(v) }),
        new("try_first_pass", [], "true", "Use an earlier module's password if there is one, else prompt.",
            (s, v) => s with { TryFirstPass = Bool(v) }),
        new("nullok", [], "false", "Allow users whose stored password is NULL to log in with an empty password.",
            (s, v) => s with { NullOk = Bool(v) }),
        new("connect_timeout", [], "5", "Seconds to wait for a server to accept and greet a connection (1-60).",
            (s, v) => s with { ConnectTimeoutSeconds = Seconds(v) }),
        new("query_timeout", [], "5", "Seconds a query may take (1-60).",
            (s, v) => s with { QueryTimeoutSeconds = Seconds(v) }),
    };

    /// <summary>
    /// pam_mysql options this version does not implement yet. Ignoring them would silently weaken a
    /// setup (an expired account would pass), so naming one fails closed with a clear log line.
    /// </summary>
    public static readonly IReadOnlySet<string> NotYetImplemented = new HashSet<string>(StringComparer.Ordinal)
    {
        "statcolumn", "update_table", "use_323_passwd", "sqllog", "logtable", "logmsgcolumn", "logusercolumn",
        "loghostcolumn", "logrhostcolumn", "logpidcolumn", "logtimecolumn", "disconnect_every_op", "config_file",
        "ssl_mode", "ssl_cert", "ssl_key", "ssl_ca", "ssl_capath", "ssl_cipher", "select",
    };

    private static readonly Dictionary<string, OptionSpec> ByName = BuildIndex();

    public static OptionSpec? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>pam_mysql's rule: false only for 0, N, n, false, no; anything else (even empty) is true.
    /// We also read FALSE/No in any case as false.</summary>
    public static bool Bool(string value) =>
        !(value == "0" || value == "N" || value == "n"
          || value.Equals("false", StringComparison.OrdinalIgnoreCase)
          || value.Equals("no", StringComparison.OrdinalIgnoreCase));

    private static int Seconds(string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, null, out int n) && n is >= 1 and <= 60
            ? n
            : throw new OptionValueException($"'{value}' is not a whole number of seconds from 1 to 60");

    private static IReadOnlyList<DbEndpoint> ParseHosts(string value)
    {
        var list = new List<DbEndpoint>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!DbEndpoint.TryParse(part, out var ep, out var error))
                throw new OptionValueException(error!);
            list.Add(ep!);
        }
        return list;
    }

    private static Dictionary<string, OptionSpec> BuildIndex()
    {
        var index = new Dictionary<string, OptionSpec>(StringComparer.Ordinal);
        foreach (var spec in All)
        {
            index.Add(spec.Name, spec);
            foreach (var alias in spec.Aliases)
                index.Add(alias, spec);
        }
        return index;
    }
}
