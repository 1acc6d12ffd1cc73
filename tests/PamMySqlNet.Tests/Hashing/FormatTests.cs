using System.Diagnostics;
using System.Text;

namespace PamMySqlNet.Tests.Hashing;

/// <summary>
/// Issue 14's formats: yescrypt parameter fields, Dovecot 2.4's {ARGON2}, encoding suffixes on
/// text schemes, $6$$. The matching vectors are in tests/data/vectors/formats.tsv (made by doveadm,
/// PHP, MariaDB and libxcrypt: formats_gen.sh); here the parser, the caps and the malformed cases.
/// </summary>
public class FormatTests
{
    private static readonly byte[] Pw = "test123"u8.ToArray();

    private static VerifyResult Auto(string stored) => PasswordVerifier.Verify(CryptMode.Auto, Pw, stored);

    // formats.tsv rows (password test123): f0176 (libxcrypt, $y$jA.0./), f0098 (doveadm ARGON2ID as
    // {ARGON2}), f0171 (MariaDB ENCRYPT, $6$$).
    private static string Row(string id) => VectorFile.Read("formats.tsv").Single(r => r.Id == id).Hash;

    [Theory]
    [InlineData("j9T", 12, 32, 1, 0)]
    [InlineData("jA.0./", 13, 1, 2, 2)]    // issue 14's example
    [InlineData("jBT/.", 14, 32, 1, 1)]    // have=2: t only
    [InlineData("j8T.2", 11, 32, 6, 0)]    // have=1: p only, p's minimum is 2
    [InlineData("j75", 10, 8, 1, 0)]
    public void The_parameter_field_is_read_as_libxcrypt_reads_it(string field, int nLog2, long r, long p, long t)
    {
        Assert.True(YescryptSetting.TryParse(field + "$salt$hash", out var s));
        Assert.Equal((nLog2, r, p, t, field), (s.NLog2, s.R, s.P, s.T, s.Field));
    }

    [Fact]
    public void A_multi_character_number_is_decoded()
    {
        // r: 'k' (index 48) starts a two-character number: 1 + 48 + (48-48)·64 + index('0') = 51.
        Assert.True(YescryptSetting.TryParse("j9k0$salt$hash", out var s));
        Assert.Equal(51, s.R);
        // 'z' (63) starts a six-character number: too short here.
        Assert.False(YescryptSetting.TryParse("j9z0$salt$hash", out _));
    }

    [Theory]
    [InlineData("jBT2.$salt$hash")]    // have=5: g (hash upgrades), which libxcrypt refuses
    [InlineData("j9T7...$salt$hash")]  // have=10: NROM, never configured
    [InlineData("j9T0.$salt$hash")]    // have=3 but t missing
    [InlineData("j9T/$salt$hash")]     // have=2 but t missing
    [InlineData("i9T$salt$hash")]      // another flavour
    [InlineData("j9$salt$hash")]
    [InlineData("j9T")]                // no closing '$'
    [InlineData("j9T!$salt$hash")]
    [InlineData("j9T/.x$salt$hash")]   // a character after the last field
    public void Fields_libxcrypt_cannot_use_are_refused(string rest) =>
        Assert.False(YescryptSetting.TryParse(rest, out _));

    [Theory]
    [InlineData("jCT", "memory 128 MiB")]
    [InlineData("jBT/6", "time t=9")]       // 64 MiB × 9
    [InlineData("j9T/H", "time t=20")]      // t > 16
    [InlineData("j9T.Q", "lanes p=30")]     // p > 16
    [InlineData("jBT./", "lanes p=3")]      // fine: p=3 at 64 MiB is within 128·r·p ≤ 1 MiB
    public void Caps_are_named(string field, string what)
    {
        Assert.True(YescryptSetting.TryParse(field + "$x$y", out var s));
        string? over = s.Check();
        if (field == "jBT./")
        {
            Assert.Null(over);
            return;
        }
        Assert.NotNull(over);
        Assert.Contains(what, over);
    }

    [Fact]
    public void An_over_cap_yescrypt_value_is_malformed_before_any_hashing()
    {
        // t = 49 at 64 MiB would take a minute in libxcrypt; a salt and hash of the right shape.
        string setting = "$y$jBT/k.$" + Row("f0176").Split('$')[3] + "$" + Row("f0176").Split('$')[4];
        var clock = Stopwatch.StartNew();
        Assert.Equal(VerifyResult.Malformed, PasswordVerifier.Verify(CryptMode.Crypt, Pw, setting));
        Assert.Equal(VerifyResult.Malformed, Auto(setting));
        Assert.True(clock.ElapsedMilliseconds < 200, $"{clock.ElapsedMilliseconds} ms");
        Assert.Null(HashCost.Of(setting, out string? over));
        Assert.Contains("yescrypt", over);
    }

