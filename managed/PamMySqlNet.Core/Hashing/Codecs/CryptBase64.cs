namespace PamMySqlNet.Hashing;

/// <summary>The base-64 alphabet and byte order used by crypt(3) strings ("./0-9A-Za-z", little end first).</summary>
public static class CryptBase64
{
    public const string Alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Writes <c>output.Length</c> characters (at most 4) encoding the 24-bit value
    /// b2:b1:b0 as ASCII bytes; returns how many.</summary>
    public static int Encode(byte b2, byte b1, byte b0, Span<byte> output)
    {
        int w = (b2 << 16) | (b1 << 8) | b0;
        for (int i = 0; i < output.Length; i++)
        {
            output[i] = (byte)Alphabet[w & 0x3f];
            w >>= 6;
        }
        return output.Length;
    }

    /// <summary>Appends <paramref name="count"/> characters (at most 4) encoding the 24-bit value b2:b1:b0.</summary>
    public static void Append(System.Text.StringBuilder sb, byte b2, byte b1, byte b0, int count)
    {
        Span<byte> chars = stackalloc byte[4];
        Encode(b2, b1, b0, chars[..count]);
        foreach (byte c in chars[..count])
            sb.Append((char)c);
    }
}
