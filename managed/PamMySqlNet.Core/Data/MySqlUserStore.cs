using System.Net.Sockets;
using MySqlConnector;
using PamMySqlNet.Logging;
using PamMySqlNet.Options;
using PamMySqlNet.Sql;

namespace PamMySqlNet.Data;

/// <summary>
/// Users in MySQL/MariaDB: parameterized statements only. Servers are tried in the order
/// <see cref="ServerHealth"/> gives (host_order, with recently failed servers last); connections
/// come from MySqlConnector's per-process pool, so a long-lived host reuses them.
/// </summary>
/// <param name="log">Gets one warning line each time a server fails and the next one is tried
/// (at most once per server and back-off period in a process: a backed-off server goes last).
/// When the last server fails too, the caller reports that failure.</param>
public sealed class MySqlUserStore(ModuleSettings settings, QuerySet queries, IModuleLog? log = null) : IUserStore
{
    private readonly ServerCertificateCheck? _trust = TlsTrust.For(settings);

    private MySqlThrottleTable? _throttleTable;

    /// <summary>throttle_table on the same servers and connections, when configured.</summary>
    public IThrottleTable? ThrottleTable => queries.Throttle is { } t ? _throttleTable ??= new MySqlThrottleTable(this, t) : null;

    public UserLookup Lookup(string userName) => Lookup(userName, withSample: false);

    /// <remarks>With a sample (<see cref="QuerySet.LookupWithSample"/>), the last column marks the rows:
    /// 0 the user's, 1 the sample; still one query and one round trip.</remarks>
    public UserLookup Lookup(string userName, bool withSample) => WithConnection(
        (connection, endpoint) =>
        {
            bool sampled = withSample && queries.LookupWithSample is not null;
            using var command = new MySqlCommand(sampled ? queries.LookupWithSample : queries.Lookup, connection);
            BindUser(command, userName);
            using var reader = command.ExecuteReader();
            string? sample = null;
            var rows = new LookupRows(settings.MaxRows);
            while (reader.Read())
            {
                if (sampled && Convert.ToInt32(reader.GetValue(reader.FieldCount - 1), System.Globalization.CultureInfo.InvariantCulture) == 1)
                {
                    sample = reader.IsDBNull(0) ? null : ReadText(reader.GetValue(0));
                    continue;
                }
                long? status = null;
                bool unreadable = false;
                if (queries.LookupHasStatus && reader.FieldCount > 1 && !reader.IsDBNull(1))
                    unreadable = !TryReadInteger(reader.GetValue(1), out status);
                rows.Add(reader.IsDBNull(0) ? null : ReadText(reader.GetValue(0)), status, unreadable);
            }
            return rows.Result(sample);
        },
        (status, detail) => new UserLookup(status == WriteStatus.Unavailable ? LookupStatus.Unavailable : LookupStatus.QueryFailed, Detail: detail),
        idempotent: true);

    public WriteResult UpdatePassword(string userName, string newStoredPassword) =>
        WritePassword(queries.Update, userName, null, newStoredPassword);

    public WriteResult ReplacePassword(string userName, string oldStoredPassword, string newStoredPassword) =>
        WritePassword(queries.Rehash, userName, oldStoredPassword, newStoredPassword);

    /// <summary>One UPDATE of the password column that may change at most one row (a password change
    /// needs exactly one; a compare-and-set may change none); anything else is rolled back.</summary>
    private WriteResult WritePassword(string statement, string userName, string? oldStoredPassword, string newStoredPassword) => WithConnection(
        (connection, endpoint) =>
        {
            using var transaction = connection.BeginTransaction();
            using var command = new MySqlCommand(statement, connection, transaction);
            command.Parameters.AddWithValue(QuerySet.HashParameter, newStoredPassword);
            if (oldStoredPassword is not null)
                command.Parameters.AddWithValue(QuerySet.OldHashParameter, oldStoredPassword);
            BindUser(command, userName);
            int rows = command.ExecuteNonQuery();
            if (rows != 1)
            {
                transaction.Rollback();
                return new WriteResult(WriteStatus.WrongRowCount, $"the update matched {rows} rows");
            }
            transaction.Commit();
            return new WriteResult(WriteStatus.Done);
        },
        (status, detail) => new WriteResult(status, detail));

