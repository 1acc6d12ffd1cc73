using System.Buffers.Binary;

namespace PamMySqlNet.Hashing;

/// <summary>A hash's compression function over one block (<see cref="MessageBlocks"/>).</summary>
internal unsafe interface IBlockFunction
{
    void Compress(byte* block);
}

/// <summary>
/// The Merkle–Damgård framing MD5, SHA-256 and SHA-512 share: input buffered into whole blocks,
/// and the final padding (0x80, zeros, the message length in bits in the last 8 bytes of the last
/// block). The three differ only in block size (64, 64, 128 bytes), in the room the length field
/// takes (8, 8, 16 bytes; SHA-512's upper half is always zero here) and in its byte order
/// (little-endian for MD5). Each hasher passes those and its compression function; the calls are
/// specialised per hasher (struct type parameter), so nothing is virtual on the hot path.
/// </summary>
internal static unsafe class MessageBlocks
{
    /// <summary>Adds <paramref name="data"/>: fills the partial block in <paramref name="buf"/>
    /// (<paramref name="n"/> bytes so far), compresses every whole block, keeps the rest.</summary>
    public static void Append<T>(ref T hasher, byte* buf, int blockSize, ref int n, ref ulong total, ReadOnlySpan<byte> data)
        where T : struct, IBlockFunction
    {
        total += (ulong)data.Length;
        fixed (byte* src = data)
        {
            byte* p = src;
            int left = data.Length;
            if (n > 0)
            {
                int take = Math.Min(blockSize - n, left);
                Buffer.MemoryCopy(p, buf + n, blockSize - n, take);
                n += take;
                p += take;
                left -= take;
                if (n < blockSize)
                    return;
                hasher.Compress(buf);
                n = 0;
            }
            for (; left >= blockSize; left -= blockSize, p += blockSize)
                hasher.Compress(p);
            if (left > 0)
            {
                Buffer.MemoryCopy(p, buf, blockSize, left);
                n = left;
            }
        }
    }

    /// <summary>Pads the <paramref name="n"/> buffered bytes of a <paramref name="total"/>-byte
    /// message, compresses the last block(s) and wipes <paramref name="buf"/>.</summary>
    public static void Finish<T>(ref T hasher, byte* buf, int blockSize, int lengthBytes, bool bigEndian, int n, ulong total)
        where T : struct, IBlockFunction
    {
        buf[n++] = 0x80;
        if (n > blockSize - lengthBytes)
        {
            new Span<byte>(buf + n, blockSize - n).Clear();
            hasher.Compress(buf);
            n = 0;
        }
        new Span<byte>(buf + n, blockSize - 8 - n).Clear();
        WriteBitLength(new Span<byte>(buf + blockSize - 8, 8), total, bigEndian);
        hasher.Compress(buf);
        new Span<byte>(buf, blockSize).Clear();
    }

    /// <summary>How many bytes a message of <paramref name="length"/> bytes takes once padded.</summary>
    public static int PaddedLength(int length, int blockSize, int lengthBytes) =>
        (length + lengthBytes + 1 + blockSize - 1) & ~(blockSize - 1);

    /// <summary>Writes the padding of a <paramref name="length"/>-byte message into
    /// buf[length..PaddedLength(length)], for round loops that lay messages out once.</summary>
    public static void Pad(Span<byte> buf, int length, int blockSize, int lengthBytes, bool bigEndian)
    {
        int end = PaddedLength(length, blockSize, lengthBytes);
        buf[length] = 0x80;
        buf[(length + 1)..(end - 8)].Clear();
        WriteBitLength(buf[(end - 8)..end], (ulong)length, bigEndian);
    }

    private static void WriteBitLength(Span<byte> field, ulong bytes, bool bigEndian)
    {
        if (bigEndian)
            BinaryPrimitives.WriteUInt64BigEndian(field, bytes << 3);
        else
            BinaryPrimitives.WriteUInt64LittleEndian(field, bytes << 3);
    }
}
