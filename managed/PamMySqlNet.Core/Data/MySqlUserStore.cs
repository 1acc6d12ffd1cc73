using System.Net.Sockets;
using MySqlConnector;
using PamMySqlNet.Options;
using PamMySqlNet.Sql;

namespace PamMySqlNet.Data;

/// <summary>
/// Looks users up in MySQL/MariaDB with one parameterized SELECT. Servers are tried in the order
/// given; connections come from MySqlConnector's per-process pool, so a long-lived host reuses them.
/// </summary>
public sealed class MySqlUserStore(ModuleSettings settings, UserQuery query) : IUserStore
{
    public UserLookup Lookup(string userName)
    {
        string? lastError = null;
        foreach (var endpoint in settings.Hosts)
        {
            MySqlConnection? connection = null;
            try
            {
                connection = new MySqlConnection(ConnectionStrings.For(settings, endpoint));
                connection.Open();
            }
            catch (Exception e) when (e is MySqlException or SocketException or IOException or TimeoutException or InvalidOperationException)
            {
                lastError = $"cannot connect to {endpoint}: {Describe(e)}";
                connection?.Dispose();
                continue;
            }
            using (connection)
                return Query(connection, endpoint, userName);
        }
        return new UserLookup(LookupStatus.Unavailable, Detail: lastError ?? "no database server configured");
    }

    private UserLookup Query(MySqlConnection connection, DbEndpoint endpoint, string userName)
    {
        try
        {
            using var command = new MySqlCommand(query.Text, connection);
            command.Parameters.AddWithValue(UserQuery.UserParameter, userName);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
                return new UserLookup(LookupStatus.NotFound);
            string? stored = reader.IsDBNull(0) ? null : ReadText(reader);
            if (reader.Read())
                return new UserLookup(LookupStatus.Ambiguous, Detail: "the query returned more than one row");
            return new UserLookup(LookupStatus.Found, stored);
        }
        catch (MySqlException e) when (IsConnectionLoss(e))
        {
            return new UserLookup(LookupStatus.Unavailable, Detail: $"lost connection to {endpoint}: {Describe(e)}");
        }
        catch (MySqlException e)
        {
            return new UserLookup(LookupStatus.QueryFailed, Detail: $"query failed on {endpoint}: {Describe(e)}");
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or InvalidOperationException)
        {
            return new UserLookup(LookupStatus.Unavailable, Detail: $"lost connection to {endpoint}: {Describe(e)}");
        }
    }

    /// <summary>The stored password as text, whatever the column type (VARCHAR, BINARY, BLOB).</summary>
    private static string ReadText(MySqlDataReader reader)
    {
        object value = reader.GetValue(0);
        return value switch
        {
            string s => s,
            byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
        };
    }

    private static bool IsConnectionLoss(MySqlException e) =>
        e.ErrorCode is MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.CommandTimeoutExpired
            or MySqlErrorCode.ConnectionCountError
        || e.Number is 2002 or 2003 or 2006 or 2013;

    /// <summary>The driver's message names the server, user and cause; it never holds the password.</summary>
    private static string Describe(Exception e) => e switch
    {
        MySqlException m => $"{m.Message} (error {m.Number})",
        _ => e.Message,
    };
}
