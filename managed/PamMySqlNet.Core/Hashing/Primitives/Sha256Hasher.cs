using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PamMySqlNet.Hashing;

/// <summary>
/// SHA-256 (FIPS 180-4) in managed code, as a stack-only incremental hasher for sha256crypt's
/// thousands of short messages per password (see <see cref="Md5Hasher"/> for why not OpenSSL).
/// </summary>
[SkipLocalsInit]
internal unsafe struct Sha256Hasher : IBlockHasher<Sha256Hasher>, IBlockFunction
{
    private uint _h0, _h1, _h2, _h3, _h4, _h5, _h6, _h7;
    private ulong _total;
    private int _n;
    private fixed byte _buf[64];

    private const int BlockSize = 64;
    private const int LengthBytes = 8;
    private const bool BigEndianLength = true;

    private static ReadOnlySpan<uint> K =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    public static Sha256Hasher Create()
    {
        Sha256Hasher h = default;
        h.Init();
        return h;
    }

    private void Init()
    {
        _h0 = 0x6a09e667;
        _h1 = 0xbb67ae85;
        _h2 = 0x3c6ef372;
        _h3 = 0xa54ff53a;
        _h4 = 0x510e527f;
        _h5 = 0x9b05688c;
        _h6 = 0x1f83d9ab;
        _h7 = 0x5be0cd19;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        fixed (byte* buf = _buf)
            MessageBlocks.Append(ref this, buf, BlockSize, ref _n, ref _total, data);
    }

    /// <summary>Writes the 32-byte digest and wipes the state.</summary>
    public void Finish(Span<byte> digest)
    {
        fixed (byte* buf = _buf)
            MessageBlocks.Finish(ref this, buf, BlockSize, LengthBytes, BigEndianLength, _n, _total);
        WriteDigest(digest);
        this = default;
    }

    private readonly void WriteDigest(Span<byte> digest)
    {
        BinaryPrimitives.WriteUInt32BigEndian(digest, _h0);
        BinaryPrimitives.WriteUInt32BigEndian(digest[4..], _h1);
        BinaryPrimitives.WriteUInt32BigEndian(digest[8..], _h2);
        BinaryPrimitives.WriteUInt32BigEndian(digest[12..], _h3);
        BinaryPrimitives.WriteUInt32BigEndian(digest[16..], _h4);
        BinaryPrimitives.WriteUInt32BigEndian(digest[20..], _h5);
        BinaryPrimitives.WriteUInt32BigEndian(digest[24..], _h6);
        BinaryPrimitives.WriteUInt32BigEndian(digest[28..], _h7);
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
        Unsafe.SkipInit(out Sha256Hasher h);
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
    private static uint S0(uint x) => BitOperations.RotateRight(x, 2) ^ BitOperations.RotateRight(x, 13) ^ BitOperations.RotateRight(x, 22);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint S1(uint x) => BitOperations.RotateRight(x, 6) ^ BitOperations.RotateRight(x, 11) ^ BitOperations.RotateRight(x, 25);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Ch(uint x, uint y, uint z) => z ^ (x & (y ^ z));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Maj(uint x, uint y, uint z) => (x & y) | (z & (x | y));

    void IBlockFunction.Compress(byte* block) => Compress(block);

    private void Compress(byte* block)
    {
        uint* w = stackalloc uint[64];
        for (int i = 0; i < 16; i++)
            w[i] = BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(((uint*)block)[i]) : ((uint*)block)[i];
        for (int i = 16; i < 64; i++)
        {
            uint x = w[i - 15], y = w[i - 2];
            uint s0 = BitOperations.RotateRight(x, 7) ^ BitOperations.RotateRight(x, 18) ^ (x >> 3);
            uint s1 = BitOperations.RotateRight(y, 17) ^ BitOperations.RotateRight(y, 19) ^ (y >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint a = _h0, b = _h1, c = _h2, d = _h3, e = _h4, f = _h5, g = _h6, h = _h7;
        ref uint k = ref MemoryMarshal.GetReference(K);
        for (int i = 0; i < 64; i += 8)
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
