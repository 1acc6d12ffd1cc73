using System.Collections.Concurrent;
using System.Net;
using PamMySqlNet.Options;

namespace PamMySqlNet.Data;

/// <summary>
/// Is a server on this machine? Decided on the address, never on the spelling: a unix socket is;
/// an IP literal is when it is a loopback address (127.0.0.0/8, ::1, or ::ffff:127.x); a name is
/// when every address it resolves to is a loopback address (so <c>127.db.example.com</c> is
/// whatever its DNS says, and a name that resolves to 127.0.0.1 counts). Names are resolved once
/// per process; a login waits at most <see cref="Wait"/> for the answer and meanwhile counts the
/// server as remote (the side that asks for TLS and warns); a failed lookup is retried later.
/// </summary>
public sealed class Loopback
{
    /// <summary>The process-wide instance (the system resolver, at most 2 s per login).</summary>
    public static readonly Loopback Shared = new(Dns.GetHostAddressesAsync, TimeSpan.FromSeconds(2));

    /// <summary>More distinct names than this in one process (config files edited in a loop?): start over.</summary>
    private const int MaxRemembered = 64;

    private readonly Func<string, Task<IPAddress[]>> _resolve;
    private readonly ConcurrentDictionary<string, Task<IPAddress[]>> _lookups = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="resolve">The name lookup (injected by the unit tests).</param>
    /// <param name="wait">How long one call waits for a lookup that has not finished yet.</param>
    public Loopback(Func<string, Task<IPAddress[]>> resolve, TimeSpan wait)
    {
        _resolve = resolve;
        Wait = wait;
    }

    public TimeSpan Wait { get; }

    /// <summary>Forgets every name looked up (the daemon's SIGHUP).</summary>
    public void Forget() => _lookups.Clear();

    public bool Is(DbEndpoint endpoint) => Decide(endpoint, AddressesOf);

    /// <summary>The rule, given a lookup that returns null when it has no answer (yet).</summary>
    public static bool Decide(DbEndpoint endpoint, Func<string, IReadOnlyList<IPAddress>?> addressesOf)
    {
        if (endpoint.IsUnixSocket)
            return true;
        if (IPAddress.TryParse(endpoint.Host, out var literal))
            return IsLoopbackAddress(literal);
        return addressesOf(endpoint.Host) is { Count: > 0 } addresses && addresses.All(IsLoopbackAddress);
    }

    public static bool IsLoopbackAddress(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private IReadOnlyList<IPAddress>? AddressesOf(string name)
    {
        if (_lookups.Count >= MaxRemembered)
            _lookups.Clear();
        var lookup = _lookups.GetOrAdd(name, Start);
        try
        {
            if (lookup.Wait(Wait))
                return lookup.Result;
            return null;
        }
        catch (AggregateException)
        {
            // No answer (unknown name, resolver down): ask again at a later login.
            _lookups.TryRemove(new KeyValuePair<string, Task<IPAddress[]>>(name, lookup));
            return null;
        }
    }

    private Task<IPAddress[]> Start(string name)
    {
        try
        {
            return _resolve(name);
        }
        catch (Exception e) when (e is ArgumentException or System.Net.Sockets.SocketException)
        {
            return Task.FromException<IPAddress[]>(e);
        }
    }
}
