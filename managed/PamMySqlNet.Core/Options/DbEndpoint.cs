namespace PamMySqlNet.Options;

/// <summary>One database server: a TCP host and port, or a unix socket path.</summary>
public sealed record DbEndpoint(string Host, int Port, string? SocketPath)
{
    public const int DefaultPort = 3306;

    /// <summary>libmysqlclient's meaning of "localhost": the server's default unix socket.</summary>
    public const string DefaultSocket = "/run/mysqld/mysqld.sock";

    public bool IsUnixSocket => SocketPath is not null;

    public override string ToString() => SocketPath ?? (Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}");

    /// <summary>
    /// Parses pam_mysql's <c>host=</c> forms: <c>/path/to/socket</c>, <c>name</c>, <c>name:port</c>,
    /// <c>[v6addr]:port</c>. A bare <c>localhost</c> means the default unix socket, as in pam_mysql.
    /// </summary>
    public static bool TryParse(string text, out DbEndpoint? endpoint, out string? error)
    {
        endpoint = null;
        error = null;
        text = text.Trim();
        if (text.Length == 0)
        {
            error = "empty host";
            return false;
        }
        if (text[0] == '/')
        {
            endpoint = new DbEndpoint("localhost", 0, text);
            return true;
        }
        string host = text;
        int port = DefaultPort;
        if (text[0] == '[')
        {
            int close = text.IndexOf(']');
            if (close < 0)
            {
                error = $"unclosed '[' in host '{text}'";
                return false;
            }
            host = text[1..close];
            string rest = text[(close + 1)..];
            if (rest.Length > 0 && (rest[0] != ':' || !TryParsePort(rest[1..], out port)))
            {
                error = $"bad port in host '{text}'";
                return false;
            }
        }
        else
        {
            int colon = text.IndexOf(':');
            if (colon >= 0 && text.IndexOf(':', colon + 1) < 0)
            {
                host = text[..colon];
                if (!TryParsePort(text[(colon + 1)..], out port))
                {
                    error = $"bad port in host '{text}'";
                    return false;
                }
            }
        }
        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == ','))
        {
            error = $"bad host name '{text}'";
            return false;
        }
        if (host == "localhost" && text.IndexOf(':') < 0)
        {
            endpoint = new DbEndpoint("localhost", 0, DefaultSocket);
            return true;
        }
        endpoint = new DbEndpoint(host, port, null);
        return true;
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, null, out port) && port is > 0 and < 65536;
}
