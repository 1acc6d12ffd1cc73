using MySqlConnector;
using PamMySqlNet.Options;

namespace PamMySqlNet.Data;

/// <summary>How a caching_sha2_password or sha256_password account's password reaches one server when
/// the server asks for full authentication (MySQL 8.4/9 after a restart, until the account's first
/// login fills its cache).</summary>
public enum PasswordTransport
{
    /// <summary>Over the unix socket, which the server counts as secure: sent as is, no key needed.</summary>
    UnixSocket,
    /// <summary>Over TLS (the driver requires it for this server).</summary>
    Tls,
    /// <summary>Encrypted with the key of server_public_key.</summary>
    PinnedKey,
    /// <summary>Encrypted with the key the server sends when asked: only to a loopback address.</summary>
    KeyFromServer,
    /// <summary>Over TLS if the server offers it; else full authentication fails (remote, no key file).</summary>
    TlsIfOffered,
    /// <summary>No way: full authentication fails (remote, no TLS, no key file).</summary>
    None,
}

/// <summary>
/// The RSA key decisions. Asking the server for its key (AllowPublicKeyRetrieval) trusts whoever
/// answers on that address: a man in the middle would hand over its own key and read the database
/// password. That is allowed only for a loopback address, where whoever answers already decides every
/// login the module checks (the module takes TLS off there by default for the same reason). Anywhere
/// else the key must come from server_public_key, or the password must travel over TLS. A configured
/// key is used for every TCP server and the server is then never asked for one.
/// </summary>
public static class PublicKeyPolicy
{
    public static PasswordTransport For(ModuleSettings s, DbEndpoint endpoint, bool loopback, MySqlSslMode tls)
    {
        if (endpoint.IsUnixSocket)
            return PasswordTransport.UnixSocket;
        if (tls is MySqlSslMode.Required or MySqlSslMode.VerifyCA or MySqlSslMode.VerifyFull)
            return PasswordTransport.Tls;
        if (s.ServerPublicKey is not null)
            return PasswordTransport.PinnedKey;
        if (loopback)
            return PasswordTransport.KeyFromServer;
        return tls == MySqlSslMode.Preferred ? PasswordTransport.TlsIfOffered : PasswordTransport.None;
    }

    /// <summary>Sets the driver's key options for this server.</summary>
    public static void Apply(MySqlConnectionStringBuilder b, ModuleSettings s, PasswordTransport transport)
    {
        b.AllowPublicKeyRetrieval = transport == PasswordTransport.KeyFromServer;
        if (transport == PasswordTransport.PinnedKey)
            b.ServerRsaPublicKeyFile = s.ServerPublicKey;
    }

    /// <summary>One line for <c>pam-mysql-net check</c>; <paramref name="problem"/> when such accounts cannot log in.</summary>
    public static string Describe(PasswordTransport transport, out bool problem)
    {
        problem = transport == PasswordTransport.None;
        return transport switch
        {
            PasswordTransport.UnixSocket => "unix socket (no key needed)",
            PasswordTransport.Tls => "TLS",
            PasswordTransport.PinnedKey => "RSA key from server_public_key",
            PasswordTransport.KeyFromServer => "RSA key fetched from the server (loopback only)",
            PasswordTransport.TlsIfOffered => "TLS if the server offers it; without TLS full authentication fails (set server_public_key or ssl_mode)",
            _ => "none: the first login after a server restart fails for such an account (set server_public_key, or ssl_mode with ssl_ca)",
        };
    }
}
