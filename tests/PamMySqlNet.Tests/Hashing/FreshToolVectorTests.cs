using System.Security.Cryptography;
using System.Text;

namespace PamMySqlNet.Tests.Hashing;

/// <summary>
/// Hashes made now by reference tools for random passwords (empty, 72/73/256 bytes, UTF-8,
/// non-UTF-8 where the tool reads stdin), checked for a match and for a near miss.
/// </summary>
public class FreshToolVectorTests
{
    private static readonly VerifyOptions Opt = VerifyOptions.Default;

    /// <summary>Passwords: fixed edge cases plus random ones.</summary>
    private static List<byte[]> Passwords(bool utf8Only, bool allowEmpty = true, int randomCount = 3)
    {
        var list = new List<byte[]>();
        if (allowEmpty) list.Add([]);
        list.Add("a"u8.ToArray());
        list.Add(Encoding.UTF8.GetBytes("pässwörd ünd 密码 🔑"));
        list.Add(RandomAscii(72));
        list.Add(RandomAscii(73));
        list.Add(RandomAscii(256));
        if (!utf8Only) list.Add([0xff, 0xfe, 0x80, (byte)'x', 0xe9]);
        for (int i = 0; i < randomCount; i++)
            list.Add(RandomAscii(RandomNumberGenerator.GetInt32(1, 40)));
        return list;
    }

    private static byte[] RandomAscii(int n)
    {
        const string chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#%&()*+,-./:;<=>?@[]^_{|}~ ";
        return Encoding.ASCII.GetBytes(RandomNumberGenerator.GetString(chars, n));
    }

    /// <summary>A password that differs from p (last byte changed, or one byte appended).</summary>
    private static byte[] NearMiss(byte[] p)
    {
        if (p.Length == 0) return "a"u8.ToArray();
        var q = (byte[])p.Clone();
        q[^1] = (byte)(q[^1] == (byte)'x' ? 'y' : 'x');
        return q;
    }

    /// <summary>
    /// Match in every mode; the near miss must not match — except for passwords longer than
    /// <paramref name="significant"/> bytes where the change is past the bytes the scheme reads.
    /// </summary>
    private static void Check(byte[] pw, string hash, int significant, params CryptMode[] modes)
    {
        foreach (var mode in modes.Append(CryptMode.Auto))
        {
            Assert.True(VerifyResult.Match == PasswordVerifier.Verify(mode, pw, hash, Opt),
                $"{mode}: {hash} should match {Convert.ToBase64String(pw)}: {PasswordVerifier.Verify(mode, pw, hash, Opt)}");
            byte[] miss = NearMiss(pw);
            var r = PasswordVerifier.Verify(mode, miss, hash, Opt);
            if (pw.Length <= significant)
                Assert.True(r == VerifyResult.NoMatch, $"{mode}: {hash} near miss gave {r}");
            else
                Assert.True(r == VerifyResult.Match, $"{mode}: {hash}: change past byte {significant} must not count, gave {r}");
        }
    }

