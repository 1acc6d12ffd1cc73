using System.Buffers.Binary;
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
    /// <summary>Our cap on the cost a stored string may ask for (the format allows 31).</summary>
    public const int MaxCost = 16;
    public const int MaxPasswordBytes = 72;
    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static ReadOnlySpan<byte> Magic => "OrpheanBeholderScryDoubt"u8;

    public static VerifyResult Verify(ReadOnlySpan<byte> password, string stored)
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
        Span<byte> salt = stackalloc byte[16];
        Decode(body[..22], salt);
        string computed = Hash(password, salt, cost, minor);
        // Whole-string comparison: a stored string whose unused low bits are set is not one
        // libxcrypt would ever produce, and it does not match there either.
        return ConstantTime.Equals(computed, stored) ? VerifyResult.Match : VerifyResult.NoMatch;
    }

    /// <summary>The 60-character string for a password, 16-byte salt, cost and minor version.</summary>
    public static string Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int cost, char minor = 'b')
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
        try
        {
            SetKey(password, expanded, initial, minor);
            BlowfishTables.PiWords.CopyTo(state);
            initial.CopyTo(state, 0);

            // First expansion with the salt.
            uint l = 0, r = 0;
            for (int i = 0, j = 0; i < BlowfishTables.Words; i += 2, j ^= 2)
            {
                l ^= saltWords[j];
                r ^= saltWords[j + 1];
                Encrypt(state, ref l, ref r);
                state[i] = l;
                state[i + 1] = r;
            }

            long count = 1L << cost;
            for (long k = 0; k < count; k++)
            {
                ExpandKey(state, expanded);
                ExpandSalt(state, saltWords);
            }

            Span<uint> text = stackalloc uint[6];
            for (int i = 0; i < 6; i++)
                text[i] = BinaryPrimitives.ReadUInt32BigEndian(Magic[(4 * i)..]);
            for (int n = 0; n < 64; n++)
                for (int i = 0; i < 6; i += 2)
                    Encrypt(state, ref text[i], ref text[i + 1]);
            Span<byte> output = stackalloc byte[24];
            for (int i = 0; i < 6; i++)
                BinaryPrimitives.WriteUInt32BigEndian(output[(4 * i)..], text[i]);

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

    private static void ExpandKey(uint[] state, uint[] key)
    {
        for (int i = 0; i < BlowfishTables.PWords; i++)
            state[i] ^= key[i];
        uint l = 0, r = 0;
        for (int i = 0; i < BlowfishTables.Words; i += 2)
        {
            Encrypt(state, ref l, ref r);
            state[i] = l;
            state[i + 1] = r;
        }
    }

    private static void ExpandSalt(uint[] state, ReadOnlySpan<uint> salt)
    {
        for (int i = 0; i < BlowfishTables.PWords; i++)
            state[i] ^= salt[i & 3];
        uint l = 0, r = 0;
        for (int i = 0; i < BlowfishTables.Words; i += 2)
        {
            Encrypt(state, ref l, ref r);
            state[i] = l;
            state[i + 1] = r;
        }
    }

    private static void Encrypt(uint[] s, ref uint xl, ref uint xr)
    {
        uint l = xl, r = xr;
        l ^= s[0];
        for (int i = 1; i <= 16; i += 2)
        {
            r ^= F(s, l) ^ s[i];
            l ^= F(s, r) ^ s[i + 1];
        }
        r ^= s[17];
        xl = r;
        xr = l;
    }

    private static uint F(uint[] s, uint x) =>
        ((s[18 + (int)(x >> 24)] + s[18 + 256 + (int)((x >> 16) & 0xff)]) ^ s[18 + 512 + (int)((x >> 8) & 0xff)])
        + s[18 + 768 + (int)(x & 0xff)];

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

    /// <summary>A fresh 22-character salt string's bytes.</summary>
    internal static byte[] NewSalt() => RandomNumberGenerator.GetBytes(16);
}
