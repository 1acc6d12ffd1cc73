using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace PamMySqlNet.Hashing;

/// <summary>
/// bcrypt (<c>$2a$</c>, <c>$2b$</c>, <c>$2y$</c>, and the buggy <c>$2x$</c>): Eksblowfish with
/// 2^cost rounds, a 128-bit salt and a 184-bit result, as libxcrypt/crypt_blowfish compute it.
/// The key is the password followed by a NUL byte, cycled over 72 bytes: only the first 72
/// password bytes count. <c>$2a$</c> carries crypt_blowfish's safety tweak for 8-bit passwords
/// that the <c>$2x$</c> sign-extension bug would have hashed identically.
/// </summary>
public static class BCrypt
{
    public const int MinCost = 4;
    /// <summary>Our cap on the cost a stored string may ask for (the format allows 31): cost 14 is
    /// about 1.3 s of CPU on a 2-core box, 15 would be 2.5 s.</summary>
    public const int MaxCost = 14;
    public const int MaxPasswordBytes = 72;
    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static ReadOnlySpan<byte> Magic => "OrpheanBeholderScryDoubt"u8;

    public static VerifyResult Verify(ReadOnlySpan<byte> password, string stored) => Verify(password, stored, native: true);

    /// <summary>The managed code alone (what runs without libxcrypt, or for passwords of 512 bytes
    /// and more), for the tests that keep it right.</summary>
    internal static VerifyResult VerifyManaged(ReadOnlySpan<byte> password, string stored) => Verify(password, stored, native: false);

    /// <summary>Our shape and cost checks, then libxcrypt's crypt_rn when it takes the password
    /// (faster than our code: build/bench-hash.md), else the managed Eksblowfish.</summary>
    private static VerifyResult Verify(ReadOnlySpan<byte> password, string stored, bool native)
    {
        // $2?$NN$ + 22 salt + 31 hash = 60 characters
        if (stored.Length != 60 || stored[0] != '$' || stored[1] != '2' || stored[3] != '$' || stored[6] != '$')
            return VerifyResult.Malformed;
        char minor = stored[2];
        if (minor is not ('a' or 'b' or 'y' or 'x'))
            return VerifyResult.Malformed;
        if (stored[4] is < '0' or > '9' || stored[5] is < '0' or > '9')
            return VerifyResult.Malformed;
        int cost = (stored[4] - '0') * 10 + (stored[5] - '0');
        if (cost < MinCost || cost > MaxCost)
            return VerifyResult.Malformed;
        ReadOnlySpan<char> body = stored.AsSpan(7);
        foreach (char c in body)
            if (Alphabet.IndexOf(c) < 0)
                return VerifyResult.Malformed;
        if (native && LibXCrypt.Hashes(password))
            return LibXCrypt.Verify(password, stored);
        Span<byte> salt = stackalloc byte[16];
        Decode(body[..22], salt);
        string computed = HashManaged(password, salt, cost, minor);
        // Whole-string comparison: a stored string whose unused low bits are set is not one
        // libxcrypt would ever produce, and it does not match there either.
        return ConstantTime.Equals(computed, stored) ? VerifyResult.Match : VerifyResult.NoMatch;
    }

