using System.Collections.Concurrent;
using MySqlConnector;
using PamMySqlNet.Options;

namespace PamMySqlNet.Data;

/// <summary>
/// Builds MySqlConnector connection strings from the settings, one per server and purpose, and
/// remembers them: a long-lived host asks for the same strings on every login, and building one
/// (MySqlConnectionStringBuilder validates every key) cost more than the login's SELECT.
/// </summary>
public static class ConnectionStrings
{
    /// <summary>More distinct settings than this in one process (config files edited in a loop?): start over.</summary>
    private const int MaxRemembered = 64;

    private static readonly ConcurrentDictionary<string, string> Remembered = new(StringComparer.Ordinal);

    /// <summary>
    /// The connection string for <paramref name="endpoint"/>. <paramref name="forWrite"/>: for a
    /// statement that must not run twice (password change, sqllog). Such connections are reset and
    /// thereby checked by the driver when taken from the pool (one round trip), because a write that
    /// fails on a dead pooled connection cannot safely be retried. Reads skip that round trip: the
    /// SELECT is retried on a fresh connection when a pooled one turns out dead (MySqlUserStore).
    /// </summary>
    public static string For(ModuleSettings s, DbEndpoint endpoint, bool forWrite = false)
    {
        bool loopback = Loopback.Shared.Is(endpoint);
        var tls = TlsPolicy.DriverMode(s, loopback);
        string key = string.Join('\0', s.DbUser, s.DbPassword, s.Database, s.ConnectTimeoutSeconds, s.QueryTimeoutSeconds,
            tls, s.SslMode, s.SslCa, s.SslCaPath, s.SslCert, s.SslKey, s.SslCipher, s.ServerPublicKey, loopback,
            s.DisconnectEveryOp, endpoint, forWrite);
        if (Remembered.TryGetValue(key, out string? known))
            return known;
        if (Remembered.Count >= MaxRemembered)
            Remembered.Clear();
        return Remembered[key] = Build(s, endpoint, tls, PublicKeyPolicy.For(s, endpoint, loopback, tls), forWrite);
    }

    /// <summary>The connection string itself; <paramref name="transport"/> is how a caching_sha2_password
    /// account's password travels when the server wants it whole (<see cref="PublicKeyPolicy"/>).</summary>
    private static string Build(ModuleSettings s, DbEndpoint endpoint, MySqlSslMode tls, PasswordTransport transport, bool forWrite)
    {
        var b = new MySqlConnectionStringBuilder
        {
            UserID = s.DbUser ?? "",
            Password = s.DbPassword ?? "",
            Database = s.Database ?? "",
            ConnectionTimeout = (uint)s.ConnectTimeoutSeconds,
            DefaultCommandTimeout = (uint)s.QueryTimeoutSeconds,
            // TlsPolicy: every mode that checks the certificate is Required, and the check is ours
            // (TlsTrust), so ssl_ca / ssl_capath are never given to the driver.
            SslMode = tls,
            // One connection per process is kept for the next login unless disconnect_every_op.
            Pooling = !s.DisconnectEveryOp,
            MinimumPoolSize = 0,
            MaximumPoolSize = 8,
            // No idle reaper: its timer would wake thread-pool threads in the host every few seconds.
            // A pooled connection the server dropped is detected and replaced when it is next used.
            ConnectionIdleTimeout = 0,
            CharacterSet = "utf8mb4",
            AllowUserVariables = false,
            AllowLoadLocalInfile = false,
            UseAffectedRows = true,
            // We never use TransactionScope: skip System.Transactions' ambient-transaction check on every Open.
            AutoEnlist = false,
            // See For(): only connections for writes are reset (and so checked) when leaving the pool.
            ConnectionReset = forWrite,
            // On query_timeout, close the connection at once. The driver's default first opens a second
            // connection to send KILL QUERY and waits up to 2 s more for it: useless for our one-row
            // statements, and against a frozen server it made a login wait query_timeout + 2 s.
            CancellationTimeout = -1,
        };
        if (TlsPolicy.CheckFor(s) != CertificateCheck.None)
            b.ApplicationName = PoolTag(s);
        PublicKeyPolicy.Apply(b, s, transport);
        if (s.SslCert is not null)
            b.SslCert = s.SslCert;
        if (s.SslKey is not null)
            b.SslKey = s.SslKey;
        if (s.SslCipher is not null)
            b.TlsCipherSuites = s.SslCipher;
        if (endpoint.IsUnixSocket)
        {
            b.Server = endpoint.SocketPath;
            b.ConnectionProtocol = MySqlConnectionProtocol.UnixSocket;
        }
        else
        {
            b.Server = endpoint.Host;
            b.Port = (uint)endpoint.Port;
        }
        return b.ConnectionString;
    }

    /// <summary>
    /// The driver pools by connection string, and our certificate check (TlsTrust) is not part of
    /// it: without this tag a connection that passed a weaker check (another ssl_ca, no name check)
    /// could be reused by settings that ask for a stronger one. The tag is also what the server
    /// shows as the connection's program_name. It names no path: a hash of the check's settings.
    /// </summary>
    private static string PoolTag(ModuleSettings s)
    {
        byte[] digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            string.Join('\0', TlsPolicy.CheckFor(s), s.SslMode == SslMode.VerifyIdentity, s.SslCa, s.SslCaPath)));
        return "pam_mysql_net tls-" + Convert.ToHexString(digest, 0, 4).ToLowerInvariant();
    }
}
