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