    public WriteResult WriteLog(LogRow row) => queries.LogInsert is null
        ? new WriteResult(WriteStatus.Done)
        : WithConnection(
            (connection, endpoint) =>
            {
                using var command = new MySqlCommand(queries.LogInsert, connection);
                command.Parameters.AddWithValue(QuerySet.MessageParameter, row.Message);
                command.Parameters.AddWithValue(QuerySet.UserParameter, row.User);
                command.Parameters.AddWithValue(QuerySet.HostParameter, row.Host);
                command.Parameters.AddWithValue(QuerySet.RHostParameter, row.RHost);
                command.Parameters.AddWithValue(QuerySet.PidParameter, row.Pid);
                command.ExecuteNonQuery();
                return new WriteResult(WriteStatus.Done);
            },
            (status, detail) => new WriteResult(status, detail));

    public WriteResult RunLoginHook(bool succeeded, string userName) => (succeeded ? queries.AuthSucceeded : queries.AuthFailed) is not { } statement
        ? new WriteResult(WriteStatus.Done)
        : WithConnection(
            (connection, endpoint) =>
            {
                using var command = new MySqlCommand(statement, connection);
                BindUser(command, userName);
                command.ExecuteNonQuery();
                return new WriteResult(WriteStatus.Done);
            },
            (status, detail) => new WriteResult(status, detail));

