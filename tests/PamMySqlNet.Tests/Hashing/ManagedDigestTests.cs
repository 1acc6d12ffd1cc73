using System.Security.Cryptography;

namespace PamMySqlNet.Tests.Hashing;

/// <summary>The stack-only managed MD5 used by md5crypt, against .NET's (OpenSSL's).</summary>
public class ManagedDigestTests
{
    public static TheoryData<int> Lengths()
    {
        var d = new TheoryData<int>();
        foreach (int n in new[] { 0, 1, 3, 55, 56, 57, 63, 64, 65, 111, 112, 113, 127, 128, 129, 255, 256, 1000, 4097 })
            d.Add(n);
        return d;
    }

    private static byte[] Data(int n)
    {
        var r = new Random(n);
        var b = new byte[n];
        r.NextBytes(b);
        return b;
    }

    /// <summary>Splits data into uneven chunks, so that the buffering path is exercised too.</summary>
    private static IEnumerable<ReadOnlyMemory<byte>> Chunks(byte[] data)
    {
        int pos = 0, step = 1;
        while (pos < data.Length)
        {
            int n = Math.Min(step, data.Length - pos);
            yield return data.AsMemory(pos, n);
            pos += n;
            step = step * 3 % 71 + 1;
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Md5_matches(int n)
    {
        byte[] data = Data(n), got = new byte[16];
        Md5Hasher.Hash(data, got);
        Assert.Equal(MD5.HashData(data), got);
        var h = Md5Hasher.Create();
        foreach (var c in Chunks(data)) h.Append(c.Span);
        h.Finish(got);
        Assert.Equal(MD5.HashData(data), got);
    }
}
