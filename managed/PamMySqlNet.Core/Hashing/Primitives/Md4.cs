using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace PamMySqlNet.Hashing;

/// <summary>MD4 (RFC 1320), which .NET does not provide; used by Dovecot's <c>{PLAIN-MD4}</c>.</summary>
internal static class Md4
{
    public static void Hash(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> output)
    {
        int total = a.Length + b.Length;
        int padded = (total + 9 + 63) & ~63;
        byte[] msg = new byte[padded];
        try
        {
            a.CopyTo(msg);
            b.CopyTo(msg.AsSpan(a.Length));
            msg[total] = 0x80;
            BinaryPrimitives.WriteUInt64LittleEndian(msg.AsSpan(padded - 8), (ulong)total * 8);
            uint h0 = 0x67452301, h1 = 0xefcdab89, h2 = 0x98badcfe, h3 = 0x10325476;
            Span<uint> x = stackalloc uint[16];
            for (int off = 0; off < padded; off += 64)
            {
                for (int i = 0; i < 16; i++)
                    x[i] = BinaryPrimitives.ReadUInt32LittleEndian(msg.AsSpan(off + 4 * i));
                uint aa = h0, bb = h1, cc = h2, dd = h3;
                ReadOnlySpan<int> s1 = [3, 7, 11, 19];
                for (int i = 0; i < 16; i++)
                {
                    uint t = aa + ((bb & cc) | (~bb & dd)) + x[i];
                    (aa, bb, cc, dd) = (dd, BitOperations.RotateLeft(t, s1[i & 3]), bb, cc);
                }
                ReadOnlySpan<int> k2 = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15];
                ReadOnlySpan<int> s2 = [3, 5, 9, 13];
                for (int i = 0; i < 16; i++)
                {
                    uint t = aa + ((bb & cc) | (bb & dd) | (cc & dd)) + x[k2[i]] + 0x5a827999;
                    (aa, bb, cc, dd) = (dd, BitOperations.RotateLeft(t, s2[i & 3]), bb, cc);
                }
                ReadOnlySpan<int> k3 = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15];
                ReadOnlySpan<int> s3 = [3, 9, 11, 15];
                for (int i = 0; i < 16; i++)
                {
                    uint t = aa + (bb ^ cc ^ dd) + x[k3[i]] + 0x6ed9eba1;
                    (aa, bb, cc, dd) = (dd, BitOperations.RotateLeft(t, s3[i & 3]), bb, cc);
                }
                h0 += aa; h1 += bb; h2 += cc; h3 += dd;
            }
            BinaryPrimitives.WriteUInt32LittleEndian(output, h0);
            BinaryPrimitives.WriteUInt32LittleEndian(output[4..], h1);
            BinaryPrimitives.WriteUInt32LittleEndian(output[8..], h2);
            BinaryPrimitives.WriteUInt32LittleEndian(output[12..], h3);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(msg);
        }
    }
}

/// <summary>
/// Dovecot's <c>{CRAM-MD5}</c>: the two MD5 chaining states after one compression of
/// key^opad and key^ipad (HMAC-MD5 precomputation, RFC 2104 §4), as 8 little-endian words:
/// outer a,b,c,d then inner a,b,c,d; 64 hex digits. A password longer than 64 bytes is first
/// replaced by its MD5 digest, as in HMAC.
/// </summary>
public static class CramMd5
{
    private static readonly uint[] T = MakeT();

    private static uint[] MakeT()
    {
        var t = new uint[64];
        for (int i = 0; i < 64; i++)
            t[i] = (uint)(long)Math.Floor(Math.Abs(Math.Sin(i + 1)) * 4294967296.0);
        return t;
    }

    public static VerifyResult Verify(ReadOnlySpan<byte> password, string value)
    {
        if (value.Length != 64 || !Codec.TryDecodeHex(value, out byte[] raw))
            return VerifyResult.Malformed;
        Span<byte> ctx = stackalloc byte[32];
        Context(password, ctx);
        return ConstantTime.MatchAndWipe(ctx, raw);
    }

    internal static void Context(ReadOnlySpan<byte> password, Span<byte> output)
    {
        Span<byte> key = stackalloc byte[64];
        key.Clear();
        if (password.Length > 64)
            MD5.HashData(password, key);
        else
            password.CopyTo(key);
        Span<byte> block = stackalloc byte[64];
        for (int i = 0; i < 64; i++) block[i] = (byte)(key[i] ^ 0x5c);
        Compress(block, output);
        for (int i = 0; i < 64; i++) block[i] = (byte)(key[i] ^ 0x36);
        Compress(block, output[16..]);
        CryptographicOperations.ZeroMemory(key);
        CryptographicOperations.ZeroMemory(block);
    }

    /// <summary>MD5's compression of one block from the initial state; the state little-endian.</summary>
    private static void Compress(ReadOnlySpan<byte> block, Span<byte> state)
    {
        Span<uint> m = stackalloc uint[16];
        for (int i = 0; i < 16; i++)
            m[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(4 * i)..]);
        uint a0 = 0x67452301, b0 = 0xefcdab89, c0 = 0x98badcfe, d0 = 0x10325476;
        uint a = a0, b = b0, c = c0, d = d0;
        ReadOnlySpan<int> s = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
        for (int i = 0; i < 64; i++)
        {
            uint f;
            int g;
            int round = i >> 4;
            switch (round)
            {
                case 0: f = (b & c) | (~b & d); g = i; break;
                case 1: f = (d & b) | (~d & c); g = (5 * i + 1) & 15; break;
                case 2: f = b ^ c ^ d; g = (3 * i + 5) & 15; break;
                default: f = c ^ (b | ~d); g = (7 * i) & 15; break;
            }
            uint tmp = d;
            d = c;
            c = b;
            b += BitOperations.RotateLeft(a + f + T[i] + m[g], s[round * 4 + (i & 3)]);
            a = tmp;
        }
        m.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(state, a0 + a);
        BinaryPrimitives.WriteUInt32LittleEndian(state[4..], b0 + b);
        BinaryPrimitives.WriteUInt32LittleEndian(state[8..], c0 + c);
        BinaryPrimitives.WriteUInt32LittleEndian(state[12..], d0 + d);
    }
}
