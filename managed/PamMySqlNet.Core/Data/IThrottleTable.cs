using PamMySqlNet.Auth;

namespace PamMySqlNet.Data;

/// <summary>throttle_table: the failure counters that several servers behind one database share.
/// Every method answers at once with an error text (never throws) when the table cannot be used.</summary>
public interface IThrottleTable
{
    /// <summary>The rows of these keys (1 or 2); null when the table could not be read.</summary>
    IReadOnlyList<ThrottleRow>? Read(IReadOnlyList<string> keys, out string? problem);

    /// <summary>One failed login, counted for each key with the threshold that throttles it;
    /// null when done, else why not.</summary>
    string? RecordFailure(IReadOnlyList<(string Key, int Threshold)> keys, long now, int windowSeconds);

    /// <summary>A successful login: the keys' rows go; null when done, else why not.</summary>
    string? Clear(IReadOnlyList<string> keys);
}
