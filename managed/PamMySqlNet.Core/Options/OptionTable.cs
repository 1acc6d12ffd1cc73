using PamMySqlNet.Auth;

namespace PamMySqlNet.Options;

/// <summary>
/// One module argument: its name, aliases, key in a config file, default, meaning, and how it
/// changes the settings.
/// </summary>
public sealed record OptionSpec(
    string Name,
    string[] Aliases,
    string ConfigKey,
    string Default,
    string Meaning,
    Func<ModuleSettings, string, ModuleSettings> Apply)
{
    /// <summary>Set on the options a usable line must have (db, user): whether the settings hold a
    /// value for it. The table, user and password columns are required too unless <c>select=</c>
    /// replaces them; the query builder (Sql/QuerySet.cs) checks those.</summary>
    public Func<ModuleSettings, bool>? Present { get; init; }
}

/// <summary>Thrown by an option's Apply when its value cannot be used.</summary>
public sealed class OptionValueException(string message) : Exception(message);

/// <summary>The single table that drives argument and config-file parsing (and the README's option list).</summary>
public static class OptionTable
{
    public static readonly IReadOnlyList<OptionSpec> All = new OptionSpec[]
    {
        new("host", [], "users.host", "localhost (the default unix socket)",
            "Server(s): name, name:port, [v6]:port or /path/to/socket; several, comma-separated, are tried in order (see host_order, failover_backoff).",
            (s, v) => s with { Hosts = ParseHosts(v) }),
        new("db", [], "users.database", "(required)", "Database name.", (s, v) => s with { Database = v })
            { Present = s => s.Database is not null },
        new("user", [], "users.db_user", "(required)", "Database user.", (s, v) => s with { DbUser = v })
            { Present = s => s.DbUser is not null },
        new("passwd", [], "users.db_passwd", "(empty)", "Database user's password. Never logged.",
            (s, v) => s with { DbPassword = v }),
        new("table", [], "users.table", "(required)", "Table holding the users; may be a JOIN expression (admin-trusted SQL).",
            (s, v) => s with { Table = Text(v) }),
        new("update_table", [], "users.update_table", "the value of table",
            "Table that password changes are written to.", (s, v) => s with { UpdateTable = Text(v) }),
        new("usercolumn", [], "users.user_column", "(required)", "Column holding the user name.",
            (s, v) => s with { UserColumn = Text(v) }),
        new("passwdcolumn", [], "users.password_column", "(required)", "Column holding the stored password.",
            (s, v) => s with { PasswdColumn = Text(v) }),
        new("statcolumn", [], "users.status_column", "(none)",
            "Column or SQL expression with the account status: bit 0 = account expired, bit 1 = password expired; NULL counts as expired (as in pam_mysql).",
            (s, v) => s with { StatColumn = Text(v) }),
        new("where", [], "users.where_clause", "(none)",
            "Extra condition, appended as AND (<where>) (admin-trusted SQL). Placeholders, each sent as a parameter, never as text: %u user name, %n its part before the last '@', %d the part after it (NULL without '@'), %s PAM service, %r remote host (PAM_RHOST, NULL when unset); %% is one %. Bare or as a whole quoted literal ('%s'); inside other quoted text % is literal.",
            (s, v) => s with { Where = Text(v) }),
        new("select", [], "users.select", "(generated)",
            "A whole SELECT returning the stored password (and the status as a second column for statcolumn checks); it must name the user by %u (or by both %n and %d). Placeholders as in where.",
            (s, v) => s with { Select = Text(v) }),
        new("max_rows", [], "users.max_rows", "1",
            "Stored passwords one user may have (1-16): with 2 or more, the lookup (usually a select= with a UNION, e.g. PostfixAdmin's mailbox_app_password) may return up to this many rows and the login succeeds if the password matches any of them; every row is checked, and more rows are refused (PAM_SERVICE_ERR, one log line). 1 = one row per user, two rows are an error. With several rows: no rehash, no password change, statcolumn the most restrictive of the rows. See App passwords.",
            (s, v) => s with { MaxRows = MaxRows(v) }),
        new("crypt", [], "users.password_crypt", "0",
            "How the stored password is compared: 0/plain, 1/Y (crypt(3)), 2/mysql, 3/md5, 4/sha1, 5/drupal7, 6/joomla15, 7/ssha, 8/sha512, 9/sha256, auto.",
            (s, v) => CryptModeNames.TryParse(v.Trim(), out var m) ? s with { Crypt = m }
                : throw new OptionValueException($"unknown crypt mode '{v}'")),
        new("default_scheme", [], "users.default_scheme", "(detect by shape)",
            "With crypt=auto: the Dovecot scheme (e.g. SHA512-CRYPT, SSHA512, PLAIN) of stored values without a {SCHEME} prefix, read as if it were there; values with a prefix keep theirs. An error with any other crypt mode.",
            (s, v) => s with { DefaultScheme = DefaultScheme.Parse(v) }),
        new("weak_schemes", [], "users.weak_schemes", "allow",
            "Logins whose stored value uses a weak scheme (cleartext, unsalted or salted single digests, MySQL PASSWORD(), md5crypt, DES; see the man page): allow, log (let in, log one warning), refuse (PAM_AUTH_ERR as a wrong password, log one line). The password is checked first either way.",
            (s, v) => s with { WeakSchemes = WeakSchemes.Parse(v) }),
        new("use_323_passwd", [], "users.use_323_password", "false",
            "With crypt=2: the stored value is MySQL 3.23's 16-hex OLD_PASSWORD().", (s, v) => s with { Use323Passwd = Bool(v) }),
        new("md5", [], "users.use_md5", "false", "With crypt=1 or auto: write new passwords as MD5-crypt ($1$).",
            (s, v) => s with { Md5 = Bool(v) }),
        new("sha256", [], "users.use_sha256", "false", "With crypt=1 or auto: write new passwords as SHA-256-crypt ($5$).",
            (s, v) => s with { Sha256 = Bool(v) }),
        new("sha512", [], "users.use_sha512", "false", "With crypt=1 or auto: write new passwords as SHA-512-crypt ($6$), the default.",
            (s, v) => s with { Sha512 = Bool(v) }),
        new("blowfish", [], "users.use_blowfish", "false", "With crypt=1 or auto: write new passwords as bcrypt ($2b$).",
            (s, v) => s with { Blowfish = Bool(v) }),
        new("rounds", [], "users.rounds", "(scheme default)",
            "Cost of new hashes: sha-crypt rounds (1000-1000000), bcrypt log2 cost (4-14), argon2id iterations.",
            (s, v) => s with { Rounds = Int(v, 4, 999_999_999) }),
        new("rehash", [], "users.rehash", "off",
            "After a successful login whose stored value uses another scheme or a lower cost: write a new hash of the typed password in this scheme, sha512, sha256, bcrypt or argon2id, with :cost (sha-crypt rounds, bcrypt log2 cost, argon2id iterations at 64 MiB; default the scheme's), e.g. sha512:10000. Compare-and-set into update_table (a password changed meanwhile is kept); a failed write is one log line and the login still succeeds. Needs crypt=1 or auto (argon2id: auto) and UPDATE on update_table.",
            (s, v) => s with { Rehash = RehashPolicy.Parse(v) }),
        new("auth_succ_query", [], "users.auth_succ_query", "(none)",
            "A statement run after each successful login (pam_pgsql's name), e.g. UPDATE mailbox SET last_login = NOW(), failures = 0 WHERE username = %u (admin-trusted SQL). Placeholders as in where. When it fails: one log line, the answer is unchanged.",
            (s, v) => s with { AuthSuccQuery = Text(v) }),
        new("auth_fail_query", [], "users.auth_fail_query", "(none)",
            "A statement run after each failed login that was checked (wrong password, unknown user; not a throttled refusal), e.g. UPDATE mailbox SET failures = failures + 1 WHERE username = %u. Placeholders as in where. When it fails: one log line, the answer is unchanged.",
            (s, v) => s with { AuthFailQuery = Text(v) }),
        new("sqllog", [], "log.enabled", "false", "Write a row to logtable for each authentication, password change and session.",
            (s, v) => s with { SqlLog = Bool(v) }),
        new("logtable", [], "log.table", "(none)", "Table the log rows go to.", (s, v) => s with { LogTable = Text(v) }),
        new("logmsgcolumn", [], "log.message_column", "(none)", "Log column for the message.",
            (s, v) => s with { LogMsgColumn = Text(v) }),
        new("logusercolumn", [], "log.user_column", "(none)", "Log column for the user name.",
            (s, v) => s with { LogUserColumn = Text(v) }),
        new("loghostcolumn", [], "log.host_column", "(none)", "Log column for this machine's address.",
            (s, v) => s with { LogHostColumn = Text(v) }),
        new("logrhostcolumn", [], "log.rhost_column", "(none)", "Log column for the remote host (PAM_RHOST).",
            (s, v) => s with { LogRHostColumn = Text(v) }),
        new("logpidcolumn", [], "log.pid_column", "(none)", "Log column for the PAM application's process id.",
            (s, v) => s with { LogPidColumn = Text(v) }),
        new("logtimecolumn", [], "log.time_column", "(none)", "Log column for the time (NOW()).",
            (s, v) => s with { LogTimeColumn = Text(v) }),
        new("verbose", ["debug"], "verbose", "false", "Log more detail: successes, unknown user names (never secrets).",
            (s, v) => s with { Verbose = Bool(v) }),
        new("use_first_pass", [], "use_first_pass", "false", "Only use the password an earlier module obtained; never prompt.",
            (s, v) => s with { UseFirstPass = Bool(v) }),
        new("try_first_pass", [], "try_first_pass", "true", "Use an earlier module's password if there is one, else prompt.",
            (s, v) => s with { TryFirstPass = Bool(v) }),
        new("nullok", [], "nullok", "false",
            "Allow an empty typed password (unless the application forbids it): it then matches a NULL, empty or empty-password stored value. Without it, empty passwords are refused.",
            (s, v) => s with { NullOk = Bool(v) }),
        new("nodelay", [], "nodelay", "false",
            "The same as fail_delay=0 (pam_unix's name): no pam_fail_delay.",
            (s, v) => s with { NoDelay = Bool(v) }),
        new("fail_delay", [], "fail_delay", ModuleSettings.DefaultFailDelayText,
            "Seconds (0-10, decimals allowed) libpam is asked to delay a failed login (pam_fail_delay; libpam varies it by up to 50 %); 0 = no delay. A throttled refusal is never delayed; a wrong current password in a password change is delayed at least 2 s unless nodelay. See Brute force.",
            (s, v) => s with { FailDelayMicroseconds = Seconds(v, 10) }),
        new("throttle", [], "throttle.enabled", "on",
            "Refuse logins at once, without a query or a hash, from an address or for a user name with too many recent failures (see Brute force); off = never.",
            (s, v) => s with { Throttle = s.Throttle with { Enabled = !v.Trim().Equals("off", StringComparison.OrdinalIgnoreCase) && Bool(v) } }),
        new("throttle_attempts", [], "throttle.attempts", "5",
            "Failed logins (1-100) from one address (IPv6: one /64) within throttle_window that throttle it.",
            (s, v) => s with { Throttle = s.Throttle with { AddressAttempts = Int(v, 1, 100) } }),
        new("throttle_user_attempts", [], "throttle.user_attempts", "20",
            "Failed logins (0-100) for one user name, from any address, within throttle_window that throttle it; 0 = user names are not counted.",
            (s, v) => s with { Throttle = s.Throttle with { UserAttempts = Int(v, 0, 100) } }),
        new("throttle_window", [], "throttle.window", "300",
            "Seconds (1-86400) of the sliding window failures are counted in; a throttled address or name is released after a success or this long without a failure.",
            (s, v) => s with { Throttle = s.Throttle with { WindowSeconds = Int(v, 1, 86400) } }),
        new("throttle_max_backoff", [], "throttle.max_backoff", "60",
            "Longest back-off in seconds (1-3600): a throttled key is refused for 2 s, then for twice as long after each failed check, up to this.",
            (s, v) => s with { Throttle = s.Throttle with { MaxBackoffSeconds = Int(v, 1, 3600) } }),
        new("throttle_trusted", [], "throttle.trusted", ThrottlePolicy.DefaultTrustedText,
            "Networks never counted nor throttled: comma-separated addresses or CIDR blocks (a.b.c.d/n, v6addr/n); none = no network.",
            (s, v) => s with { Throttle = s.Throttle with { Trusted = NetworkRange.ParseList(v) } }),
        new("throttle_table", [], "throttle.table", "(none)",
            "Table (name or database.name, not SQL) in which several servers behind one database share the counters: one INSERT ... ON DUPLICATE KEY UPDATE per failed login, one SELECT by key per login the database answered, a DELETE after a success from a counted address or name. Its CREATE TABLE is in Brute force. Without it nothing is written; when it cannot be used, throttling goes on in memory.",
            (s, v) => s with { Throttle = s.Throttle with { Table = Text(v) } }),
        new("disconnect_every_op", [], "users.disconnect_every_operation", "false",
            "Close the database connection after every PAM call instead of keeping it for the process.",
            (s, v) => s with { DisconnectEveryOp = Bool(v) }),
        new("config_file", [], "", "(none)",
            "File with more settings (key = value lines); its values override the arguments. Must be a root-owned regular file, not writable by others, and not readable by others if it holds a password.",
            (s, v) => s with { ConfigFile = Text(v) }),
        new("ssl_mode", [], "ssl.mode", "verify_ca with ssl_ca/ssl_capath; else disabled for a loopback address or socket, preferred (with a warning) elsewhere",
            "TLS to the server: disabled, preferred, required, verify_ca, verify_identity (verify_ca plus the certificate must name the host). Loopback means every address the host resolves to is loopback. Revocation is not checked.",
            (s, v) => s with { SslMode = ParseSslMode(v) }),
        new("ssl_ca", [], "ssl.ca", "(system CAs)", "PEM file of CA certificates to verify the server with; only these (and ssl_capath's) are trusted, not the system's.",
            (s, v) => s with { SslCa = Text(v) }),
        new("ssl_capath", [], "ssl.capath", "(none)", "Directory of PEM CA certificates (*.pem, *.crt) to verify the server with; only these (and ssl_ca's) are trusted, not the system's.",
            (s, v) => s with { SslCaPath = Text(v) }),
        new("ssl_cert", [], "ssl.cert", "(none)", "PEM client certificate.", (s, v) => s with { SslCert = Text(v) }),
        new("ssl_key", [], "ssl.key", "(none)", "PEM private key of the client certificate.", (s, v) => s with { SslKey = Text(v) }),
        new("ssl_cipher", [], "ssl.cipher", "(library default)", "Allowed TLS cipher suites, comma-separated IANA names (e.g. TLS_AES_256_GCM_SHA384).",
            (s, v) => s with { SslCipher = Text(v) }),
        new("server_public_key", [], "ssl.server_public_key", "(none)",
            "PEM file with the server's RSA public key, for caching_sha2_password/sha256_password accounts over TCP without TLS. Without it the key is fetched from the server only for a loopback address; a remote server then needs TLS for such accounts.",
            (s, v) => s with { ServerPublicKey = Text(v) }),
        new("connect_timeout", [], "connect_timeout", "5", "Seconds (1-60) to wait for a server to accept and greet a connection.",
            (s, v) => s with { ConnectTimeoutSeconds = Int(v, 1, 60) }),
        new("query_timeout", [], "query_timeout", "5", "Seconds (1-60) a query may take.",
            (s, v) => s with { QueryTimeoutSeconds = Int(v, 1, 60) }),
        new("failover_backoff", [], "failover_backoff", "30",
            "Seconds (0-3600) a server that failed (refused, timed out, lost the connection) is tried only after the other servers, per process; 0 = never skipped.",
            (s, v) => s with { FailoverBackoffSeconds = Int(v, 0, 3600) }),
        new("host_order", [], "host_order", "ordered",
            "Order in which the host= servers are tried: ordered (as written) or roundrobin (each login starts one server further on).",
            (s, v) => s with { HostOrder = ParseHostOrder(v) }),
        // Read by the C shim from the pam.d line before anything else runs, so never from a config file.
        new("broker", [], "", "auto",
            "Where the request runs: auto (the resident daemon, pam-mysql-net daemon, when its socket exists and it runs as root; else in this process), off (never the daemon), required (only the daemon; without it PAM_AUTHINFO_UNAVAIL). pam.d line only.",
            (s, v) => s with { Broker = ParseBroker(v) }),
        new("broker_socket", [], "", ModuleSettings.DefaultBrokerSocket,
            "The daemon's socket: an absolute path of at most 107 bytes. pam.d line only.",
            (s, v) => s with { BrokerSocket = ParseSocketPath(v) }),
    };