    [Fact]
    public void Yescrypt_with_parameters_verifies_and_its_cost_is_the_whole_field()
    {
        string h = Row("f0176");
        Assert.Equal(VerifyResult.Match, PasswordVerifier.Verify(CryptMode.Crypt, Pw, h));
        Assert.Equal(VerifyResult.NoMatch, PasswordVerifier.Verify(CryptMode.Crypt, "test124"u8, h));
        Assert.Equal(new HashCost(CostFamily.Yescrypt, "jA.0./"), HashCost.Of(h, out _));
        // The unknown-user dummy of that cost is a well-formed value of the same cost.
        string dummy = DummyHashes.Build(new HashCost(CostFamily.Yescrypt, "jA.0./"));
        Assert.Equal(new HashCost(CostFamily.Yescrypt, "jA.0./"), HashCost.Of(dummy, out _));
        Assert.Equal(VerifyResult.NoMatch, Auto(dummy));
    }

    [Fact]
    public void Argon2_takes_either_variant_the_named_ones_only_their_own()
    {
        string id = Row("f0098")["{ARGON2}".Length..]; // $argon2id$…
        Assert.Equal(VerifyResult.Match, Auto("{ARGON2}" + id));
        Assert.Equal(VerifyResult.Match, Auto("{argon2}" + id));
        Assert.Equal(VerifyResult.Match, Auto("{ARGON2ID}" + id));
        Assert.Equal(VerifyResult.Malformed, Auto("{ARGON2I}" + id));
        Assert.Equal(VerifyResult.Match, Auto("{ARGON2.B64}" + Convert.ToBase64String(Encoding.ASCII.GetBytes(id))));
        Assert.Equal(VerifyResult.Match, Auto("{ARGON2.HEX}" + Convert.ToHexString(Encoding.ASCII.GetBytes(id))));
        Assert.Equal(VerifyResult.Malformed, Auto("{ARGON2}" + id.Replace("$argon2id$", "$argon2d$")));
        Assert.Equal(VerifyResult.Malformed, Auto("{ARGON2}$1$abcdefgh$abcdefghijklmnopqrstuv"));
        Assert.Equal(VerifyResult.Malformed, Auto("{ARGON2}"));
        Assert.Equal(CostFamily.Argon2, HashCost.Of("{ARGON2}" + id, out _)!.Family);
    }

    [Theory]
    [InlineData("{SHA512-CRYPT.B64}")]
    [InlineData("{SHA512-CRYPT.B64}!!!!")]
    [InlineData("{SHA512-CRYPT.B64}JDYk")]          // "$6$": too short a crypt string
    [InlineData("{SHA512-CRYPT.B64}JDEkYWJjJGFiYw==")] // "$1$abc$abc": not sha512crypt
    [InlineData("{SHA512-CRYPT.HEX}24362")]          // odd length
    [InlineData("{SHA512-CRYPT.HEX}zz")]
    [InlineData("{BLF-CRYPT.B64}/w==")]              // 0xff: not text
    [InlineData("{ARGON2ID.B64}AA==")]               // NUL
    [InlineData("{PBKDF2.HEX}2431")]                 // "$1": a broken PBKDF2 value
    [InlineData("{CRAM-MD5.B64}YWJj")]               // not 32 bytes
    [InlineData("{MD5.B64}JDEkYWJj")]                // "$1$abc": a broken md5crypt, not a digest either
    public void Broken_encoded_values_are_malformed(string stored)
    {
        Assert.Equal(VerifyResult.Malformed, Auto(stored));
        Assert.Equal(VerifyResult.Malformed, PasswordVerifier.Verify(CryptMode.Auto, Pw, stored.ToLowerInvariant()[..stored.IndexOf('}')] + stored[stored.IndexOf('}')..]));
    }

    [Fact]
    public void Encoded_costly_values_have_the_cost_of_what_they_wrap()
    {
        // PostfixAdmin's php_crypt:SHA512:5000 under .B64 (formats.tsv has such rows): the dummy
        // for an unknown user must cost a sha512crypt verify, not a digest's.
        string inner = "$6$rounds=2000$abcdefgh$" + new string('a', 86);
        Assert.Equal(new HashCost(CostFamily.Sha512Crypt, "2000"),
            HashCost.Of("{SHA512-CRYPT.B64}" + Convert.ToBase64String(Encoding.ASCII.GetBytes(inner)), out _));
        Assert.Equal(new HashCost(CostFamily.Sha512Crypt, "2000"),
            HashCost.Of("{CRYPT.HEX}" + Convert.ToHexString(Encoding.ASCII.GetBytes(inner)), out _));
        Assert.Equal(new HashCost(CostFamily.Md5Crypt, ""),
            HashCost.Of("{MD5.B64}" + Convert.ToBase64String("$1$abcdefgh$abcdefghijklmnopqrstuv"u8), out _));
        Assert.Equal(new HashCost(CostFamily.Pbkdf2, "5000"),
            HashCost.Of("{PBKDF2.B64}" + Convert.ToBase64String("$1$salt$5000$00"u8), out _));
        Assert.Equal(HashCost.Cheap, HashCost.Of("{SHA512.B64}abc=", out _));
        Assert.Equal(HashCost.Cheap, HashCost.Of("{SHA1.HEX}00", out _));
        Assert.Null(HashCost.Of("{SHA512-CRYPT.B64}!!!!", out _));
    }

