namespace PamMySqlNet.Data;

public enum LookupStatus
{
    /// <summary>Exactly one row.</summary>
    Found,
    /// <summary>No row for that name.</summary>
    NotFound,
    /// <summary>More than one row: the configuration does not identify users uniquely.</summary>
    Ambiguous,
    /// <summary>No configured server could be reached or logged into.</summary>
    Unavailable,
    /// <summary>The server answered the query with an error (bad table or column, permissions).</summary>
    QueryFailed,
}

/// <summary>
/// The result of looking a user up. <see cref="StoredPassword"/> is null when the column is NULL.
/// <see cref="Detail"/> names the cause of a failure for the log; it never holds a secret.
/// </summary>
public sealed record UserLookup(LookupStatus Status, string? StoredPassword = null, string? Detail = null)
{
    /// <summary>Deliberately not the stored password: records print their members.</summary>
    public override string ToString() => $"UserLookup {{ Status = {Status}, Detail = {Detail} }}";
}

/// <summary>Where users live. The MySQL implementation is the real one; tests may supply others.</summary>
public interface IUserStore
{
    UserLookup Lookup(string userName);
}
