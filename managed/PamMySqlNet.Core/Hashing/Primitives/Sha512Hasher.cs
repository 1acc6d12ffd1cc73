using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PamMySqlNet.Hashing;

/// <summary>
/// SHA-512 (FIPS 180-4) in managed code, as a stack-only incremental hasher for sha512crypt's
/// thousands of short messages per password (see <see cref="Md5Hasher"/> for why not OpenSSL).
/// Messages are limited to 2^61 bytes (the length field's high half is always zero).
/// </summary>
[SkipLocalsInit]
internal unsafe struct Sha512Hasher : IBlockHasher<Sha512Hasher>, IBlockFunction
{
    private ulong _h0, _h1, _h2, _h3, _h4, _h5, _h6, _h7;
    private ulong _total;
    private int _n;
    private fixed byte _buf[128];

    private const int BlockSize = 128;
    private const int LengthBytes = 16;
    private const bool BigEndianLength = true;

    private static ReadOnlySpan<ulong> K =>
    [
        0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
        0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
        0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
        0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
        0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
        0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
        0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
        0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
        0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
        0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
        0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
        0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
        0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
        0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
        0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
        0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
    ];

    public static Sha512Hasher Create()
    {
        Sha512Hasher h = default;
        h.Init();
        return h;
    }

    private void Init()
    {
        _h0 = 0x6a09e667f3bcc908;
        _h1 = 0xbb67ae8584caa73b;
        _h2 = 0x3c6ef372fe94f82b;
        _h3 = 0xa54ff53a5f1d36f1;
        _h4 = 0x510e527fade682d1;
        _h5 = 0x9b05688c2b3e6c1f;
        _h6 = 0x1f83d9abfb41bd6b;
        _h7 = 0x5be0cd19137e2179;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        fixed (byte* buf = _buf)
            MessageBlocks.Append(ref this, buf, BlockSize, ref _n, ref _total, data);
    }

    /// <summary>Writes the 64-byte digest and wipes the state.</summary>
    public void Finish(Span<byte> digest)
    {
        fixed (byte* buf = _buf)
            MessageBlocks.Finish(ref this, buf, BlockSize, LengthBytes, BigEndianLength, _n, _total);
        WriteDigest(digest);
        this = default;
    }

    private readonly void WriteDigest(Span<byte> digest)
    {
        BinaryPrimitives.WriteUInt64BigEndian(digest, _h0);
        BinaryPrimitives.WriteUInt64BigEndian(digest[8..], _h1);
        BinaryPrimitives.WriteUInt64BigEndian(digest[16..], _h2);
        BinaryPrimitives.WriteUInt64BigEndian(digest[24..], _h3);
        BinaryPrimitives.WriteUInt64BigEndian(digest[32..], _h4);
        BinaryPrimitives.WriteUInt64BigEndian(digest[40..], _h5);
        BinaryPrimitives.WriteUInt64BigEndian(digest[48..], _h6);
        BinaryPrimitives.WriteUInt64BigEndian(digest[56..], _h7);
    }

    /// <summary>How many bytes a message of <paramref name="length"/> bytes takes once padded.</summary>
    public static int PaddedLength(int length) => MessageBlocks.PaddedLength(length, BlockSize, LengthBytes);

    /// <summary>Writes the padding of a <paramref name="length"/>-byte message into buf[length..PaddedLength(length)].</summary>
    public static void Pad(Span<byte> buf, int length) => MessageBlocks.Pad(buf, length, BlockSize, LengthBytes, BigEndianLength);

    /// <summary>
    /// The digest of a message already laid out with its padding (see <see cref="Pad"/>): no
    /// copying, for round loops that rewrite only the changing bytes of a prepared message.
    /// </summary>
    public static void HashPadded(ReadOnlySpan<byte> padded, Span<byte> digest)
    {
        // Only the chaining values are read: no need to zero the buffer of a fresh hasher.
        Unsafe.SkipInit(out Sha512Hasher h);
        h.Init();
        fixed (byte* p = padded)
        {
            for (int i = 0; i < padded.Length; i += BlockSize)
                h.Compress(p + i);
        }
        h.WriteDigest(digest);
    }

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        var h = Create();
        h.Append(data);
        h.Finish(digest);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong S0(ulong x) => BitOperations.RotateRight(x, 28) ^ BitOperations.RotateRight(x, 34) ^ BitOperations.RotateRight(x, 39);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong S1(ulong x) => BitOperations.RotateRight(x, 14) ^ BitOperations.RotateRight(x, 18) ^ BitOperations.RotateRight(x, 41);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Ch(ulong x, ulong y, ulong z) => z ^ (x & (y ^ z));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Maj(ulong x, ulong y, ulong z) => (x & y) | (z & (x | y));

    void IBlockFunction.Compress(byte* block) => Compress(block);

    private void Compress(byte* block)
    {
        ulong* w = stackalloc ulong[80];
        for (int i = 0; i < 16; i++)
            w[i] = BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(((ulong*)block)[i]) : ((ulong*)block)[i];
        for (int i = 16; i < 80; i++)
        {
            ulong x = w[i - 15], y = w[i - 2];
            ulong s0 = BitOperations.RotateRight(x, 1) ^ BitOperations.RotateRight(x, 8) ^ (x >> 7);
            ulong s1 = BitOperations.RotateRight(y, 19) ^ BitOperations.RotateRight(y, 61) ^ (y >> 6);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        ulong a = _h0, b = _h1, c = _h2, d = _h3, e = _h4, f = _h5, g = _h6, h = _h7;
        ref ulong k = ref MemoryMarshal.GetReference(K);
        for (int i = 0; i < 80; i += 8)
        {
            h += S1(e) + Ch(e, f, g) + Unsafe.Add(ref k, i) + w[i]; d += h; h += S0(a) + Maj(a, b, c);
            g += S1(d) + Ch(d, e, f) + Unsafe.Add(ref k, i + 1) + w[i + 1]; c += g; g += S0(h) + Maj(h, a, b);
            f += S1(c) + Ch(c, d, e) + Unsafe.Add(ref k, i + 2) + w[i + 2]; b += f; f += S0(g) + Maj(g, h, a);
            e += S1(b) + Ch(b, c, d) + Unsafe.Add(ref k, i + 3) + w[i + 3]; a += e; e += S0(f) + Maj(f, g, h);
            d += S1(a) + Ch(a, b, c) + Unsafe.Add(ref k, i + 4) + w[i + 4]; h += d; d += S0(e) + Maj(e, f, g);
            c += S1(h) + Ch(h, a, b) + Unsafe.Add(ref k, i + 5) + w[i + 5]; g += c; c += S0(d) + Maj(d, e, f);
            b += S1(g) + Ch(g, h, a) + Unsafe.Add(ref k, i + 6) + w[i + 6]; f += b; b += S0(c) + Maj(c, d, e);
            a += S1(f) + Ch(f, g, h) + Unsafe.Add(ref k, i + 7) + w[i + 7]; e += a; a += S0(b) + Maj(b, c, d);
        }
        _h0 += a; _h1 += b; _h2 += c; _h3 += d; _h4 += e; _h5 += f; _h6 += g; _h7 += h;
    }
}
