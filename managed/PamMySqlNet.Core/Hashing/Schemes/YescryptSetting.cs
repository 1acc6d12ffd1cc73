namespace PamMySqlNet.Hashing;

/// <summary>
/// The parameter field of a yescrypt (<c>$y$</c>) or gost-yescrypt (<c>$gy$</c>) string, read the
/// way libxcrypt's <c>yescrypt_r</c> reads it, so that its cost is known before libxcrypt runs:
/// flavour, log2(N), r, and optionally a "have" field followed by p (lanes) and t (time). libxcrypt's
/// <c>yescrypt_encode_params_r</c> writes e.g. <c>$y$jA.0./$</c> (N = 2^13, r = 1, p = 2, t = 2;
/// issue 14's example, attributed there to PHP 8.5's <c>password_hash</c>); <c>crypt_gensalt</c>
/// writes only the short form <c>$y$j9T$</c>.
/// </summary>
/// <remarks>
/// Each number is yescrypt's variable-length base-64 integer: the first character's index
/// (0-63 in <c>./0-9A-Za-z</c>) up to 47 is the value minus its minimum; higher indexes say that
/// 1-5 more characters follow, most significant first. Accepted: flavour <c>j</c> only (the one
/// libxcrypt writes); "have" bits 1 (p) and 2 (t) only: the hash-upgrade count g (bit 4) is refused
/// by libxcrypt and a ROM (bit 8) is never configured, so those strings can never verify.
/// Caps (<see cref="Check"/>): memory 128·r·N ≤ 64 MiB, lanes p ≤ 16 with 128·r·p ≤ 1 MiB (the
/// per-lane buffers), time t ≤ 16 with 128·r·N·max(1, t) ≤ 256 MiB. The work grows with t (for
/// t ≥ 2 about t − 1 more passes over the memory), not with p (libxcrypt runs the lanes one after
/// another over the same N). Measured with libxcrypt 4.4.33 on the shared 2-core box: <c>j9T</c>
/// 0.1 s, <c>jBT</c> 0.5 s, <c>jBT</c> t=3 0.9 s, <c>j9T</c> t=17 1.2 s, <c>jBT</c> p=18 0.4 s; the
/// worst allowed (64 MiB, t=4) stays near the 1-2 s of the other caps.
/// </remarks>
public readonly record struct YescryptSetting(int NLog2, long R, long P, long T, string Field)
{
    public const long MaxMemoryBytes = 64L << 20;
    public const long MaxLanes = 16;
    public const long MaxLaneBytes = 1L << 20;
    public const long MaxTime = 16;
    /// <summary>128·r·N·max(1, t): t = 4 at 64 MiB, t = 16 at the default 16 MiB (<c>j9T</c>).</summary>
    public const long MaxWorkBytes = 256L << 20;

    /// <summary>128·r·N, or long.MaxValue when that does not fit.</summary>
    public long MemoryBytes => R > (long.MaxValue >> (8 + NLog2)) ? long.MaxValue : (128L * R) << NLog2;

    /// <summary>
    /// Reads the field that starts <paramref name="rest"/> (what follows <c>$y$</c> or <c>$gy$</c>)
    /// up to its closing '$'. False when it is not a field libxcrypt could use.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> rest, out YescryptSetting setting)
    {
        setting = default;
        int end = rest.IndexOf('$');
        if (end < 3 || rest[0] != 'j')
            return false;
        ReadOnlySpan<char> f = rest[..end];
        int pos = 1;
        if (!TryDecode(f, ref pos, 1, out long nLog2) || !TryDecode(f, ref pos, 1, out long r))
            return false;
        long p = 1, t = 0;
        if (pos < f.Length)
        {
            if (!TryDecode(f, ref pos, 1, out long have) || have > 3)
                return false;
            if ((have & 1) != 0 && !TryDecode(f, ref pos, 2, out p))
                return false;
            if ((have & 2) != 0 && !TryDecode(f, ref pos, 1, out t))
                return false;
        }
        if (pos != f.Length || nLog2 > 31)
            return false;
        setting = new YescryptSetting((int)nLog2, r, p, t, f.ToString());
        return true;
    }

    /// <summary>Null when within every cap, else which cap the setting exceeds (for the log line).</summary>
    public string? Check()
    {
        long mem = MemoryBytes;
        if (mem > MaxMemoryBytes)
            return $"yescrypt memory {mem >> 20} MiB is over the cap of {MaxMemoryBytes >> 20} MiB";
        if (P > MaxLanes || 128 * R * P > MaxLaneBytes)
            return $"yescrypt lanes p={P} (r={R}) are over the cap of p={MaxLanes}, 128·r·p={MaxLaneBytes >> 20} MiB";
        if (T > MaxTime || mem * Math.Max(1, T) > MaxWorkBytes)
            return $"yescrypt time t={T} is over the cap of t={MaxTime}, 128·r·N·t={MaxWorkBytes >> 20} MiB";
        return null;
    }

    /// <summary>One of yescrypt's variable-length numbers (libxcrypt's <c>decode64_uint32</c>).</summary>
    private static bool TryDecode(ReadOnlySpan<char> f, ref int pos, long min, out long value)
    {
        value = 0;
        if (pos >= f.Length)
            return false;
        int c = Codec.CryptIndex(f[pos++]);
        if (c < 0)
            return false;
        long v = min;
        int start = 0, end = 47, chars = 1, bits = 0;
        while (c > end)
        {
            v += (long)(end + 1 - start) << bits;
            start = end + 1;
            end = start + (62 - end) / 2;
            chars++;
            bits += 6;
        }
        v += (long)(c - start) << bits;
        while (--chars > 0)
        {
            if (pos >= f.Length)
                return false;
            int x = Codec.CryptIndex(f[pos++]);
            if (x < 0)
                return false;
            bits -= 6;
            v += (long)x << bits;
        }
        if (v > uint.MaxValue)
            return false; // libxcrypt's 32-bit arithmetic would wrap: never a string it writes
        value = v;
        return true;
    }
}