    /// <summary>One problem per required option the settings lack ("option 'db' is required").</summary>
    public static IEnumerable<string> Missing(ModuleSettings settings) =>
        All.Where(o => o.Present is { } present && !present(settings)).Select(o => $"option '{o.Name}' is required");

    private static readonly Dictionary<string, OptionSpec> ByName = Index(s => s.Aliases.Prepend(s.Name));
    private static readonly Dictionary<string, OptionSpec> ByConfigKey = Index(s => s.ConfigKey.Length == 0 ? [] : [s.ConfigKey]);

    public static OptionSpec? Find(string name) => ByName.GetValueOrDefault(name);
    public static OptionSpec? FindConfigKey(string key) => ByConfigKey.GetValueOrDefault(key);

    /// <summary>pam_mysql's rule: false only for 0, N, n, false, no; anything else (even empty) is true.
    /// We also read FALSE/No in any case as false.</summary>
    public static bool Bool(string value) =>
        !(value == "0" || value == "N" || value == "n"
          || value.Equals("false", StringComparison.OrdinalIgnoreCase)
          || value.Equals("no", StringComparison.OrdinalIgnoreCase));

    private static string? Text(string value) => value.Trim() is { Length: > 0 } t ? t : null;

    private static int Int(string value, int min, int max) =>
        int.TryParse(value.Trim(), System.Globalization.NumberStyles.None, null, out int n) && n >= min && n <= max
            ? n
            : throw new OptionValueException($"'{value}' is not a whole number from {min} to {max}");

