using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace PamMySqlNet.Hashing;

/// <summary>
/// MD5 (RFC 1321) in managed code, as a stack-only incremental hasher. md5crypt hashes ~1000 short
/// messages per password; through OpenSSL every one of them costs a native call and an EVP context
/// (about 1 µs here), ten times the compression itself. Not a general-purpose MD5: use
/// <see cref="System.Security.Cryptography.MD5"/> for bulk data.
/// </summary>
[SkipLocalsInit]
internal unsafe struct Md5Hasher : IPaddedDigest, IBlockFunction
{
    private uint _a, _b, _c, _d;
    private ulong _total;
    private int _n;
    private fixed byte _buf[64];

    private const int BlockSize = 64;
    private const int LengthBytes = 8;
    private const bool BigEndianLength = false;

    public static Md5Hasher Create()
    {
        Md5Hasher h = default;
        h.Init();
        return h;
    }

    private void Init()
    {
        _a = 0x67452301;
        _b = 0xefcdab89;
        _c = 0x98badcfe;
        _d = 0x10325476;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        fixed (byte* buf = _buf)
            MessageBlocks.Append(ref this, buf, BlockSize, ref _n, ref _total, data);
    }

    /// <summary>Writes the 16-byte digest and wipes the state.</summary>
    public void Finish(Span<byte> digest)
    {
        fixed (byte* buf = _buf)
            MessageBlocks.Finish(ref this, buf, BlockSize, LengthBytes, BigEndianLength, _n, _total);
        WriteDigest(digest);
        this = default;
    }