    [Fact]
    public void An_empty_sha_crypt_salt_verifies_and_a_broken_one_is_malformed()
    {
        string h = Row("f0171"); // MariaDB ENCRYPT(pw, '$6$$6$…'): "$6$$" + 86 characters
        Assert.StartsWith("$6$$", h);
        Assert.Equal(VerifyResult.Match, PasswordVerifier.Verify(CryptMode.Crypt, Pw, h));
        Assert.Equal(VerifyResult.Match, Auto("{SHA512-CRYPT}" + h));
        Assert.Equal(VerifyResult.NoMatch, PasswordVerifier.Verify(CryptMode.Crypt, "test12"u8, h));
        Assert.Equal(VerifyResult.Malformed, PasswordVerifier.Verify(CryptMode.Crypt, Pw, h[..^1]));
        Assert.Equal(VerifyResult.Malformed, PasswordVerifier.Verify(CryptMode.Crypt, Pw, "$6$$"));
        Assert.Equal(new HashCost(CostFamily.Sha512Crypt, "5000"), HashCost.Of(h, out _));
    }

    /// <summary>{DIGEST-MD5}: doveadm pw -s DIGEST-MD5 -u NAME made now; the name is split at its
    /// last '@' into user and realm, so another name (or none) does not match.</summary>
    [Theory]
    [InlineData("alice@example.test")]
    [InlineData("bob")]                  // no realm
    [InlineData("carol@sub@example.test")] // realm after the last '@'
    public void Digest_md5_hashes_the_login_name_in(string user)
    {
        if (!ReferenceTool.Available("doveadm")) return;
        foreach (var pw in new[] { "test123", "pässwörd 密码" })
        {
            string hash = ReferenceTool.Run("doveadm", ["pw", "-s", "DIGEST-MD5", "-u", user, "-p", pw]);
            byte[] p = Encoding.UTF8.GetBytes(pw);
            var opts = new VerifyOptions { UserName = user };
            Assert.Equal(VerifyResult.Match, PasswordVerifier.Verify(CryptMode.Auto, p, hash, opts));
            Assert.Equal(VerifyResult.NoMatch, PasswordVerifier.Verify(CryptMode.Auto, [.. p, (byte)'x'], hash, opts));
            Assert.Equal(VerifyResult.NoMatch, PasswordVerifier.Verify(CryptMode.Auto, p, hash, opts with { UserName = user + "x" }));
            Assert.Equal(VerifyResult.Unsupported, PasswordVerifier.Verify(CryptMode.Auto, p, hash));
            // .B64 (and Dovecot's guess for a 24-character value) is the same digest in base64
            string b64 = "{DIGEST-MD5.B64}" + Convert.ToBase64String(Convert.FromHexString(hash["{DIGEST-MD5}".Length..]));
            Assert.Equal(VerifyResult.Match, PasswordVerifier.Verify(CryptMode.Auto, p, b64, opts));
            Assert.Equal(VerifyResult.Match, PasswordVerifier.Verify(CryptMode.Auto, p, b64.Replace(".B64", ""), opts));
        }
        Assert.Equal(VerifyResult.Malformed, PasswordVerifier.Verify(CryptMode.Auto, Pw, "{DIGEST-MD5}abc", new VerifyOptions { UserName = user }));
    }

    /// <summary>yescrypt settings with p and t made now by libxcrypt (Python ctypes, Debian's python3):
    /// a match, and a near miss that does not.</summary>
    [Theory]
    [InlineData("jA.0./")]
    [InlineData("j8T/1")]
    [InlineData("j75./")]
    public void Libxcrypt_yescrypt_with_parameters_made_now(string field)
    {
        const string py = "/usr/bin/python3";
        if (!File.Exists(py))
        {
            Assert.Fail("Debian's python3 is needed (apt-get install -y python3)");
            return;
        }
        foreach (var pw in new[] { "a"u8.ToArray(), Encoding.UTF8.GetBytes("pässwörd 密码"), [0xff, 0xfe, (byte)'x'] })
        {
            string hash = ReferenceTool.Run(py, ["-c",
                "import ctypes,sys; c=ctypes.CDLL('libcrypt.so.1'); c.crypt.restype=ctypes.c_char_p; " +
                "c.crypt_gensalt.restype=ctypes.c_char_p; s=c.crypt_gensalt(b'$y$',0,None,0).decode().split('$')[3]; " +
                "print(c.crypt(sys.stdin.buffer.read(), ('$y$'+sys.argv[1]+'$'+s).encode()).decode())", field], pw);
            Assert.StartsWith("$y$" + field + "$", hash);
            Assert.Equal(VerifyResult.Match, PasswordVerifier.Verify(CryptMode.Crypt, pw, hash));
            Assert.Equal(VerifyResult.Match, PasswordVerifier.Verify(CryptMode.Auto, pw, hash));
            byte[] miss = [.. pw, (byte)'!'];
            Assert.Equal(VerifyResult.NoMatch, PasswordVerifier.Verify(CryptMode.Crypt, miss, hash));
        }
    }
}