    /// <summary>The 60-character string for a password, 16-byte salt, cost and minor version;
    /// computed by libxcrypt when it takes the password, else by <see cref="HashManaged"/>.</summary>
    public static string Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int cost, char minor = 'b')
    {
        if (salt.Length == 16 && cost is >= MinCost and <= 31 && minor is 'a' or 'b' or 'y' or 'x')
        {
            var setting = new StringBuilder(29);
            setting.Append("$2").Append(minor).Append('$').Append(cost.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)).Append('$');
            Encode(salt, setting);
            if (LibXCrypt.Hash(password, setting.ToString()) is { } hashed)
                return hashed;
        }
        return HashManaged(password, salt, cost, minor);
    }

    /// <summary><see cref="Hash"/> in managed code only.</summary>
    internal static string HashManaged(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int cost, char minor = 'b')
    {
        if (salt.Length != 16)
            throw new ArgumentException("bcrypt salt is 16 bytes", nameof(salt));
        if (cost is < MinCost or > 31)
            throw new ArgumentOutOfRangeException(nameof(cost));
        if (minor is not ('a' or 'b' or 'y' or 'x'))
            throw new ArgumentException("bcrypt minor must be a, b, x or y", nameof(minor));

        uint[] state = new uint[BlowfishTables.Words];
        uint[] expanded = new uint[BlowfishTables.PWords];
        uint[] initial = new uint[BlowfishTables.PWords];
        Span<uint> saltWords = stackalloc uint[4];
        for (int i = 0; i < 4; i++)
            saltWords[i] = BinaryPrimitives.ReadUInt32BigEndian(salt[(4 * i)..]);
        Span<byte> output = stackalloc byte[24];
        try
        {
            SetKey(password, expanded, initial, minor);
            BlowfishTables.PiWords.CopyTo(state);
            initial.CopyTo(state, 0);
            Eksblowfish(state, expanded, saltWords, 1L << cost, output);
            var sb = new StringBuilder(60);
            sb.Append("$2").Append(minor).Append('$').Append(cost.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)).Append('$');
            Encode(salt, sb);
            Encode(output[..23], sb);
            return sb.ToString();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(state.AsSpan()));
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(expanded.AsSpan()));
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(initial.AsSpan()));
        }
    }

    /// <summary>
    /// The 18 key words from the password + NUL cycled; <paramref name="initial"/> is P ^ key with
    /// the <c>$2a$</c> tweak. <c>$2x$</c> uses the sign-extended bytes (the old bug).
    /// </summary>
    private static void SetKey(ReadOnlySpan<byte> password, uint[] expanded, uint[] initial, char minor)
    {
        bool bug = minor == 'x';
        bool safety = minor == 'a';
        int pos = 0;
        uint sign = 0, diff = 0;
        ReadOnlySpan<uint> pi = BlowfishTables.PiWords;
        for (int i = 0; i < BlowfishTables.PWords; i++)
        {
            uint correct = 0, buggy = 0;
            for (int j = 0; j < 4; j++)
            {
                byte c = pos < password.Length ? password[pos] : (byte)0;
                correct = (correct << 8) | c;
                buggy = (buggy << 8) | (uint)(int)(sbyte)c;
                if (j != 0)
                    sign |= buggy & 0x80;
                // Cycle over the C string password + NUL; 18 words read 72 bytes in all, so
                // bytes past the 72nd are never used (and a NUL ends the password, as in C).
                pos = c == 0 ? 0 : pos + 1;
            }
            diff |= correct ^ buggy;
            expanded[i] = bug ? buggy : correct;
            initial[i] = pi[i] ^ expanded[i];
        }
        diff |= diff >> 16;
        diff &= 0xffff;
        diff += 0xffff;
        sign <<= 9;
        sign &= ~diff & (safety ? 0x10000u : 0u);
        initial[0] ^= sign;
    }

    /// <summary>
    /// The expensive part: the salted first expansion, 2^cost alternating key and salt
    /// expansions, and 64 encryptions of the magic text (written big-endian to
    /// <paramref name="output"/>). Pointer code with the 16 Feistel rounds unrolled: no bounds
    /// checks, every S-box lookup a single load.
    /// </summary>
    private static unsafe void Eksblowfish(uint[] state, uint[] key, ReadOnlySpan<uint> salt, long count, Span<byte> output)
    {
        fixed (uint* s = state)
        fixed (uint* k = key)
        {
            uint s0 = salt[0], s1 = salt[1], s2 = salt[2], s3 = salt[3];
            uint l = 0, r = 0;
            for (int i = 0; i < BlowfishTables.Words; i += 4)
            {
                l ^= s0;
                r ^= s1;
                Encrypt(s, ref l, ref r);
                s[i] = l;
                s[i + 1] = r;
                if (i + 2 >= BlowfishTables.Words)
                    break;
                l ^= s2;
                r ^= s3;
                Encrypt(s, ref l, ref r);
                s[i + 2] = l;
                s[i + 3] = r;
            }

            for (long n = 0; n < count; n++)
            {
                for (int i = 0; i < BlowfishTables.PWords; i++)
                    s[i] ^= k[i];
                EncryptAll(s);
                for (int i = 0; i < BlowfishTables.PWords; i += 4)
                {
                    s[i] ^= s0;
                    s[i + 1] ^= s1;
                    if (i + 2 < BlowfishTables.PWords)
                    {
                        s[i + 2] ^= s2;
                        s[i + 3] ^= s3;
                    }
                }
                EncryptAll(s);
            }

            Span<uint> text = stackalloc uint[6];
            for (int i = 0; i < 6; i++)
                text[i] = BinaryPrimitives.ReadUInt32BigEndian(Magic[(4 * i)..]);
            for (int i = 0; i < 6; i += 2)
            {
                uint a = text[i], b = text[i + 1];
                for (int n = 0; n < 64; n++)
                    Encrypt(s, ref a, ref b);
                text[i] = a;
                text[i + 1] = b;
            }
            for (int i = 0; i < 6; i++)
                BinaryPrimitives.WriteUInt32BigEndian(output[(4 * i)..], text[i]);
            text.Clear();
        }
    }

    /// <summary>Replaces P and the S-boxes by the chain of encryptions starting from zero.</summary>
    private static unsafe void EncryptAll(uint* s)
    {
        uint l = 0, r = 0;
        for (uint* p = s, end = s + BlowfishTables.Words; p < end; p += 2)
        {
            Encrypt(s, ref l, ref r);
            p[0] = l;
            p[1] = r;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Encrypt(uint* s, ref uint xl, ref uint xr)
    {
        uint l = xl ^ s[0], r = xr;
        r ^= F(s, l) ^ s[1]; l ^= F(s, r) ^ s[2];
        r ^= F(s, l) ^ s[3]; l ^= F(s, r) ^ s[4];
        r ^= F(s, l) ^ s[5]; l ^= F(s, r) ^ s[6];
        r ^= F(s, l) ^ s[7]; l ^= F(s, r) ^ s[8];
        r ^= F(s, l) ^ s[9]; l ^= F(s, r) ^ s[10];
        r ^= F(s, l) ^ s[11]; l ^= F(s, r) ^ s[12];
        r ^= F(s, l) ^ s[13]; l ^= F(s, r) ^ s[14];
        r ^= F(s, l) ^ s[15]; l ^= F(s, r) ^ s[16];
        xl = r ^ s[17];
        xr = l;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe uint F(uint* s, uint x) =>
        ((s[18 + (x >> 24)] + s[18 + 256 + ((x >> 16) & 0xff)]) ^ s[18 + 512 + ((x >> 8) & 0xff)]) + s[18 + 768 + (x & 0xff)];

    /// <summary>bcrypt's base64: alphabet "./A-Za-z0-9", most significant bits first, no padding.</summary>
    private static void Encode(ReadOnlySpan<byte> data, StringBuilder sb)
    {
        int i = 0;
        while (i < data.Length)
        {
            int c1 = data[i++];
            sb.Append(Alphabet[c1 >> 2]);
            c1 = (c1 & 0x03) << 4;
            if (i >= data.Length)
            {
                sb.Append(Alphabet[c1]);
                break;
            }
            int c2 = data[i++];
            c1 |= c2 >> 4;
            sb.Append(Alphabet[c1]);
            c1 = (c2 & 0x0f) << 2;
            if (i >= data.Length)
            {
                sb.Append(Alphabet[c1]);
                break;
            }
            c2 = data[i++];
            c1 |= c2 >> 6;
            sb.Append(Alphabet[c1]);
            sb.Append(Alphabet[c2 & 0x3f]);
        }
    }

    private static void Decode(ReadOnlySpan<char> text, Span<byte> output)
    {
        int acc = 0, bits = 0, o = 0;
        foreach (char ch in text)
        {
            acc = (acc << 6) | Alphabet.IndexOf(ch);
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                if (o < output.Length)
                    output[o++] = (byte)(acc >> bits);
                acc &= (1 << bits) - 1;
            }
        }
    }
}
