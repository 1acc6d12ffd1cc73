using PamMySqlNet.Data;
using PamMySqlNet.Logging;
using PamMySqlNet.Pam;

namespace PamMySqlNet.Auth;

/// <summary>
/// One authentication's way through the <see cref="Throttle"/>: the keys it counts under, whether
/// it may be checked at all, and what its result does to the counters. Null (no gate) when
/// throttling is off or the remote address is trusted.
/// </summary>
public sealed class ThrottleGate
{
    private readonly Throttle _throttle;
    private readonly ThrottlePolicy _policy;
    private readonly string? _addressKey;
    private readonly string _userKey;
    private readonly SharedCounters? _shared;

    private ThrottleGate(Throttle throttle, ThrottlePolicy policy, string? addressKey, string userKey, IThrottleTable? table)
    {
        _throttle = throttle;
        _policy = policy;
        _addressKey = addressKey;
        _userKey = userKey;
        if (table is not null && policy.Table is { } name)
            _shared = new SharedCounters(table, name, policy, throttle, addressKey, userKey);
    }

    /// <param name="table">throttle_table (<see cref="IUserStore.ThrottleTable"/>), null: memory only.</param>
    public static ThrottleGate? For(ThrottlePolicy policy, ModuleRequest request, Throttle? throttle = null, IThrottleTable? table = null)
    {
        if (!policy.Enabled)
            return null;
        var (addressKey, address) = ThrottleKeys.ForRemote(request.RHost);
        if (address is not null && policy.Trusted.Any(range => range.Contains(address)))
            return null;
        return new ThrottleGate(throttle ?? Throttle.Shared, policy, addressKey, ThrottleKeys.ForUser(request.User), table);
    }

    /// <summary>False: refuse now, without asking for the password or reading the database.</summary>
    public bool Admit(IModuleLog log) => _throttle.Admit(_policy, _addressKey, _userKey, log);

    /// <summary>After the database answered the user lookup, before any hash: false when the
    /// servers sharing throttle_table throttle this address or name (always true without it).</summary>
    public bool AdmitShared(IModuleLog log) => _shared?.Admit(log) ?? true;

    /// <summary>The result of a checked password: a success clears the address and the user name;
    /// a wrong password or an unknown user counts against both (unknown names are counted too, so
    /// that a throttled name does not tell whether it exists). Other results count for nothing.</summary>
    public void Record(PamCode result, IModuleLog log)
    {
        if (result == PamCode.Success)
        {
            _throttle.Succeeded(_addressKey, _userKey, log);
            _shared?.Succeeded(log);
        }
        else if (result is PamCode.AuthErr or PamCode.UserUnknown)
        {
            _throttle.Failed(_policy, _addressKey, _userKey, log);
            _shared?.Failed(log);
        }
    }
}
