using PamMySqlNet.Data;
using PamMySqlNet.Logging;
using PamMySqlNet.Sql;

namespace PamMySqlNet.Auth;

/// <summary>
/// One login's use of throttle_table, the counters that several servers behind one database
/// share. Only after the database has answered this login's user lookup (so that a database that
/// is down or frozen costs no second wait): one SELECT by key; a key another server counted as
/// throttled is refused here too, and from then on in memory (<see cref="Throttle.Adopt"/>). After
/// the check: one UPSERT for a failure, one DELETE for a success when the SELECT found a row. A
/// statement that fails pauses the table (<see cref="ThrottleTableHealth"/>); nothing here fails
/// or delays the login itself.
/// </summary>
internal sealed class SharedCounters(IThrottleTable table, string tableName, ThrottlePolicy policy, Throttle throttle,
    string? addressKey, string userKey)
{
    /// <summary>The table's times: milliseconds since the epoch (every server writes its own clock).</summary>
    public static Func<long> WallClock { get; set; } = () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private bool _read;
    private bool _rowsSeen;

    /// <summary>The keys that go to the table, with the failures that throttle each (a key longer
    /// than the column is counted in memory only).</summary>
    private List<(string Key, int Threshold)> Keys()
    {
        var keys = new List<(string, int)>(ThrottleQueries.MaxKeys);
        if (addressKey is not null && Fits(addressKey))
            keys.Add((addressKey, policy.AddressAttempts));
        if (policy.UserAttempts > 0 && Fits(userKey))
            keys.Add((userKey, policy.UserAttempts));
        return keys;
    }

    private static bool Fits(string key) => System.Text.Encoding.UTF8.GetByteCount(key) <= ThrottleQueries.MaxKeyBytes;

    /// <summary>False: another server's failures throttle this address or name; refuse without a check.</summary>
    public bool Admit(IModuleLog log)
    {
        var keys = Keys();
        if (keys.Count == 0 || !ThrottleTableHealth.Usable)
            return true;
        var rows = table.Read(keys.Select(k => k.Key).ToArray(), out string? error);
        if (rows is null)
        {
            ThrottleTableHealth.Failed(tableName, error ?? "read failed", log);
            return true;
        }
        _read = true;
        _rowsSeen = rows.Count > 0;
        long now = WallClock();
        bool admitted = true;
        foreach (var row in rows)
        {
            int threshold = keys.FirstOrDefault(k => k.Key == row.Key).Threshold;
            long refusedFor = row.RefusedForMs(policy, threshold, now);
            if (refusedFor <= 0)
                continue;
            throttle.Adopt(policy, row.Key, row.Step(threshold), row.Failures, refusedFor, Math.Max(0, now - row.LastFailure), tableName, log);
            admitted = false;
        }
        return admitted;
    }

    /// <summary>A checked login failed: one UPSERT (only when this login read the table).</summary>
    public void Failed(IModuleLog log)
    {
        if (!_read || !ThrottleTableHealth.Usable)
            return;
        if (table.RecordFailure(Keys(), WallClock(), policy.WindowSeconds) is { } error)
            ThrottleTableHealth.Failed(tableName, error, log);
    }

    /// <summary>A checked login succeeded: its rows go, when there were any.</summary>
    public void Succeeded(IModuleLog log)
    {
        if (!_rowsSeen || !ThrottleTableHealth.Usable)
            return;
        if (table.Clear(Keys().Select(k => k.Key).ToArray()) is { } error)
            ThrottleTableHealth.Failed(tableName, error, log);
    }
}
