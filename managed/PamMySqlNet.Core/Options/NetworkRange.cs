using System.Net;
using System.Net.Sockets;

namespace PamMySqlNet.Options;

/// <summary>One CIDR block (<c>192.0.2.0/24</c>, <c>2001:db8::/32</c>; a bare address is a /32 or
/// /128). An IPv4-mapped IPv6 address is matched as the IPv4 address it carries.</summary>
public sealed record NetworkRange(IPAddress Network, int PrefixLength)
{
    public override string ToString() => $"{Network}/{PrefixLength}";

    public bool Contains(IPAddress address)
    {
        address = Unmapped(address);
        if (address.AddressFamily != Network.AddressFamily)
            return false;
        return SamePrefix(address.GetAddressBytes(), Network.GetAddressBytes(), PrefixLength);
    }

    public static IPAddress Unmapped(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>The address with every bit after <paramref name="prefixLength"/> cleared.</summary>
    public static IPAddress Truncate(IPAddress address, int prefixLength)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int bit = prefixLength; bit < bytes.Length * 8; bit++)
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPAddress(bytes);
    }

    public static bool TryParse(string text, out NetworkRange? range)
    {
        range = null;
        string addressText = text;
        int prefix = -1;
        int slash = text.IndexOf('/');
        if (slash >= 0)
        {
            addressText = text[..slash];
            if (!int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, null, out prefix))
                return false;
        }
        if (addressText.Contains('%') || !IPAddress.TryParse(addressText, out var address))
            return false;
        address = Unmapped(address);
        int bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefix < 0)
            prefix = bits;
        if (prefix > bits)
            return false;
        range = new NetworkRange(Truncate(address, prefix), prefix);
        return true;
    }

    /// <summary>A comma-separated list; empty or "none" is no range at all.</summary>
    public static IReadOnlyList<NetworkRange> ParseList(string value)
    {
        var list = new List<NetworkRange>();
        if (value.Trim() is "" or "none")
            return list;
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryParse(part, out var range))
                throw new OptionValueException($"'{part}' is not an address or CIDR block (a.b.c.d/n, v6addr/n)");
            list.Add(range!);
        }
        return list;
    }

    private static bool SamePrefix(byte[] a, byte[] b, int bits)
    {
        int whole = bits / 8;
        for (int i = 0; i < whole; i++)
            if (a[i] != b[i])
                return false;
        int rest = bits % 8;
        if (rest == 0)
            return true;
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (a[whole] & mask) == (b[whole] & mask);
    }
}
