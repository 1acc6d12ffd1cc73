using MySqlConnector;
using PamMySqlNet.Options;

namespace PamMySqlNet.Data;

/// <summary>Builds MySqlConnector connection strings from the settings, one per server.</summary>
public static class ConnectionStrings
{
    public static string For(ModuleSettings s, DbEndpoint endpoint)
    {
        var b = new MySqlConnectionStringBuilder
        {
            UserID = s.DbUser ?? "",
            Password = s.DbPassword ?? "",
            Database = s.Database ?? "",
            ConnectionTimeout = (uint)s.ConnectTimeoutSeconds,
            DefaultCommandTimeout = (uint)s.QueryTimeoutSeconds,
            // No TLS handshake to a loopback or unix-socket server: it costs milliseconds on every
            // cold login and protects nothing. Remote servers get TLS when they offer it.
            SslMode = endpoint.IsLoopback ? MySqlSslMode.None : MySqlSslMode.Preferred,
            Pooling = true,
            MinimumPoolSize = 0,
            MaximumPoolSize = 8,
            // No idle reaper: its timer wakes thread-pool threads in the host every few seconds.
            // A pooled connection the server dropped is detected and replaced when it is next used.
            ConnectionIdleTimeout = 0,
            CharacterSet = "utf8mb4",
            AllowUserVariables = false,
            AllowLoadLocalInfile = false,
            UseAffectedRows = true,
        };
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
}