    /// <summary>The user name and the other values the select/where placeholders stand for
    /// (<see cref="Placeholders"/>); a statement that names fewer ignores the rest.</summary>
    private void BindUser(MySqlCommand command, string userName)
    {
        var (local, domain) = Placeholders.Split(userName);
        command.Parameters.AddWithValue(QuerySet.UserParameter, userName);
        command.Parameters.AddWithValue(Placeholders.LocalPartParameter, local);
        command.Parameters.AddWithValue(Placeholders.DomainParameter, domain);
        command.Parameters.AddWithValue(Placeholders.ServiceParameter, queries.Service);
        command.Parameters.AddWithValue(QuerySet.RHostParameter, queries.RHost);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the first server that answers, in the order
    /// <see cref="ServerHealth"/> gives (servers that recently failed last). A server that refuses,
    /// times out or drops the connection is backed off and the next one is tried. When an idempotent
    /// <paramref name="work"/> (the SELECT) loses its connection mid-query, it runs again: once more on
    /// the same server with a fresh connection (a pooled connection can die with a server restart),
    /// then on the next servers. A write that lost its connection is not repeated (it may have
    /// committed): it reports Unavailable.
    /// </summary>
    internal T WithConnection<T>(Func<MySqlConnection, DbEndpoint, T> work, Func<WriteStatus, string, T> failure,
        bool idempotent = false)
    {
        // A server killed mid-query must not SIGPIPE the host (see SigPipeGuard).
        using var sigpipe = SigPipeGuard.Enter();
        // Before the first handshake: an unusable OpenSSL would make .NET abort the host process.
        if (Interop.OpenSslCheck.Problem() is { } crypto)
            return failure(WriteStatus.Unavailable, crypto);
        var health = ServerHealth.Shared;
        string? lastError = null;
        var order = health.Order(settings.Hosts, settings.HostOrder);
        for (int i = 0; i < order.Count; i++)
        {
            var endpoint = order[i];
            // An unverified remote server, or verify_ca that pins nothing: once per process.
            if (log is not null && TlsPolicy.For(settings, endpoint).Warning is { } tlsWarning)
                OncePerProcess.Warn(log, tlsWarning);
            if (lastError is not null)
                log?.Write(LogLevel.Warning, $"{lastError}; trying {endpoint} (the failed server goes last for {settings.FailoverBackoffSeconds} s)");
            for (int attempt = 1; ; attempt++)
            {
                MySqlConnection? connection = null;
                try
                {
                    connection = new MySqlConnection(ConnectionStrings.For(settings, endpoint, forWrite: !idempotent));
                    if (_trust is not null)
                    {
                        _trust.TakeRefusal();
                        connection.RemoteCertificateValidationCallback = _trust.Callback;
                    }
                    connection.Open();
                }
                catch (Exception e) when (IsDriverFailure(e))
                {
                    lastError = $"cannot connect to {endpoint}: {DescribeRefusal(_trust) ?? Describe(e)}";
                    connection?.Dispose();
                    health.Failed(endpoint, settings.FailoverBackoffSeconds);
                    break;
                }
                using (connection)
                {
                    try
                    {
                        T result = work(connection, endpoint);
                        health.Succeeded(endpoint);
                        return result;
                    }
                    catch (MySqlException e) when (!IsLost(e, connection) && !IsServerUnusable(e))
                    {
                        // The server answered with an SQL error: the configuration's fault, not the server's.
                        health.Succeeded(endpoint);
                        return failure(WriteStatus.Failed, $"query failed on {endpoint}: {Describe(e)}");
                    }
                    catch (Exception e) when (IsDriverFailure(e))
                    {
                        lastError = $"lost connection to {endpoint}: {Describe(e)}";
                        // Other idle connections to this server in the pool are likely dead as well.
                        TryClearPool(connection);
                        if (!idempotent)
                        {
                            health.Failed(endpoint, settings.FailoverBackoffSeconds);
                            return failure(WriteStatus.Unavailable, lastError);
                        }
                        // Once more on the same server with a fresh connection, unless it timed out
                        // (frozen: another try costs another timeout) or said it cannot serve.
                        if (attempt == 1 && !IsTimeout(e) && !IsServerUnusable(e))
                            continue;
                        health.Failed(endpoint, settings.FailoverBackoffSeconds);
                        break;
                    }
                }
            }
        }
        return failure(WriteStatus.Unavailable, lastError ?? "no database server configured");
    }

    private static void TryClearPool(MySqlConnection connection)
    {
        try
        {
            MySqlConnection.ClearPool(connection);
        }
        catch (Exception e) when (IsDriverFailure(e))
        {
            // Best effort: a dead pooled connection is also found and replaced when it is next opened.
        }
    }

    private static bool IsDriverFailure(Exception e) =>
        e is MySqlException or SocketException or IOException or TimeoutException or InvalidOperationException
            or System.Security.Authentication.AuthenticationException;

    /// <summary>
    /// The connection, not the statement, failed: a connection-loss error code, a network exception
    /// anywhere in the chain (MySqlConnector reports a dropped socket as "Failed to read the result
    /// set", number 0, around an EndOfStream/IOException), or the connection is no longer open.
    /// </summary>
    private static bool IsLost(Exception e, MySqlConnection connection)
    {
        if (e is MySqlException m && IsConnectionLoss(m))
            return true;
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is SocketException or IOException or TimeoutException)
                return true;
        }
        return connection.State != System.Data.ConnectionState.Open;
    }

    private static bool IsTimeout(Exception e) =>
        e is TimeoutException || e is MySqlException { ErrorCode: MySqlErrorCode.CommandTimeoutExpired };

    /// <summary>
    /// Errors with which a server says it cannot serve now: 1047 (a Galera node not in the primary
    /// component: "WSREP has not yet prepared node for application use"), 1053 (shutdown in progress),
    /// 1927 (connection killed). Another server may well answer.
    /// </summary>
    private static bool IsServerUnusable(Exception e) => e is MySqlException { Number: 1047 or 1053 or 1927 };

    /// <summary>The stored password as text, whatever the column type (VARCHAR, BINARY, BLOB).</summary>
    private static string ReadText(object value) => value switch
    {
        string s => s,
        byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    private static bool TryReadInteger(object value, out long? result)
    {
        result = null;
        switch (value)
        {
            case string or byte[]:
                if (!long.TryParse(ReadText(value).Trim(), System.Globalization.NumberStyles.AllowLeadingSign,
                        System.Globalization.CultureInfo.InvariantCulture, out long parsed))
                    return false;
                result = parsed;
                return true;
            case IConvertible c:
                try
                {
                    result = c.ToInt64(System.Globalization.CultureInfo.InvariantCulture);
                    return true;
                }
                catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException)
                {
                    return false;
                }
            default:
                return false;
        }
    }

    private static bool IsConnectionLoss(MySqlException e) =>
        e.ErrorCode is MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.CommandTimeoutExpired
        || e.Number is 2002 or 2003 or 2006 or 2013;

    /// <summary>Why our certificate check refused the server, if that is why the connection failed.</summary>
    public static string? DescribeRefusal(ServerCertificateCheck? trust) =>
        trust?.TakeRefusal() is { } refusal ? $"TLS certificate refused: {refusal}" : null;

    /// <summary>The driver's message names the server, user and cause; it never holds the password.</summary>
    private static string Describe(Exception e)
    {
        string text = e is MySqlException m ? $"{m.Message} (error {m.Number})" : e.Message;
        // TLS failures carry the useful part (untrusted root, name mismatch) one level down.
        if (e.InnerException is { } inner)
            text = $"{text}: {inner.Message}";
        // Server error texts come from the other end of the wire: no line breaks or escapes.
        return Logging.LogText.Printable(text, maxRunes: 300);
    }
}
