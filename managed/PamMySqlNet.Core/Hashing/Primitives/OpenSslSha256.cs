using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace PamMySqlNet.Hashing;

/// <summary>
/// SHA-256's compression function from OpenSSL's libcrypto (<c>SHA256_Transform</c>, which runs
/// on the CPU's SHA instructions where it has them, else on OpenSSL's SIMD code), for the rounds
/// of sha256crypt: measured here 0.057 µs per 64-byte block against 0.28 µs in libxcrypt's
/// portable C (build/bench-hash.md). libcrypto is the library the module already loads for TLS;
/// <see cref="Available"/> is false where it or the export is missing, and sha256crypt then goes
/// to libxcrypt. Called on messages laid out once with their padding (<see cref="CryptRounds"/>):
/// one native call per block, no allocation.
/// </summary>
internal readonly unsafe struct OpenSslSha256 : IPaddedDigest
{
    private const int BlockSize = 64, LengthBytes = 8;
    // sizeof(SHA256_CTX): h[8], Nl, Nh, data[16], num, md_len (SHA256_Transform uses only h).
    private const int ContextWords = 8 + 2 + 16 + 2;

    private static readonly delegate* unmanaged<uint*, byte*, void> Transform = Resolve();

    private static delegate* unmanaged<uint*, byte*, void> Resolve()
    {
        foreach (string name in PamMySqlNet.Interop.NativeLibraries.LibCrypto)
            if (NativeLibrary.TryLoad(name, out IntPtr library) && NativeLibrary.TryGetExport(library, "SHA256_Transform", out IntPtr f))
                return (delegate* unmanaged<uint*, byte*, void>)f;
        return null;
    }

    /// <summary>True when libcrypto's SHA256_Transform is loaded in this process.</summary>
    public static bool Available => Transform != null;

    public static int PaddedLength(int length) => MessageBlocks.PaddedLength(length, BlockSize, LengthBytes);

    public static void Pad(Span<byte> buf, int length) => MessageBlocks.Pad(buf, length, BlockSize, LengthBytes, bigEndian: true);

    /// <summary>The SHA-256 digest of a message already laid out with its padding.</summary>
    public static void HashPadded(ReadOnlySpan<byte> padded, Span<byte> digest)
    {
        // Callers check Available; a null function pointer must never be called in a host.
        if (Transform == null)
            throw new InvalidOperationException("libcrypto's SHA256_Transform is not loaded");
        uint* ctx = stackalloc uint[ContextWords];
        ctx[0] = 0x6a09e667; ctx[1] = 0xbb67ae85; ctx[2] = 0x3c6ef372; ctx[3] = 0xa54ff53a;
        ctx[4] = 0x510e527f; ctx[5] = 0x9b05688c; ctx[6] = 0x1f83d9ab; ctx[7] = 0x5be0cd19;
        fixed (byte* p = padded)
        {
            for (int i = 0; i < padded.Length; i += BlockSize)
                Transform(ctx, p + i);
        }
        for (int i = 0; i < 8; i++)
            BinaryPrimitives.WriteUInt32BigEndian(digest[(4 * i)..], ctx[i]);
        new Span<uint>(ctx, ContextWords).Clear();
    }
}