    private readonly void WriteDigest(Span<byte> digest)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(digest, _a);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[4..], _b);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[8..], _c);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[12..], _d);
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
        Unsafe.SkipInit(out Md5Hasher h);
        h.Init();
        fixed (byte* p = padded)
        {
            for (int i = 0; i < padded.Length; i += BlockSize)
                h.Compress(p + i);
        }
        h.WriteDigest(digest);
    }

    /// <summary>MD5 of one message (no allocation).</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        var h = Create();
        h.Append(data);
        h.Finish(digest);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Step(uint a, uint f, uint x, uint k, int s, uint b) => BitOperations.RotateLeft(a + x + k + f, s) + b;

    void IBlockFunction.Compress(byte* block) => Compress(block);

    private void Compress(byte* block)
    {
        uint* w = (uint*)block;
        uint a = _a, b = _b, c = _c, d = _d;

        a = Step(a, d ^ (b & (c ^ d)), Le(w[0]), 0xd76aa478, 7, b);
        d = Step(d, c ^ (a & (b ^ c)), Le(w[1]), 0xe8c7b756, 12, a);
        c = Step(c, b ^ (d & (a ^ b)), Le(w[2]), 0x242070db, 17, d);
        b = Step(b, a ^ (c & (d ^ a)), Le(w[3]), 0xc1bdceee, 22, c);
        a = Step(a, d ^ (b & (c ^ d)), Le(w[4]), 0xf57c0faf, 7, b);
        d = Step(d, c ^ (a & (b ^ c)), Le(w[5]), 0x4787c62a, 12, a);
        c = Step(c, b ^ (d & (a ^ b)), Le(w[6]), 0xa8304613, 17, d);
        b = Step(b, a ^ (c & (d ^ a)), Le(w[7]), 0xfd469501, 22, c);
        a = Step(a, d ^ (b & (c ^ d)), Le(w[8]), 0x698098d8, 7, b);
        d = Step(d, c ^ (a & (b ^ c)), Le(w[9]), 0x8b44f7af, 12, a);
        c = Step(c, b ^ (d & (a ^ b)), Le(w[10]), 0xffff5bb1, 17, d);
        b = Step(b, a ^ (c & (d ^ a)), Le(w[11]), 0x895cd7be, 22, c);
        a = Step(a, d ^ (b & (c ^ d)), Le(w[12]), 0x6b901122, 7, b);
        d = Step(d, c ^ (a & (b ^ c)), Le(w[13]), 0xfd987193, 12, a);
        c = Step(c, b ^ (d & (a ^ b)), Le(w[14]), 0xa679438e, 17, d);
        b = Step(b, a ^ (c & (d ^ a)), Le(w[15]), 0x49b40821, 22, c);

        a = Step(a, c ^ (d & (b ^ c)), Le(w[1]), 0xf61e2562, 5, b);
        d = Step(d, b ^ (c & (a ^ b)), Le(w[6]), 0xc040b340, 9, a);
        c = Step(c, a ^ (b & (d ^ a)), Le(w[11]), 0x265e5a51, 14, d);
        b = Step(b, d ^ (a & (c ^ d)), Le(w[0]), 0xe9b6c7aa, 20, c);
        a = Step(a, c ^ (d & (b ^ c)), Le(w[5]), 0xd62f105d, 5, b);
        d = Step(d, b ^ (c & (a ^ b)), Le(w[10]), 0x02441453, 9, a);
        c = Step(c, a ^ (b & (d ^ a)), Le(w[15]), 0xd8a1e681, 14, d);
        b = Step(b, d ^ (a & (c ^ d)), Le(w[4]), 0xe7d3fbc8, 20, c);
        a = Step(a, c ^ (d & (b ^ c)), Le(w[9]), 0x21e1cde6, 5, b);
        d = Step(d, b ^ (c & (a ^ b)), Le(w[14]), 0xc33707d6, 9, a);
        c = Step(c, a ^ (b & (d ^ a)), Le(w[3]), 0xf4d50d87, 14, d);
        b = Step(b, d ^ (a & (c ^ d)), Le(w[8]), 0x455a14ed, 20, c);
        a = Step(a, c ^ (d & (b ^ c)), Le(w[13]), 0xa9e3e905, 5, b);
        d = Step(d, b ^ (c & (a ^ b)), Le(w[2]), 0xfcefa3f8, 9, a);
        c = Step(c, a ^ (b & (d ^ a)), Le(w[7]), 0x676f02d9, 14, d);
        b = Step(b, d ^ (a & (c ^ d)), Le(w[12]), 0x8d2a4c8a, 20, c);

        a = Step(a, b ^ c ^ d, Le(w[5]), 0xfffa3942, 4, b);
        d = Step(d, a ^ b ^ c, Le(w[8]), 0x8771f681, 11, a);
        c = Step(c, d ^ a ^ b, Le(w[11]), 0x6d9d6122, 16, d);
        b = Step(b, c ^ d ^ a, Le(w[14]), 0xfde5380c, 23, c);
        a = Step(a, b ^ c ^ d, Le(w[1]), 0xa4beea44, 4, b);
        d = Step(d, a ^ b ^ c, Le(w[4]), 0x4bdecfa9, 11, a);
        c = Step(c, d ^ a ^ b, Le(w[7]), 0xf6bb4b60, 16, d);
        b = Step(b, c ^ d ^ a, Le(w[10]), 0xbebfbc70, 23, c);
        a = Step(a, b ^ c ^ d, Le(w[13]), 0x289b7ec6, 4, b);
        d = Step(d, a ^ b ^ c, Le(w[0]), 0xeaa127fa, 11, a);
        c = Step(c, d ^ a ^ b, Le(w[3]), 0xd4ef3085, 16, d);
        b = Step(b, c ^ d ^ a, Le(w[6]), 0x04881d05, 23, c);
        a = Step(a, b ^ c ^ d, Le(w[9]), 0xd9d4d039, 4, b);
        d = Step(d, a ^ b ^ c, Le(w[12]), 0xe6db99e5, 11, a);
        c = Step(c, d ^ a ^ b, Le(w[15]), 0x1fa27cf8, 16, d);
        b = Step(b, c ^ d ^ a, Le(w[2]), 0xc4ac5665, 23, c);

        a = Step(a, c ^ (b | ~d), Le(w[0]), 0xf4292244, 6, b);
        d = Step(d, b ^ (a | ~c), Le(w[7]), 0x432aff97, 10, a);
        c = Step(c, a ^ (d | ~b), Le(w[14]), 0xab9423a7, 15, d);
        b = Step(b, d ^ (c | ~a), Le(w[5]), 0xfc93a039, 21, c);
        a = Step(a, c ^ (b | ~d), Le(w[12]), 0x655b59c3, 6, b);
        d = Step(d, b ^ (a | ~c), Le(w[3]), 0x8f0ccc92, 10, a);
        c = Step(c, a ^ (d | ~b), Le(w[10]), 0xffeff47d, 15, d);
        b = Step(b, d ^ (c | ~a), Le(w[1]), 0x85845dd1, 21, c);
        a = Step(a, c ^ (b | ~d), Le(w[8]), 0x6fa87e4f, 6, b);
        d = Step(d, b ^ (a | ~c), Le(w[15]), 0xfe2ce6e0, 10, a);
        c = Step(c, a ^ (d | ~b), Le(w[6]), 0xa3014314, 15, d);
        b = Step(b, d ^ (c | ~a), Le(w[13]), 0x4e0811a1, 21, c);
        a = Step(a, c ^ (b | ~d), Le(w[4]), 0xf7537e82, 6, b);
        d = Step(d, b ^ (a | ~c), Le(w[11]), 0xbd3af235, 10, a);
        c = Step(c, a ^ (d | ~b), Le(w[2]), 0x2ad7d2bb, 15, d);
        b = Step(b, d ^ (c | ~a), Le(w[9]), 0xeb86d391, 21, c);

        _a += a;
        _b += b;
        _c += c;
        _d += d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Le(uint v) => BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v);
}
