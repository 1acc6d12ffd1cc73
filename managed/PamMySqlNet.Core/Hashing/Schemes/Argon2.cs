using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace PamMySqlNet.Hashing;

public enum Argon2Type { Argon2d = 0, Argon2i = 1, Argon2id = 2 }

/// <summary>
/// Argon2i / Argon2id (RFC 9106, versions 0x10 and 0x13) in the PHC string form
/// <c>$argon2id$v=19$m=65536,t=3,p=1$salt$hash</c> (unpadded base64). Lanes are computed one
/// after another (same result as parallel lanes).
/// </summary>
public static class Argon2
{
    /// <summary>Our caps on what a stored string may ask for: memory in KiB (64 MiB, allocated outside
    /// the GC heap), passes, lanes; at the caps one verify is about 1 s of CPU and 72 MB RSS.</summary>
    public const int MaxMemoryKiB = 64 * 1024;
    public const int MaxIterations = 16;
    public const int MaxParallelism = 16;
    private const int BlockWords = 128; // 1 KiB blocks of 64-bit words
    private const int SyncPoints = 4;

    public static VerifyResult Verify(ReadOnlySpan<byte> password, string stored) => Verify(password, stored, native: true);

    /// <summary>The managed code alone (what runs without libsodium, and for what libsodium does not
    /// take: version 0x10, tags under 16 bytes), for the tests that keep it right.</summary>
    internal static VerifyResult VerifyManaged(ReadOnlySpan<byte> password, string stored) => Verify(password, stored, native: false);

    /// <summary>Our parse and caps, then libsodium where it takes the parameters
    /// (<see cref="LibSodiumArgon2"/>), else the managed code.</summary>
    private static VerifyResult Verify(ReadOnlySpan<byte> password, string stored, bool native)
    {
        if (!TryParse(stored, out var type, out int version, out int m, out int t, out int p, out byte[] salt, out byte[] expected))
            return VerifyResult.Malformed;
        byte[] tag = new byte[expected.Length];
        try
        {
            bool computed = native && LibSodiumArgon2.TryCompute(type, version, password, salt, m, t, p, tag);
            if (native && !computed && version == 0x13
                && LibSodiumArgon2.TryVerifyString(type, Canonical(type, m, t, p, salt, expected), password, expected.Length) is { } checkedByLibSodium)
                return checkedByLibSodium;
            if (!computed)
                Compute(type, version, password, salt, m, t, p, tag);
            return CryptographicOperations.FixedTimeEquals(tag, expected) ? VerifyResult.Match : VerifyResult.NoMatch;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(tag);
        }
    }

    /// <summary>The PHC string of version 0x13 for these fields, NUL-terminated (for libsodium's str_verify).</summary>
    private static byte[] Canonical(Argon2Type type, int m, int t, int p, byte[] salt, byte[] tag) =>
        Encoding.ASCII.GetBytes(Format(type, m, t, p, salt, tag) + "\0");

