using System.Net;
using System.Net.Sockets;
using PamMySqlNet.Options;

namespace PamMySqlNet.Auth;

/// <summary>What a request is counted under: its remote address (PAM_RHOST) and its user name.</summary>
public static class ThrottleKeys
{
    /// <summary>An IPv6 client usually owns a whole /64: counting single addresses would let it
    /// rotate through 2^64 of them.</summary>
    public const int Ipv6Prefix = 64;

    /// <summary>The key of the remote host, or null when there is no PAM_RHOST; and the address,
    /// when PAM_RHOST is one. Addresses are written in their canonical form (IPv4-mapped IPv6 as
    /// IPv4, IPv6 as its /64); anything else counts as a host name, case-insensitively.</summary>
    public static (string? Key, IPAddress? Address) ForRemote(string? rhost)
    {
        if (rhost is null || rhost.Trim() is not { Length: > 0 } text)
            return (null, null);
        if (ParseAddress(text) is { } address)
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
                return ($"address {NetworkRange.Truncate(address, Ipv6Prefix)}/{Ipv6Prefix}", address);
            return ("address " + address, address);
        }
        return ("host " + text.ToLowerInvariant(), null);
    }

    /// <summary>User names are counted case-insensitively: the database's collation usually is.</summary>
    public static string ForUser(string user) => "user " + user.ToLowerInvariant();

    /// <summary>An address as hosts write PAM_RHOST: plain, or in brackets; a zone id is dropped.</summary>
    private static IPAddress? ParseAddress(string text)
    {
        if (text.StartsWith('[') && text.EndsWith(']'))
            text = text[1..^1];
        int zone = text.IndexOf('%');
        if (zone > 0)
            text = text[..zone];
        // IPAddress.TryParse also takes "1" or "1.2" (inet_aton's shorthand): only dotted quads and v6.
        bool v6 = text.Contains(':');
        if (!v6 && text.Count(c => c == '.') != 3)
            return null;
        if (!IPAddress.TryParse(text, out var address))
            return null;
        return NetworkRange.Unmapped(new IPAddress(address.GetAddressBytes()));
    }
}
