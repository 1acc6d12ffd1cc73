namespace PamMySqlNet.Options;

/// <summary>TLS to the database server (the ssl_mode option).</summary>
public enum SslMode
{
    /// <summary>Not set: verify_ca with a CA; else no TLS to loopback or unix-socket servers, unverified TLS when offered elsewhere (see Data/TlsPolicy).</summary>
    Default,
    Disabled,
    Preferred,
    Required,
    VerifyCa,
    VerifyIdentity,
}

/// <summary>The order in which a login tries the servers named in host= (the host_order option).</summary>
public enum HostOrder
{
    /// <summary>As written; a server that recently failed goes last for failover_backoff seconds.</summary>
    Ordered,
    /// <summary>Each login starts one server further on (per process); failed servers still go last.</summary>
    RoundRobin,
}

/// <summary>Whether a request goes to the resident daemon (the broker option; read by the C shim).</summary>
public enum BrokerMode
{
    /// <summary>The daemon when its socket is there and trusted; else in this process (or the helper).</summary>
    Auto,
    /// <summary>Never the daemon.</summary>
    Off,
    /// <summary>Only the daemon: without it the request is refused (PAM_AUTHINFO_UNAVAIL).</summary>
    Required,
}

/// <summary>
/// Everything the module's arguments (and config file) say, parsed once per request into one
/// immutable value. Defaults are pam_mysql's, except the timeouts pam_mysql never had.
/// </summary>
public sealed record ModuleSettings
{
    public IReadOnlyList<DbEndpoint> Hosts { get; init; } = new[] { new DbEndpoint("localhost", 0, DbEndpoint.DefaultSocket) };
    public string? Database { get; init; }
    public string? DbUser { get; init; }
    public string? DbPassword { get; init; }
    public string? Table { get; init; }
    public string? UpdateTable { get; init; }
    public string? UserColumn { get; init; }
    public string? PasswdColumn { get; init; }
    public string? StatColumn { get; init; }
    public string? Where { get; init; }
    /// <summary>A whole SELECT replacing the generated one; %u stands for the user name.</summary>
    public string? Select { get; init; }
    /// <summary>max_rows: how many rows (stored passwords, app passwords included) the lookup may
    /// return for one user; any of them may match (<see cref="Auth.AuthFlow"/>). 1 = exactly one row.</summary>
    public int MaxRows { get; init; } = 1;
    /// <summary>The largest max_rows: every row is hashed at each login.</summary>
    public const int MaxRowsCap = 16;
    public CryptMode Crypt { get; init; } = CryptMode.Plain;
    public bool Use323Passwd { get; init; }
    /// <summary>default_scheme: with crypt=auto, the scheme of a value without a {SCHEME} prefix (upper case, no braces).</summary>
    public string? DefaultScheme { get; init; }
    /// <summary>weak_schemes: what a login whose stored value uses a weak scheme gets (<see cref="Auth.WeakSchemes"/>).</summary>
    public Auth.WeakSchemePolicy WeakSchemes { get; init; } = Auth.WeakSchemePolicy.Allow;

    // New passwords written by pam_sm_chauthtok with crypt=1 (pam_mysql 1.0's switches).
    public bool Md5 { get; init; }
    public bool Sha256 { get; init; }
    public bool Sha512 { get; init; }
    public bool Blowfish { get; init; }
    /// <summary>Cost for new sha-crypt (rounds) or bcrypt (log2 cost) hashes; null = the scheme's default.</summary>
    public int? Rounds { get; init; }
    /// <summary>rehash: after a successful login, a stored value below this scheme and cost is
    /// rewritten in it (<see cref="Auth.RehashOnLogin"/>); null = never.</summary>
    public Auth.RehashTarget? Rehash { get; init; }

    /// <summary>auth_succ_query / auth_fail_query: statements run after a login succeeded or failed
    /// (<see cref="Auth.LoginHooks"/>), placeholders as in where=; null = none.</summary>
    public string? AuthSuccQuery { get; init; }
    public string? AuthFailQuery { get; init; }

    public bool SqlLog { get; init; }
    public string? LogTable { get; init; }
    public string? LogMsgColumn { get; init; }
    public string? LogUserColumn { get; init; }
    public string? LogHostColumn { get; init; }
    public string? LogRHostColumn { get; init; }
    public string? LogPidColumn { get; init; }
    public string? LogTimeColumn { get; init; }

    public bool Verbose { get; init; }
    public bool UseFirstPass { get; init; }
    public bool TryFirstPass { get; init; } = true;
    public bool NullOk { get; init; }
    /// <summary>No pam_fail_delay on failure (pam_unix's option of the same name): fail_delay=0.</summary>
    public bool NoDelay { get; init; }
    /// <summary>fail_delay: what libpam is asked to delay a failed login by.</summary>
    public int FailDelayMicroseconds { get; init; } = DefaultFailDelayMicroseconds;
    public const int DefaultFailDelayMicroseconds = 0;
    public const string DefaultFailDelayText = "0";
    /// <summary>The delay asked for, nodelay included.</summary>
    public int EffectiveFailDelayMicroseconds => NoDelay ? 0 : FailDelayMicroseconds;
    /// <summary>Brute-force throttling (the throttle* options).</summary>
    public Auth.ThrottlePolicy Throttle { get; init; } = new();
    public bool DisconnectEveryOp { get; init; }
    public string? ConfigFile { get; init; }

    public SslMode SslMode { get; init; } = SslMode.Default;
    public string? SslCa { get; init; }
    public string? SslCaPath { get; init; }
    public string? SslCert { get; init; }
    public string? SslKey { get; init; }
    public string? SslCipher { get; init; }
    /// <summary>server_public_key: PEM file with the server's RSA public key, for caching_sha2_password and
    /// sha256_password over TCP without TLS (<see cref="Data.PublicKeyPolicy"/>).</summary>
    public string? ServerPublicKey { get; init; }

    /// <summary>Seconds to wait for a server to accept and greet a connection.</summary>
    public int ConnectTimeoutSeconds { get; init; } = 5;
    /// <summary>Seconds a query may take.</summary>
    public int QueryTimeoutSeconds { get; init; } = 5;
    /// <summary>Seconds a server that failed is tried only after the others (0: always in its place).</summary>
    public int FailoverBackoffSeconds { get; init; } = 30;
    public HostOrder HostOrder { get; init; } = HostOrder.Ordered;

    /// <summary>The shim decides the route from the pam.d line itself; parsed here to be checked.</summary>
    public BrokerMode Broker { get; init; } = BrokerMode.Auto;
    public string BrokerSocket { get; init; } = DefaultBrokerSocket;
    /// <summary>PMN_BROKER_SOCKET in native/broker_client.c.</summary>
    public const string DefaultBrokerSocket = "/run/pam_mysql_net/socket";

    /// <summary>Deliberately without the DB password: records print their members.</summary>
    public override string ToString() => $"ModuleSettings {{ Hosts = {string.Join(",", Hosts)}, Database = {Database}, Table = {Table} }}";
}
