using MySqlConnector;
using PamMySqlNet.Auth;
using PamMySqlNet.Sql;

namespace PamMySqlNet.Data;

/// <summary>throttle_table in MySQL/MariaDB, on the user store's servers and connections
/// (<see cref="MySqlUserStore.WithConnection"/>): parameterized statements only.</summary>
internal sealed class MySqlThrottleTable(MySqlUserStore store, ThrottleQueries queries) : IThrottleTable
{
    public IReadOnlyList<ThrottleRow>? Read(IReadOnlyList<string> keys, out string? problem)
    {
        var (rows, detail) = store.WithConnection<(IReadOnlyList<ThrottleRow>?, string?)>(
            (connection, _) =>
            {
                using var command = new MySqlCommand(queries.Select(keys.Count), connection);
                AddKeys(command, keys);
                using var reader = command.ExecuteReader();
                var found = new List<ThrottleRow>(keys.Count);
                try
                {
                    while (reader.Read() && found.Count < ThrottleQueries.MaxKeys)
                    {
                        string key = reader.GetValue(0) is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : Convert.ToString(reader.GetValue(0), Invariant) ?? "";
                        found.Add(new ThrottleRow(key, (int)Math.Min(Number(reader, 1), ThrottleQueries.MaxFailures), Number(reader, 2), Number(reader, 3)));
                    }
                }
                catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
                {
                    // A table made otherwise than documented: the login goes on without it.
                    return (null, $"a row of {queries.Table} is not as documented (failures, window_start, last_failure: integers)");
                }
                return (found, null);
            },
            (_, why) => (null, why),
            idempotent: true);
        problem = detail;
        return rows;
    }

    public string? RecordFailure(IReadOnlyList<(string Key, int Threshold)> keys, long now, int windowSeconds) =>
        store.WithConnection<string?>(
            (connection, _) =>
            {
                using var command = new MySqlCommand(queries.Upsert(keys.Count), connection);
                for (int i = 0; i < keys.Count; i++)
                {
                    command.Parameters.AddWithValue(ThrottleQueries.KeyParameter(i), System.Text.Encoding.UTF8.GetBytes(keys[i].Key));
                    command.Parameters.AddWithValue(ThrottleQueries.ThresholdParameter(i), keys[i].Threshold);
                }
                command.Parameters.AddWithValue(ThrottleQueries.NowParameter, now);
                command.Parameters.AddWithValue(ThrottleQueries.WindowParameter, windowSeconds * 1000L);
                command.ExecuteNonQuery();
                return null;
            },
            (_, why) => why);

    public string? Clear(IReadOnlyList<string> keys) =>
        store.WithConnection<string?>(
            (connection, _) =>
            {
                using var command = new MySqlCommand(queries.Delete(keys.Count), connection);
                AddKeys(command, keys);
                command.ExecuteNonQuery();
                return null;
            },
            (_, why) => why);

    private static readonly System.Globalization.CultureInfo Invariant = System.Globalization.CultureInfo.InvariantCulture;

    private static long Number(MySqlDataReader reader, int column) => Convert.ToInt64(reader.GetValue(column), Invariant);

    private static void AddKeys(MySqlCommand command, IReadOnlyList<string> keys)
    {
        for (int i = 0; i < keys.Count; i++)
            command.Parameters.AddWithValue(ThrottleQueries.KeyParameter(i), System.Text.Encoding.UTF8.GetBytes(keys[i]));
    }
}