    /// <summary>max_rows: 1 (one row per user) to <see cref="ModuleSettings.MaxRowsCap"/>.</summary>
    private static int MaxRows(string value) =>
        int.TryParse(value.Trim(), System.Globalization.NumberStyles.None, null, out int n) && n >= 1 && n <= ModuleSettings.MaxRowsCap
            ? n
            : throw new OptionValueException($"max_rows '{value}' must be a whole number from 1 (one row per user) to {ModuleSettings.MaxRowsCap} (stored passwords per user, app passwords included)");

    /// <summary>Seconds with up to 6 decimals, as whole microseconds.</summary>
    private static int Seconds(string value, int max) =>
        decimal.TryParse(value.Trim(), System.Globalization.NumberStyles.AllowDecimalPoint,
            System.Globalization.CultureInfo.InvariantCulture, out decimal d) && d >= 0 && d <= max
            ? (int)Math.Round(d * 1_000_000m)
            : throw new OptionValueException($"'{value}' is not a number of seconds from 0 to {max}");

    private static SslMode ParseSslMode(string value) => value.Trim().ToLowerInvariant() switch
    {
        "disabled" or "none" => SslMode.Disabled,
        "preferred" => SslMode.Preferred,
        "required" => SslMode.Required,
        "verify_ca" => SslMode.VerifyCa,
        "verify_identity" or "verify_full" => SslMode.VerifyIdentity,
        _ => throw new OptionValueException($"unknown ssl_mode '{value}'"),
    };

