using System.Runtime.CompilerServices;

namespace PamMySqlNet.Hashing;

/// <summary>A digest that hashes messages laid out once with their padding, for
/// <see cref="CryptRounds"/>: <see cref="Md5Hasher"/> (md5crypt) and <see cref="OpenSslSha256"/>
/// (sha256crypt's rounds).</summary>
internal interface IPaddedDigest
{
    static abstract int PaddedLength(int length);
    static abstract void Pad(Span<byte> buf, int length);
    static abstract void HashPadded(ReadOnlySpan<byte> padded, Span<byte> digest);
}

/// <summary>
/// The round loop md5crypt and sha-crypt share: round i hashes (P or D) [S if i % 3] [P if i % 7]
/// (D or P), P first on odd rounds, and the digest becomes the new D. Only eight message layouts
/// exist; each is laid out once with P, S and the padding in place, so a round copies just D into
/// its slot and compresses: no per-round allocation, native call or message assembly.
/// </summary>
internal static class CryptRounds
{
    private const int StackLimit = 4096;

    [SkipLocalsInit]
    public static void Run<T>(Span<byte> d, ReadOnlySpan<byte> p, ReadOnlySpan<byte> s, int rounds)
        where T : struct, IPaddedDigest
    {
        int hl = d.Length;
        int stride = T.PaddedLength(hl + s.Length + 2 * p.Length);

        Span<byte> all = 8 * stride <= StackLimit ? stackalloc byte[8 * stride] : new byte[8 * stride];
        all = all[..(8 * stride)];
        Span<int> slot = stackalloc int[8];
        Span<int> padded = stackalloc int[8];
        try
        {
            for (int v = 0; v < 8; v++)
            {
                bool odd = (v & 1) != 0, withS = (v & 2) != 0, withP = (v & 4) != 0;
                Span<byte> m = all.Slice(v * stride, stride);
                int pos = 0;
                if (odd) { p.CopyTo(m); pos += p.Length; } else { slot[v] = 0; pos += hl; }
                if (withS) { s.CopyTo(m[pos..]); pos += s.Length; }
                if (withP) { p.CopyTo(m[pos..]); pos += p.Length; }
                if (odd) { slot[v] = pos; pos += hl; } else { p.CopyTo(m[pos..]); pos += p.Length; }
                T.Pad(m, pos);
                padded[v] = T.PaddedLength(pos);
            }
            for (int round = 0; round < rounds; round++)
            {
                int v = (round & 1) | (round % 3 != 0 ? 2 : 0) | (round % 7 != 0 ? 4 : 0);
                Span<byte> m = all.Slice(v * stride, padded[v]);
                d.CopyTo(m[slot[v]..]);
                T.HashPadded(m, d);
            }
        }
        finally
        {
            all.Clear();
        }
    }
}