    private static string Format(Argon2Type type, int m, int t, int p, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> tag)
    {
        string name = type switch { Argon2Type.Argon2i => "argon2i", Argon2Type.Argon2id => "argon2id", _ => "argon2d" };
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"${name}$v=19$m={m},t={t},p={p}${Convert.ToBase64String(salt).TrimEnd('=')}${Convert.ToBase64String(tag).TrimEnd('=')}");
    }

    private static bool TryParse(string stored, out Argon2Type type, out int version, out int m, out int t, out int p,
        out byte[] salt, out byte[] hash)
    {
        type = default; version = 0x10; m = t = p = 0; salt = hash = Array.Empty<byte>();
        string[] f = stored.Split('$');
        // "", "argon2id", ["v=19",] "m=..,t=..,p=..", salt, hash
        if (f.Length is not (5 or 6) || f[0].Length != 0)
            return false;
        switch (f[1])
        {
            case "argon2i": type = Argon2Type.Argon2i; break;
            case "argon2id": type = Argon2Type.Argon2id; break;
            case "argon2d": type = Argon2Type.Argon2d; break;
            default: return false;
        }
        int k = 2;
        if (f.Length == 6)
        {
            if (f[2] == "v=19") version = 0x13;
            else if (f[2] == "v=16") version = 0x10;
            else return false;
            k = 3;
        }
        string[] ps = f[k].Split(',');
        if (ps.Length != 3 || !ps[0].StartsWith("m=", StringComparison.Ordinal) || !ps[1].StartsWith("t=", StringComparison.Ordinal)
            || !ps[2].StartsWith("p=", StringComparison.Ordinal)
            || !Codec.TryParseDecimal(ps[0].AsSpan(2), int.MaxValue, out long mm)
            || !Codec.TryParseDecimal(ps[1].AsSpan(2), int.MaxValue, out long tt)
            || !Codec.TryParseDecimal(ps[2].AsSpan(2), int.MaxValue, out long pp))
            return false;
        if (pp < 1 || pp > MaxParallelism || tt < 1 || tt > MaxIterations || mm < 8 * pp || mm > MaxMemoryKiB)
            return false;
        if (!Codec.TryDecodeBase64(f[k + 1], padded: false, out salt) || salt.Length < 8 || salt.Length > 1024
            || !Codec.TryDecodeBase64(f[k + 2], padded: false, out hash) || hash.Length < 4 || hash.Length > 1024)
            return false;
        m = (int)mm; t = (int)tt; p = (int)pp;
        return true;
    }

    /// <summary>The PHC string for a password (version 0x13); computed by libsodium where it takes
    /// the parameters, else in managed code.</summary>
    public static string Hash(Argon2Type type, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int memoryKiB, int iterations,
        int parallelism, int tagLength = 32)
    {
        byte[] tag = new byte[tagLength];
        if (!LibSodiumArgon2.TryCompute(type, 0x13, password, salt, memoryKiB, iterations, parallelism, tag))
            Compute(type, 0x13, password, salt, memoryKiB, iterations, parallelism, tag);
        return Format(type, memoryKiB, iterations, parallelism, salt, tag);
    }

    public static unsafe void Compute(Argon2Type type, int version, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt,
        int memoryKiB, int passes, int lanes, Span<byte> tag)
    {
        if (lanes < 1 || passes < 1 || memoryKiB < 8 * lanes || tag.Length < 4)
            throw new ArgumentOutOfRangeException(nameof(memoryKiB));
        int segment = memoryKiB / (SyncPoints * lanes);
        int laneLength = segment * SyncPoints;
        int blocks = laneLength * lanes;

        Span<byte> h0 = stackalloc byte[72];
        var b = new Blake2b(64);
        b.UpdateLE32((uint)lanes);
        b.UpdateLE32((uint)tag.Length);
        b.UpdateLE32((uint)memoryKiB);
        b.UpdateLE32((uint)passes);
        b.UpdateLE32((uint)version);
        b.UpdateLE32((uint)type);
        b.UpdateLE32((uint)password.Length);
        b.Update(password);
        b.UpdateLE32((uint)salt.Length);
        b.Update(salt);
        b.UpdateLE32(0); // no secret
        b.UpdateLE32(0); // no associated data
        b.Final(h0[..64]);

        // The blocks live outside the GC heap: up to 64 MiB, wiped and returned to the OS as soon
        // as the verify ends (a GC array would count against the hosts' HeapHardLimit and linger).
        nuint memBytes = (nuint)blocks * BlockWords * sizeof(ulong);
        ulong* mem = (ulong*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(memBytes, 64);
        byte[] blockBytes = new byte[1024];
        try
        {
            for (int l = 0; l < lanes; l++)
            {
                for (int j = 0; j < 2; j++)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(h0[64..], (uint)j);
                    BinaryPrimitives.WriteUInt32LittleEndian(h0[68..], (uint)l);
                    HPrime(h0, blockBytes);
                    Span<ulong> dst = new(mem + (long)(l * laneLength + j) * BlockWords, BlockWords);
                    for (int w = 0; w < BlockWords; w++)
                        dst[w] = BinaryPrimitives.ReadUInt64LittleEndian(blockBytes.AsSpan(8 * w));
                }
            }

            ulong[] address = new ulong[BlockWords];
            ulong[] input = new ulong[BlockWords];
            ulong[] zero = new ulong[BlockWords];
            ulong[] tmp = new ulong[BlockWords];
            for (int pass = 0; pass < passes; pass++)
            {
                for (int slice = 0; slice < SyncPoints; slice++)
                {
                    for (int lane = 0; lane < lanes; lane++)
                    {
                        bool independent = type == Argon2Type.Argon2i
                                           || (type == Argon2Type.Argon2id && pass == 0 && slice < SyncPoints / 2);
                        if (independent)
                        {
                            Array.Clear(input);
                            input[0] = (ulong)pass;
                            input[1] = (ulong)lane;
                            input[2] = (ulong)slice;
                            input[3] = (ulong)blocks;
                            input[4] = (ulong)passes;
                            input[5] = (ulong)type;
                        }
                        int start = pass == 0 && slice == 0 ? 2 : 0;
                        if (independent && start == 2)
                            NextAddresses(address, input, zero, tmp);
                        for (int i = start; i < segment; i++)
                        {
                            int cur = lane * laneLength + slice * segment + i;
                            int prev = (slice * segment + i) == 0 ? cur + laneLength - 1 : cur - 1;
                            ulong pseudo;
                            if (independent)
                            {
                                if (i % BlockWords == 0)
                                    NextAddresses(address, input, zero, tmp);
                                pseudo = address[i % BlockWords];
                            }
                            else
                            {
                                pseudo = mem[(long)prev * BlockWords];
                            }
                            int refLane = (int)((pseudo >> 32) % (ulong)lanes);
                            if (pass == 0 && slice == 0)
                                refLane = lane;
                            int refIndex = IndexAlpha(pass, slice, i, segment, laneLength, (uint)pseudo, refLane == lane);
                            int refBlock = refLane * laneLength + refIndex;
                            bool xorInto = version == 0x13 && pass > 0;
                            FillBlock(mem, prev, refBlock, cur, xorInto, tmp);
                        }
                    }
                }
            }

            // Final block: XOR of every lane's last block.
            Span<ulong> final = tmp;
            new ReadOnlySpan<ulong>(mem + (long)(laneLength - 1) * BlockWords, BlockWords).CopyTo(final);
            for (int l = 1; l < lanes; l++)
            {
                ReadOnlySpan<ulong> last = new(mem + (long)(l * laneLength + laneLength - 1) * BlockWords, BlockWords);
                for (int w = 0; w < BlockWords; w++)
                    final[w] ^= last[w];
            }
            for (int w = 0; w < BlockWords; w++)
                BinaryPrimitives.WriteUInt64LittleEndian(blockBytes.AsSpan(8 * w), final[w]);
            HPrime(blockBytes, tag);
            Array.Clear(tmp);
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Clear(mem, memBytes);
            System.Runtime.InteropServices.NativeMemory.AlignedFree(mem);
            CryptographicOperations.ZeroMemory(blockBytes);
            CryptographicOperations.ZeroMemory(h0);
        }
    }

    private static int IndexAlpha(int pass, int slice, int index, int segment, int laneLength, uint pseudo, bool sameLane)
    {
        int area;
        if (pass == 0)
        {
            area = sameLane ? slice * segment + index - 1 : slice * segment + (index == 0 ? -1 : 0);
        }
        else
        {
            area = sameLane ? laneLength - segment + index - 1 : laneLength - segment + (index == 0 ? -1 : 0);
        }
        ulong x = ((ulong)pseudo * pseudo) >> 32;
        ulong y = ((ulong)area * x) >> 32;
        ulong relative = (ulong)area - 1 - y;
        ulong startPos = pass == 0 || slice == SyncPoints - 1 ? 0 : (ulong)((slice + 1) * segment);
        return (int)((startPos + relative) % (ulong)laneLength);
    }

    private static void NextAddresses(ulong[] address, ulong[] input, ulong[] zero, ulong[] tmp)
    {
        input[6]++;
        Compress(zero, input, address, xorInto: false, tmp);
        Compress(zero, address, address, xorInto: false, tmp);
    }

    [System.Runtime.CompilerServices.SkipLocalsInit]
    private static unsafe void FillBlock(ulong* m, int prev, int refBlock, int cur, bool xorInto, ulong[] tmp)
    {
        _ = tmp;
        G(m + (long)prev * BlockWords, m + (long)refBlock * BlockWords, m + (long)cur * BlockWords, xorInto);
    }

    /// <summary>G(x, y) into dst (dst may alias y).</summary>
    private static unsafe void Compress(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y, Span<ulong> dst, bool xorInto, ulong[] tmp)
    {
        _ = tmp;
        fixed (ulong* px = x)
        fixed (ulong* py = y)
        fixed (ulong* pd = dst)
            G(px, py, pd, xorInto);
    }

    /// <summary>
    /// Argon2's compression G: R = X ^ Y, Z = P(R) (rows, then columns), dst = [dst ^] Z ^ R.
    /// Pointer code on two stack blocks (not zeroed first); dst may alias x or y.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    private static unsafe void G(ulong* x, ulong* y, ulong* dst, bool xorInto)
    {
        ulong* r = stackalloc ulong[BlockWords];
        ulong* z = stackalloc ulong[BlockWords];
        for (int w = 0; w < BlockWords; w++)
            z[w] = r[w] = x[w] ^ y[w];
        Permute(z);
        if (xorInto)
            for (int w = 0; w < BlockWords; w++) dst[w] ^= z[w] ^ r[w];
        else
            for (int w = 0; w < BlockWords; w++) dst[w] = z[w] ^ r[w];
    }

    /// <summary>Argon2's P applied to the 8 rows, then to the 8 columns, of a block seen as 8x8 128-bit registers.</summary>
    private static unsafe void Permute(ulong* v)
    {
        for (int row = 0; row < 8; row++)
        {
            ulong* b = v + row * 16;
            Round(b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        }
        for (int col = 0; col < 8; col++)
        {
            ulong* b = v + col * 2;
            Round(b, 0, 1, 16, 17, 32, 33, 48, 49, 64, 65, 80, 81, 96, 97, 112, 113);
        }
    }

    /// <summary>One BLAKE2b-style round on 16 words, held in locals (registers) throughout.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static unsafe void Round(ulong* v, int i0, int i1, int i2, int i3, int i4, int i5, int i6, int i7,
        int i8, int i9, int i10, int i11, int i12, int i13, int i14, int i15)
    {
        ulong v0 = v[i0], v1 = v[i1], v2 = v[i2], v3 = v[i3], v4 = v[i4], v5 = v[i5], v6 = v[i6], v7 = v[i7];
        ulong v8 = v[i8], v9 = v[i9], v10 = v[i10], v11 = v[i11], v12 = v[i12], v13 = v[i13], v14 = v[i14], v15 = v[i15];
        GB(ref v0, ref v4, ref v8, ref v12);
        GB(ref v1, ref v5, ref v9, ref v13);
        GB(ref v2, ref v6, ref v10, ref v14);
        GB(ref v3, ref v7, ref v11, ref v15);
        GB(ref v0, ref v5, ref v10, ref v15);
        GB(ref v1, ref v6, ref v11, ref v12);
        GB(ref v2, ref v7, ref v8, ref v13);
        GB(ref v3, ref v4, ref v9, ref v14);
        v[i0] = v0; v[i1] = v1; v[i2] = v2; v[i3] = v3; v[i4] = v4; v[i5] = v5; v[i6] = v6; v[i7] = v7;
        v[i8] = v8; v[i9] = v9; v[i10] = v10; v[i11] = v11; v[i12] = v12; v[i13] = v13; v[i14] = v14; v[i15] = v15;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static ulong BlaMka(ulong x, ulong y) => x + y + 2 * (x & 0xffffffff) * (y & 0xffffffff);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void GB(ref ulong a, ref ulong b, ref ulong c, ref ulong d)
    {
        a = BlaMka(a, b);
        d = BitOperations.RotateRight(d ^ a, 32);
        c = BlaMka(c, d);
        b = BitOperations.RotateRight(b ^ c, 24);
        a = BlaMka(a, b);
        d = BitOperations.RotateRight(d ^ a, 16);
        c = BlaMka(c, d);
        b = BitOperations.RotateRight(b ^ c, 63);
    }

    /// <summary>H' (variable-length BLAKE2b).</summary>
    private static void HPrime(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length <= 64)
        {
            var b = new Blake2b(output.Length);
            b.UpdateLE32((uint)output.Length);
            b.Update(input);
            b.Final(output);
            return;
        }
        Span<byte> v = stackalloc byte[64];
        var first = new Blake2b(64);
        first.UpdateLE32((uint)output.Length);
        first.Update(input);
        first.Final(v);
        int pos = 0;
        v[..32].CopyTo(output);
        pos += 32;
        while (output.Length - pos > 64)
        {
            Blake2b.Hash(v, v);
            v[..32].CopyTo(output[pos..]);
            pos += 32;
        }
        Span<byte> last = stackalloc byte[64];
        Blake2b.Hash(v, last[..(output.Length - pos)]);
        last[..(output.Length - pos)].CopyTo(output[pos..]);
        v.Clear();
        last.Clear();
    }
}