    private static HostOrder ParseHostOrder(string value) => value.Trim().ToLowerInvariant() switch
    {
        "ordered" or "order" => HostOrder.Ordered,
        "roundrobin" or "round_robin" or "round-robin" => HostOrder.RoundRobin,
        _ => throw new OptionValueException($"unknown host_order '{value}' (ordered or roundrobin)"),
    };

    // Exactly the values the shim reads (native/broker_client.c): it treats anything else as off.
    private static BrokerMode ParseBroker(string value) => value switch
    {
        "auto" => BrokerMode.Auto,
        "off" => BrokerMode.Off,
        "required" => BrokerMode.Required,
        _ => throw new OptionValueException($"unknown broker '{value}' (auto, off or required)"),
    };

    /// <summary>sockaddr_un's sun_path holds 108 bytes with the terminating NUL.</summary>
    private static string ParseSocketPath(string value) =>
        value.StartsWith('/') && System.Text.Encoding.UTF8.GetByteCount(value) <= 107
            ? value
            : throw new OptionValueException($"broker_socket must be an absolute path of at most 107 bytes");

    private static List<DbEndpoint> ParseHosts(string value)
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

    private static Dictionary<string, OptionSpec> Index(Func<OptionSpec, IEnumerable<string>> keys)
    {
        var index = new Dictionary<string, OptionSpec>(StringComparer.Ordinal);
        foreach (var spec in All)
            foreach (var key in keys(spec))
                index.Add(key, spec);
        return index;
    }
}
