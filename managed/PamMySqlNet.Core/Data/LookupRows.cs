namespace PamMySqlNet.Data;

/// <summary>
/// The rows of one user's lookup as the server sends them, into one <see cref="UserLookup"/>: none is
/// NotFound, one to <c>max_rows</c> is Found (with several, every row's stored value in
/// <see cref="UserLookup.StoredPasswords"/>), more is Ambiguous. With several rows the account status
/// is the most restrictive: the bits of every row ORed, NULL when any row's is NULL (pam_mysql's
/// "NULL counts as expired"), unreadable when any row's is.
/// </summary>
internal sealed class LookupRows(int maxRows)
{
    /// <summary>The detail of an Ambiguous lookup with max_rows=1 (<see cref="Auth.StoreFailures"/> adds the remedy).</summary>
    public const string NotUnique = "the query returned more than one row";

    private readonly List<string?> _stored = new();
    private int _rows;
    private long _bits;
    private bool _statusNull, _unreadable;

    /// <summary>One row of the user; rows beyond max_rows are only counted.</summary>
    public void Add(string? stored, long? status, bool unreadable)
    {
        if (++_rows > maxRows)
            return;
        _stored.Add(stored);
        _bits |= status ?? 0;
        _statusNull |= status is null;
        _unreadable |= unreadable;
    }

    public UserLookup Result(string? sample) => _rows switch
    {
        0 => new UserLookup(LookupStatus.NotFound, Sample: sample),
        _ when _rows > maxRows => new UserLookup(LookupStatus.Ambiguous, Detail: maxRows == 1 ? NotUnique
            : $"the query returned more than max_rows={maxRows.ToString(System.Globalization.CultureInfo.InvariantCulture)} rows"),
        _ => new UserLookup(LookupStatus.Found, _stored[0], AccountStatus: _statusNull ? null : _bits, AccountStatusUnreadable: _unreadable,
            Sample: sample, StoredPasswords: _rows > 1 ? _stored : null),
    };
}