    [Theory]
    [InlineData("md5crypt", null)]
    [InlineData("sha256crypt", null)]
    [InlineData("sha512crypt", null)]
    [InlineData("sha256crypt", "1000")]
    [InlineData("sha512crypt", "12345")]
    [InlineData("bcrypt", "5")]
    [InlineData("bcrypt-a", "4")]
    [InlineData("yescrypt", "3")]
    [InlineData("descrypt", null)]
    [InlineData("bsdicrypt", null)]
    public void Mkpasswd(string method, string? rounds)
    {
        if (!ReferenceTool.Available("mkpasswd")) return;
        int significant = method.StartsWith("bcrypt") ? 72 : method == "descrypt" ? 8 : int.MaxValue;
        foreach (var pw in Passwords(utf8Only: false))
        {
            if (pw.Length == 0 && method == "descrypt") continue;
            var args = new List<string> { "-m", method, "-s" };
            if (rounds is not null) { args.Add("-R"); args.Add(rounds); }
            string hash = ReferenceTool.Run("mkpasswd", args, pw);
            Check(pw, hash, significant, CryptMode.Crypt);
        }
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-5")]
    [InlineData("-6")]
    [InlineData("-apr1")]
    public void Openssl_passwd(string flag)
    {
        if (!ReferenceTool.Available("openssl")) return;
        foreach (var pw in Passwords(utf8Only: false))
        {
            // OpenSSL 3.0 prints "<NULL>" for sha-crypt of an empty password (its own bug).
            if (pw.Length == 0 && flag is "-5" or "-6") continue;
            // -stdin reads one line: the password plus a newline.
            string hash = ReferenceTool.Run("openssl", ["passwd", flag, "-stdin"], [.. pw, (byte)'\n']);
            Check(pw, hash, int.MaxValue, flag == "-apr1" ? [] : [CryptMode.Crypt]);
        }
    }

    [Theory]
    [InlineData("-B")]
    [InlineData("-m")]
    [InlineData("-s")]
    public void Htpasswd(string flag)
    {
        if (!ReferenceTool.Available("htpasswd")) return;
        foreach (var pw in Passwords(utf8Only: false))
        {
            if (pw.Length > 255) continue; // htpasswd -i reads at most 255 bytes
            var args = new List<string> { "-n", "-i", flag };
            if (flag == "-B") { args.Add("-C"); args.Add("5"); }
            args.Add("u");
            string line = ReferenceTool.Run("htpasswd", args, pw);
            string hash = line[(line.IndexOf(':') + 1)..];
            Check(pw, hash, flag == "-B" ? 72 : int.MaxValue, flag == "-B" ? [CryptMode.Crypt] : []);
        }
    }

    public static TheoryData<string> DovecotSchemeNames() => new(
        "SHA512-CRYPT", "SHA256-CRYPT", "MD5", "MD5-CRYPT", "BLF-CRYPT", "CRYPT", "SSHA", "SSHA256", "SSHA512",
        "SMD5", "PLAIN-MD5", "LDAP-MD5", "SHA", "SHA1", "SHA256", "SHA512", "PBKDF2", "CRAM-MD5",
        "SCRAM-SHA-1", "SCRAM-SHA-256", "PLAIN-MD4", "PLAIN", "SHA256.HEX", "SSHA.HEX", "PLAIN-MD5.B64",
        "SHA512-CRYPT.B64", "ARGON2I", "ARGON2ID",
        // issue 14: encodings on text schemes and digests, as PostfixAdmin's dovecot:SCHEME stores them
        "SHA1.HEX", "SHA512.B64", "SHA512-CRYPT.HEX", "BLF-CRYPT.B64", "MD5.B64", "PBKDF2.B64",
        "SCRAM-SHA-256.HEX", "CRAM-MD5.B64", "ARGON2ID.B64");

    [Theory]
    [MemberData(nameof(DovecotSchemeNames))]
    public void Doveadm_pw(string scheme)
    {
        if (!ReferenceTool.Available("doveadm")) return;
        bool argon = scheme.StartsWith("ARGON2");
        foreach (var pw in Passwords(utf8Only: true, randomCount: argon ? 0 : 3))
        {
            if (argon && pw.Length > 72) continue; // keep the (slow) argon2 cases few
            var args = new List<string> { "pw", "-s", scheme, "-p", Encoding.UTF8.GetString(pw) };
            bool bcrypt = scheme.Split('.')[0] is "BLF-CRYPT" or "CRYPT";
            if (bcrypt) { args.Add("-r"); args.Add("5"); }
            string hash = ReferenceTool.Run("doveadm", args);
            Check(pw, hash, bcrypt ? 72 : int.MaxValue);
        }
    }

    [Theory]
    [InlineData("PASSWORD_BCRYPT", "['cost' => 5]")]
    [InlineData("PASSWORD_ARGON2I", "['memory_cost' => 2048, 'time_cost' => 2]")]
    [InlineData("PASSWORD_ARGON2ID", "['memory_cost' => 4096, 'time_cost' => 1, 'threads' => 1]")]
    public void Php_password_hash(string algo, string options)
    {
        if (!ReferenceTool.Available("php")) return;
        foreach (var pw in Passwords(utf8Only: false))
        {
            string hash = ReferenceTool.Run("php",
                ["-r", $"echo password_hash(file_get_contents('php://stdin'), {algo}, {options}), \"\\n\";"], pw);
            Check(pw, hash, algo == "PASSWORD_BCRYPT" ? 72 : int.MaxValue, algo == "PASSWORD_BCRYPT" ? [CryptMode.Crypt] : []);
        }
    }

    [Fact]
    public void Php_mysql_and_digest_formulas()
    {
        if (!ReferenceTool.Available("php")) return;
        foreach (var pw in Passwords(utf8Only: false))
        {
            string[] h = ReferenceTool.Run("php", ["-r",
                "$p = file_get_contents('php://stdin'); $s = bin2hex(random_bytes(8));" +
                "echo '*', strtoupper(sha1(sha1($p, true))), ' ', md5($p), ' ', sha1($p), ' ', hash('sha256', $p), ' ', " +
                "hash('sha512', $p), ' ', md5($p . $s), ':', $s, ' ', base64_encode(sha1($p . $s, true) . $s), \"\\n\";"], pw).Split(' ');
            Check(pw, h[0], int.MaxValue, CryptMode.MySql);
            Check(pw, h[1], int.MaxValue, CryptMode.Md5);
            Check(pw, h[2], int.MaxValue, CryptMode.Sha1);
            Check(pw, h[3], int.MaxValue, CryptMode.Sha256);
            Check(pw, h[4].ToUpperInvariant(), int.MaxValue, CryptMode.Sha512);
            Check(pw, h[5], int.MaxValue, CryptMode.Joomla15);
            // crypt=7's bare SSHA is not recognisable in auto (it is a plain base64 string)
            Assert.Equal(VerifyResult.Match, PasswordVerifier.Verify(CryptMode.Ssha, pw, h[6]));
            Assert.Equal(VerifyResult.NoMatch, PasswordVerifier.Verify(CryptMode.Ssha, NearMiss(pw), h[6]));
        }
    }

    [Fact]
    public void Argon2_cli()
    {
        if (!ReferenceTool.Available("argon2")) return;
        foreach (var pw in Passwords(utf8Only: false, allowEmpty: false, randomCount: 1))
        {
            if (pw.Length > 127) continue; // the CLI refuses longer passwords
            foreach (var type in new[] { "-i", "-id" })
            {
                string salt = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
                string hash = ReferenceTool.Run("argon2", [salt, type, "-t", "2", "-m", "10", "-p", "2", "-e"], pw);
                Check(pw, hash, int.MaxValue);
            }
        }
    }

    /// <summary>Our PasswordHasher's output, checked by PHP's password_verify (libxcrypt/libargon2 inside).</summary>
    [Fact]
    public void PasswordHasher_output_is_accepted_by_php()
    {
        if (!ReferenceTool.Available("php")) return;
        foreach (var pw in Passwords(utf8Only: false, randomCount: 1))
        {
            var hashes = new[]
            {
                PasswordHasher.Hash(PasswordHashScheme.Md5Crypt, pw),
                PasswordHasher.Hash(PasswordHashScheme.Sha256Crypt, pw),
                PasswordHasher.Hash(PasswordHashScheme.Sha512Crypt, pw, 1234),
                PasswordHasher.Hash(PasswordHashScheme.BCrypt, pw, 4),
                PasswordHasher.HashArgon2id(pw, 1024, 2),
            };
            foreach (var h in hashes)
            {
                string ok = ReferenceTool.Run("php", ["-r",
                    "$a = explode(\"\\n\", file_get_contents('php://stdin'), 2); " +
                    "echo password_verify(base64_decode($a[1]), $a[0]) ? 'yes' : 'no', \"\\n\";"],
                    Encoding.ASCII.GetBytes(h + "\n" + Convert.ToBase64String(pw)));
                Assert.True(ok == "yes", $"php rejects {h} for {Convert.ToBase64String(pw)}");
            }
        }
    }
}
