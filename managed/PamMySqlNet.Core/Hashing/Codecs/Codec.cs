namespace PamMySqlNet.Hashing;

/// <summary>Strict text decoders for stored hashes: no whitespace, no lenient forms.</summary>
internal static class Codec
{
    /// <summary>Hex digits in either case; the length must be even.</summary>
    public static bool TryDecodeHex(ReadOnlySpan<char> s, out byte[] bytes)
    {
        bytes = Array.Empty<byte>();
        if ((s.Length & 1) != 0)
            return false;
        var result = new byte[s.Length / 2];
        for (int i = 0; i < result.Length; i++)
        {
            int hi = HexValue(s[2 * i]), lo = HexValue(s[2 * i + 1]);
            if ((hi | lo) < 0)
                return false;
            result[i] = (byte)((hi << 4) | lo);
        }
        bytes = result;
        return true;
    }

    public static bool IsHex(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
            if (HexValue(c) < 0)
                return false;
        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    public static string ToHexLower(ReadOnlySpan<byte> b) => Convert.ToHexStringLower(b);

    /// <summary>
    /// Standard base64 (A-Z a-z 0-9 + /). With <paramref name="padded"/> the length must be a
    /// multiple of 4 with '=' padding; without, no '=' may appear (argon2's PHC form).
    /// Unused low bits of the last character must be zero (one spelling per value).
    /// </summary>
    public static bool TryDecodeBase64(ReadOnlySpan<char> s, bool padded, out byte[] bytes)
    {
        bytes = Array.Empty<byte>();
        int len = s.Length;
        if (padded)
        {
            if (len % 4 != 0)
                return false;
            if (len > 0 && s[len - 1] == '=') len--;
            if (len > 0 && s[len - 1] == '=') len--;
            if (s.Length - len > 0 && len % 4 == 0)
                return false;
        }
        if (len % 4 == 1)
            return false;
        var result = new byte[len * 3 / 4];
        int acc = 0, bits = 0, o = 0;
        for (int i = 0; i < len; i++)
        {
            int v = Base64Value(s[i]);
            if (v < 0)
                return false;
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                result[o++] = (byte)(acc >> bits);
                acc &= (1 << bits) - 1;
            }
        }
        if (acc != 0)
            return false;
        bytes = result;
        return true;
    }

    private static int Base64Value(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '+' => 62,
        '/' => 63,
        _ => -1,
    };

    public static bool IsAscii(string s)
    {
        foreach (char c in s)
            if (c is < ' ' or > '~')
                return false;
        return true;
    }

    public static bool IsCryptBase64(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
            if (CryptIndex(c) < 0)
                return false;
        return true;
    }

    /// <summary>Index in "./0-9A-Za-z", or -1.</summary>
    public static int CryptIndex(char c) => c switch
    {
        '.' => 0,
        '/' => 1,
        >= '0' and <= '9' => c - '0' + 2,
        >= 'A' and <= 'Z' => c - 'A' + 12,
        >= 'a' and <= 'z' => c - 'a' + 38,
        _ => -1,
    };

    /// <summary>A decimal number without sign, leading zeros or overflow.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<char> s, long max, out long value)
    {
        value = 0;
        if (s.Length == 0 || s.Length > 18 || (s[0] == '0' && s.Length > 1))
            return false;
        foreach (char c in s)
        {
            if (c is < '0' or > '9')
                return false;
            value = value * 10 + (c - '0');
        }
        return value <= max;
    }
}
