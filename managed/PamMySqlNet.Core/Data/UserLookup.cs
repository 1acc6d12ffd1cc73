namespace PamMySqlNet.Data;

public enum LookupStatus
{
    /// <summary>Exactly one row (with max_rows above 1: one to max_rows rows).</summary>
    Found,
    /// <summary>No row for that name.</summary>
    NotFound,
    /// <summary>More rows than max_rows (by default: more than one): the configuration does not identify users uniquely.</summary>
    Ambiguous,
    /// <summary>No configured server could be reached or logged into.</summary>
    Unavailable,
    /// <summary>The server answered the query with an error (bad table or column, permissions).</summary>
    QueryFailed,
}

/// <summary>
/// The result of looking a user up. <see cref="StoredPassword"/> is null when the column is NULL;
/// <see cref="AccountStatus"/> is the statcolumn value (null when NULL or not configured).
/// <see cref="Detail"/> names the cause of a failure for the log; it never holds a secret.
/// <see cref="Sample"/>: with <see cref="IUserStore.Lookup(string, bool)"/>, one stored password of
/// any user of the table (only its scheme and cost are used, for the unknown-user dummy).
/// <see cref="StoredPasswords"/>: with max_rows above 1 and more than one row, every row's stored
/// value in the order the server sent them (<see cref="StoredPassword"/> is the first); null for one row.
/// With several rows <see cref="AccountStatus"/> is the most restrictive of theirs (<see cref="LookupRows"/>).
/// </summary>
public sealed record UserLookup(
    LookupStatus Status,
    string? StoredPassword = null,
    string? Detail = null,
    long? AccountStatus = null,
    bool AccountStatusUnreadable = false,
    string? Sample = null,
    IReadOnlyList<string?>? StoredPasswords = null)
{
    /// <summary>How many rows the user has (one unless <see cref="StoredPasswords"/>).</summary>
    public int Rows => StoredPasswords?.Count ?? 1;

    /// <summary>Deliberately not the stored password: records print their members.</summary>
    public override string ToString() => $"UserLookup {{ Status = {Status}, Detail = {Detail} }}";
}

public enum WriteStatus
{
    Done,
    /// <summary>The statement matched no row (or, for a password change, not exactly one).</summary>
    WrongRowCount,
    Unavailable,
    Failed,
}

public sealed record WriteResult(WriteStatus Status, string? Detail = null);

/// <summary>One sqllog row.</summary>
public sealed record LogRow(string Message, string User, string? Host, string? RHost, int Pid);

/// <summary>Where users live. The MySQL implementation is the real one; unit tests supply fixed answers.</summary>
public interface IUserStore
{
    UserLookup Lookup(string userName);

    /// <summary>The lookup, and with <paramref name="withSample"/> also one non-NULL stored password of
    /// any user in <see cref="UserLookup.Sample"/>, in the same query (stores that cannot: none).</summary>
    UserLookup Lookup(string userName, bool withSample) => Lookup(userName);

    /// <summary>Stores a new password string for exactly one user.</summary>
    WriteResult UpdatePassword(string userName, string newStoredPassword);

    /// <summary>rehash=: stores <paramref name="newStoredPassword"/> only while the user's value is still
    /// <paramref name="oldStoredPassword"/>; <see cref="WriteStatus.WrongRowCount"/> with no row changed when
    /// it is not (stores that cannot compare-and-set: Failed).</summary>
    WriteResult ReplacePassword(string userName, string oldStoredPassword, string newStoredPassword) =>
        new(WriteStatus.Failed, "this store cannot compare-and-set");

    /// <summary>Runs auth_succ_query (<paramref name="succeeded"/>) or auth_fail_query for the user;
    /// Done when that one is not set (stores without hooks: Failed).</summary>
    WriteResult RunLoginHook(bool succeeded, string userName) => new(WriteStatus.Failed, "this store runs no login hooks");

    WriteResult WriteLog(LogRow row);

    /// <summary>throttle_table, when configured and the store can hold it; null: counters in memory only.</summary>
    IThrottleTable? ThrottleTable => null;
}
