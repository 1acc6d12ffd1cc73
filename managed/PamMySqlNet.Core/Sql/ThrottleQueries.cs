namespace PamMySqlNet.Sql;

/// <summary>
/// The statements on the throttle_table (shared by several mail servers behind one database). The
/// table name is the admin's identifier (<see cref="SqlTextRules.CheckTableName"/>); keys,
/// thresholds, times and the window are only ever the parameters named here. One row per key
/// (<c>address 192.0.2.7</c>, <c>address 2001:db8:1:2::/64</c>, <c>user alice@example.test</c>):
/// <list type="bullet">
/// <item><c>failures</c>: the failures counted in the row's window; <c>threshold</c>: the failures that
///   throttle the key, as the line that counted the last one said; <c>window_start</c>,
///   <c>last_failure</c>: milliseconds since the epoch, on the clock of the server that wrote them.</item>
/// <item>A failure starts a new window (failures = 1) when the row's window is over, unless the key
///   is throttled (failures ≥ threshold) and its last failure is less than a window old: a throttled
///   key is kept until a whole window passes without a failure, as in memory.</item>
/// </list>
/// </summary>
public sealed record ThrottleQueries(string Table)
{
    public const string NowParameter = "@pmn_now";
    public const string WindowParameter = "@pmn_window";
    /// <summary>Never more keys in one statement: an address and a user name.</summary>
    public const int MaxKeys = 2;
    /// <summary>The key column's size (VARBINARY(512)); longer keys are counted in memory only.</summary>
    public const int MaxKeyBytes = 512;
    /// <summary>The count stops growing here (the back-off is capped long before).</summary>
    public const int MaxFailures = 1_000_000;

    public static string KeyParameter(int i) => $"@pmn_key{i}";
    public static string ThresholdParameter(int i) => $"@pmn_threshold{i}";

    /// <summary>The documented schema (README, pam_mysql_net(8)): the table the statements expect.</summary>
    public static string CreateTable(string table) =>
        $"""
        CREATE TABLE {table} (
          throttle_key VARBINARY({MaxKeyBytes}) NOT NULL PRIMARY KEY,
          failures INT NOT NULL,
          threshold INT NOT NULL,
          window_start BIGINT NOT NULL,
          last_failure BIGINT NOT NULL,
          KEY (last_failure)
        ) ENGINE=InnoDB
        """;

    public string Select(int keys) =>
        $"SELECT throttle_key, failures, window_start, last_failure FROM {Table} WHERE throttle_key IN ({Keys(keys)})";

    /// <summary>One statement for the failure of one login: a row per key. The assignments give the
    /// same result whether the server evaluates them in order (MySQL, MariaDB's default) or all at
    /// once (MariaDB's SIMULTANEOUS_ASSIGNMENT): <c>failures</c> goes first, and the new-window test
    /// reads the same whether it sees the old count or the new one.</summary>
    public string Upsert(int keys)
    {
        Check(keys);
        var rows = Enumerable.Range(0, keys)
            .Select(i => $"({KeyParameter(i)}, 1, {ThresholdParameter(i)}, {NowParameter}, {NowParameter})");
        string newWindow = $"window_start <= {NowParameter} - {WindowParameter} AND (failures < threshold OR last_failure <= {NowParameter} - {WindowParameter})";
        return $"INSERT INTO {Table} (throttle_key, failures, threshold, window_start, last_failure) VALUES {string.Join(", ", rows)}"
               + $" ON DUPLICATE KEY UPDATE failures = IF({newWindow}, 1, LEAST(failures + 1, {MaxFailures})),"
               + $" window_start = IF({newWindow}, {NowParameter}, window_start),"
               + " threshold = VALUES(threshold),"
               + $" last_failure = {NowParameter}";
    }

    /// <summary>After a success: the address and the user name start afresh on every server.</summary>
    public string Delete(int keys) => $"DELETE FROM {Table} WHERE throttle_key IN ({Keys(keys)})";

    private static string Keys(int keys)
    {
        Check(keys);
        return string.Join(", ", Enumerable.Range(0, keys).Select(KeyParameter));
    }

    private static void Check(int keys)
    {
        if (keys is < 1 or > MaxKeys)
            throw new ArgumentOutOfRangeException(nameof(keys));
    }
}
