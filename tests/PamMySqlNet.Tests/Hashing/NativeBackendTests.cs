using System.Security.Cryptography;
using System.Text;

namespace PamMySqlNet.Tests.Hashing;

/// <summary>
/// sha256crypt's rounds run on libcrypto's SHA256_Transform, sha512crypt and bcrypt in libxcrypt
/// and Argon2 in libsodium where those take the input; our managed code is the fallback. Both routes are checked against the reference
/// vectors and tools here, so neither can drift while the other is the one in use.
/// </summary>
public class NativeBackendTests
{
    private static bool Fast(string hash) =>
        hash.StartsWith("$5$", StringComparison.Ordinal) || hash.StartsWith("$6$", StringComparison.Ordinal)
        || hash.StartsWith("$2", StringComparison.Ordinal) || hash.StartsWith("$argon2", StringComparison.Ordinal);

    private static VerifyResult Managed(ReadOnlySpan<byte> password, string hash) =>
        hash[1] switch
        {
            '5' => ShaCrypt.VerifyManaged(password, hash, is512: false),
            '6' => ShaCrypt.VerifyManaged(password, hash, is512: true),
            '2' => BCrypt.VerifyManaged(password, hash),
            _ => Argon2.VerifyManaged(password, hash),
        };

    private static TheoryData<VectorRow> Rows(params string[] files)
    {
        var d = new TheoryData<VectorRow>();
        foreach (var file in files)
            foreach (var row in VectorFile.Read(file))
                if (Fast(row.Hash))
                    d.Add(row);
        return d;
    }

    public static TheoryData<VectorRow> Positives() => Rows("vectors.tsv", "extra.tsv", "formats.tsv");

    public static TheoryData<VectorRow> Negatives() => Rows("negatives.tsv");

    /// <summary>This machine (and CI's) has the libraries, so the other tests exercise the fast route.</summary>
    [Fact]
    public void Libraries_are_loaded()
    {
        Assert.True(LibXCrypt.Hashes("a"u8), LibXCrypt.Unavailable ?? "libxcrypt does not take a 1-byte password");
        Assert.True(LibSodiumArgon2.Available, "libsodium.so.23 is not loaded (apt-get install libsodium23)");
        Assert.True(OpenSslSha256.Available, "libcrypto.so.3's SHA256_Transform is not loaded");
        Assert.False(LibXCrypt.Hashes(new byte[LibXCrypt.MaxPassphraseBytes]), "libxcrypt hashes at most 511 bytes");
    }

    [Theory]
    [MemberData(nameof(Positives))]
    public void Managed_fallback_matches_reference_vectors(VectorRow row) =>
        Assert.Equal(VerifyResult.Match, Managed(row.Password, row.Hash));

    [Theory]
    [MemberData(nameof(Negatives))]
    public void Managed_fallback_refuses_negative_vectors(VectorRow row) =>
        Assert.NotEqual(VerifyResult.Match, Managed(row.Password, row.Hash));

    /// <summary>libsodium takes one shape through its raw-tag call (16-byte salt, one lane) and others
    /// through str_verify; version 0x10 and short tags stay managed. The argon2 CLI (libargon2) makes
    /// every shape here; both routes must match the right password and refuse a near miss.</summary>
    [Fact]
    public void Argon2_every_parameter_shape_from_the_cli()
    {
        if (!ReferenceTool.Available("argon2")) return;
        byte[] pw = Encoding.UTF8.GetBytes("pässwörd " + RandomNumberGenerator.GetHexString(8));
        byte[] miss = [.. pw[..^1], (byte)(pw[^1] ^ 1)];
        int checkedShapes = 0;
        foreach (string type in new[] { "-i", "-id" })
        foreach (int lanes in new[] { 1, 3 })
        foreach (int saltBytes in new[] { 8, 16, 21 })
        foreach (string version in new[] { "13", "10" })
        foreach (int tag in new[] { 12, 16, 40 })
        {
            int passes = type == "-i" && lanes == 1 ? 1 : 3; // argon2i with t < 3: libsodium's raw call refuses it
            string salt = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", saltBytes);
            string hash = ReferenceTool.Run("argon2",
                [salt, type, "-t", passes.ToString(System.Globalization.CultureInfo.InvariantCulture), "-m", "6",
                 "-p", lanes.ToString(System.Globalization.CultureInfo.InvariantCulture), "-v", version,
                 "-l", tag.ToString(System.Globalization.CultureInfo.InvariantCulture), "-e"], pw);
            Assert.True(Argon2.Verify(pw, hash) == VerifyResult.Match, $"{hash}: {Argon2.Verify(pw, hash)}");
            Assert.True(Argon2.VerifyManaged(pw, hash) == VerifyResult.Match, $"managed {hash}");
            Assert.True(Argon2.Verify(miss, hash) == VerifyResult.NoMatch, $"near miss {hash}");
            Assert.True(Argon2.VerifyManaged(miss, hash) == VerifyResult.NoMatch, $"managed near miss {hash}");
            checkedShapes++;
        }
        Assert.Equal(72, checkedShapes);
    }

