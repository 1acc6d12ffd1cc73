using PamMySqlNet.CommandLine;
using System.Text;
using PamMySqlNet.Cli;
using PamMySqlNet.Cli.Commands;

namespace PamMySqlNet.Tests.Cli;

public class ArgReaderTests
{
    private static readonly string[] Values = ["--crypt", "--rounds"];
    private static readonly string[] Flags = ["--strip-newline"];

    [Fact]
    public void Reads_values_flags_and_positionals()
    {
        Assert.True(ArgReader.TryParse(["--crypt", "1", "--strip-newline", "--rounds=7", "$1$x$y"], Values, Flags, out var a, out _));
        Assert.Equal("1", a.Value("--crypt"));
        Assert.Equal("7", a.Value("--rounds"));
        Assert.True(a.Flag("--strip-newline"));
        Assert.Equal(["$1$x$y"], a.Positionals);
        Assert.False(a.Help);
    }

    [Fact]
    public void Double_dash_ends_options()
    {
        Assert.True(ArgReader.TryParse(["--", "--crypt"], Values, Flags, out var a, out _));
        Assert.Null(a.Value("--crypt"));
        Assert.Equal(["--crypt"], a.Positionals);
    }

    [Theory]
    [InlineData("unknown option --bogus", "--bogus")]
    [InlineData("option --crypt needs a value", "--crypt")]
    [InlineData("option --crypt given twice", "--crypt", "1", "--crypt=2")]
    [InlineData("option --strip-newline takes no value", "--strip-newline=1")]
    public void Errors_are_one_clear_line(string expected, params string[] args)
    {
        Assert.False(ArgReader.TryParse(args, Values, Flags, out _, out string error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Help_anywhere()
    {
        Assert.True(ArgReader.TryParse(["x", "-h"], Values, Flags, out var a, out _));
        Assert.True(a.Help);
    }
}

public class CliCommandTests
{
    private sealed record Run(int Exit, string Out, string Err);

    private static Run Invoke(byte[] stdin, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var io = new CliContext { Stdin = new MemoryStream(stdin), Stdout = o, Stderr = e };
        int rc = Program.Dispatch(args, io);
        return new Run(rc, o.ToString(), e.ToString());
    }

    private static Run Invoke(string stdin, params string[] args) => Invoke(Encoding.UTF8.GetBytes(stdin), args);


    [Fact]
    public void Verify_reads_stdin_exactly()
    {
        string stored = Md5Crypt.Hash("S3cret!"u8, "zN2gVb6t");
        Assert.Equal(0, Invoke("S3cret!", "verify", stored).Exit);
        var withNewline = Invoke("S3cret!\n", "verify", stored);
        Assert.Equal(1, withNewline.Exit);
        Assert.Equal("no match\n", withNewline.Out);
        Assert.Equal(0, Invoke("S3cret!\n", "verify", "--strip-newline", stored).Exit);
        Assert.Equal(1, Invoke("S3cret!\n\n", "verify", "--strip-newline", stored).Exit); // only one newline
        Assert.Equal(0, Invoke("S3cret!", "verify", "--crypt", "1", stored).Exit);
        Assert.Equal(0, Invoke("S3cret!", "verify", "--crypt=crypt", stored).Exit);
    }

    /// <summary>{DIGEST-MD5} hashes the login name in: --user gives it. The value is PostfixAdmin's
    /// published test vector (tests/PacryptTest.php: doveadm pw -s DIGEST-MD5 -u test@mail.com, "test").</summary>
    [Fact]
    public void Verify_takes_the_login_name_for_digest_md5()
    {
        const string stored = "{DIGEST-MD5}dad736686b7d1f1db09f3dc9ff538e03";
        Assert.Equal(0, Invoke("test", "verify", "--user", "test@mail.com", stored).Exit);
        Assert.Equal(1, Invoke("test", "verify", "--user", "test@mail.org", stored).Exit);
        Assert.Equal(1, Invoke("tesT", "verify", "--user", "test@mail.com", stored).Exit);
        var without = Invoke("test", "verify", stored);
        Assert.Equal(2, without.Exit);
        Assert.Contains("not supported", without.Err);
    }

    [Fact]
    public void Verify_never_prints_password_or_hash()
    {
        string stored = Md5Crypt.Hash("S3cret!"u8, "zN2gVb6t");
        foreach (var r in new[] { Invoke("S3cret!", "verify", stored), Invoke("S3cret!", "verify", "--crypt", "2", stored),
                     Invoke("S3cret!", "verify", stored[..20]) })
        {
            Assert.DoesNotContain("S3cret", r.Out + r.Err);
            Assert.DoesNotContain("zN2gVb6t", r.Out + r.Err);
        }
    }

    [Theory]
    [InlineData("$1$abc")]                  // malformed
    [InlineData("{NOSUCH}abc")]             // unsupported scheme
    [InlineData("")]
    public void Verify_unusable_hash_is_2_with_one_line(string stored)
    {
        var r = Invoke("x", "verify", "--", stored);
        Assert.Equal(2, r.Exit);
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("pam-mysql-net verify: unusable hash", r.Err);
    }

    [Theory]
    [InlineData("verify")]
    [InlineData("verify", "--crypt", "bogus", "x")]
    [InlineData("verify", "a", "b")]
    [InlineData("verify", "--nope", "x")]
    [InlineData("hash", "--scheme", "des")]
    [InlineData("hash", "--scheme", "md5crypt", "--rounds", "5000")]
    [InlineData("hash", "--rounds", "999")]
    [InlineData("hash", "--rounds", "-1")]
    [InlineData("hash", "--memory", "1024")]
    [InlineData("hash", "password-on-the-command-line")]
    [InlineData("bogus")]
    [InlineData]
    public void Usage_errors_are_2_with_one_line(params string[] args)
    {
        var r = Invoke("pw", args);
        Assert.Equal(2, r.Exit);
        Assert.Equal("", r.Out);
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    [InlineData("help", "verify")]
    [InlineData("verify", "--help")]
    [InlineData("hash", "-h")]
    public void Help_is_printed_with_exit_codes(params string[] args)
    {
        var r = Invoke("", args);
        Assert.Equal(0, r.Exit);
        Assert.Contains("exit status", r.Out);
    }

    [Theory]
    [InlineData("md5crypt", "$1$")]
    [InlineData("sha256crypt", "$5$")]
    [InlineData("sha512crypt", "$6$")]
    [InlineData("bcrypt", "$2b$04$", "--rounds", "4")]
    [InlineData("argon2id", "$argon2id$v=19$m=64,t=1,p=1$", "--rounds", "1", "--memory", "64")]
    public void Hash_output_verifies_in_auto_and_crypt(string scheme, string prefix, params string[] extra)
    {
        var r = Invoke("pässwörd\n", ["hash", "--scheme", scheme, .. extra]);
        Assert.Equal(0, r.Exit);
        string stored = r.Out.TrimEnd('\n');
        Assert.StartsWith(prefix, stored);
        Assert.Equal(VerifyResult.Match, PasswordVerifier.Verify(PamMySqlNet.Options.CryptMode.Auto, "pässwörd"u8, stored));
        Assert.Equal(0, Invoke("pässwörd", "verify", stored).Exit);
        if (scheme != "argon2id")
            Assert.Equal(0, Invoke("pässwörd", "verify", "--crypt", "1", stored).Exit);
    }

    [Fact]
    public void Hash_default_is_sha512crypt_and_strips_one_newline()
    {
        var r = Invoke("secret\n", "hash");
        Assert.Equal(0, r.Exit);
        Assert.StartsWith("$6$", r.Out);
        Assert.Equal(0, Invoke("secret", "verify", r.Out.TrimEnd('\n')).Exit);
        var kept = Invoke("secret\n", "hash", "--keep-newline", "--scheme", "md5crypt").Out.TrimEnd('\n');
        Assert.Equal(1, Invoke("secret", "verify", kept).Exit);
        Assert.Equal(0, Invoke("secret\n", "verify", kept).Exit);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("a\0b\n")]
    [InlineData("one\ntwo\n")]
    public void Hash_refuses_unusable_passwords(string stdin)
    {
        var r = Invoke(stdin, "hash", "--scheme", "md5crypt");
        Assert.Equal(2, r.Exit);
        Assert.Equal("", r.Out);
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Verify_accepts_bytes_that_are_not_utf8()
    {
        byte[] pw = [0xE4, 0x62, 0xFF];
        string stored = ShaCrypt.Hash(pw, "saltsalt", null, is512: true);
        Assert.Equal(0, Invoke(pw, "verify", stored).Exit);
        Assert.Equal(1, Invoke([0xE4, 0x62], "verify", stored).Exit);
    }
}