    /// <summary>Passwords libxcrypt does not take (512 bytes and more) fall back to managed sha512crypt
    /// (sha256crypt's libcrypto route takes any length); PHP's crypt() has its own sha-crypt with no
    /// length limit, so it makes the vectors. Both routes are checked.</summary>
    [Fact]
    public void Long_passwords_verify_through_the_managed_fallback()
    {
        if (!ReferenceTool.Available("php")) return;
        foreach (int length in new[] { 511, 512, 700 })
        foreach (string setting in new[] { "$5$rounds=1000$longpwsalt", "$6$longpwsalt" })
        {
            byte[] pw = Encoding.ASCII.GetBytes(RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz", length));
            string hash = ReferenceTool.Run("php", ["-r", "echo crypt(file_get_contents('php://stdin'), $argv[1]), \"\\n\";", setting], pw);
            Assert.StartsWith(setting, hash, StringComparison.Ordinal);
            bool is512 = setting[1] == '6';
            Assert.Equal(VerifyResult.Match, is512 ? ShaCrypt.Verify512(pw, hash) : ShaCrypt.Verify256(pw, hash));
            Assert.Equal(VerifyResult.Match, ShaCrypt.VerifyManaged(pw, hash, is512));
            pw[^1] = (byte)'0';
            Assert.Equal(VerifyResult.NoMatch, is512 ? ShaCrypt.Verify512(pw, hash) : ShaCrypt.Verify256(pw, hash));
            Assert.Equal(VerifyResult.NoMatch, ShaCrypt.VerifyManaged(pw, hash, is512));
        }
    }

    /// <summary>New hashes: the library's string and the managed one are the same for the same salt.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(72)]
    [InlineData(73)]
    [InlineData(511)]
    public void New_hashes_are_the_same_on_both_routes(int length)
    {
        byte[] pw = RandomNumberGenerator.GetBytes(length);
        for (int i = 0; i < pw.Length; i++)
            pw[i] = (byte)(pw[i] % 255 + 1); // no NUL byte
        Assert.Equal(ShaCrypt.HashManaged(pw, "abcDEF012./", null, is512: true), ShaCrypt.Hash(pw, "abcDEF012./", null, is512: true));
        Assert.Equal(ShaCrypt.HashManaged(pw, "saltsaltsaltsalt", 1234, is512: false), ShaCrypt.Hash(pw, "saltsaltsaltsalt", 1234, is512: false));
        byte[] salt = RandomNumberGenerator.GetBytes(16);
        Assert.Equal(BCrypt.HashManaged(pw, salt, 4, 'b'), BCrypt.Hash(pw, salt, 4, 'b'));
        Assert.Equal(BCrypt.HashManaged(pw, salt, 5, 'y'), BCrypt.Hash(pw, salt, 5, 'y'));
        string argon = Argon2.Hash(Argon2Type.Argon2id, pw, salt, 256, 2, 1);
        Assert.Equal(VerifyResult.Match, Argon2.VerifyManaged(pw, argon));
    }
}
