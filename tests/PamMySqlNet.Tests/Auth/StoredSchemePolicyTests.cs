namespace PamMySqlNet.Tests.Auth;

/// <summary>default_scheme (bare values read as one Dovecot scheme) and weak_schemes (allow, log, refuse).</summary>
public class StoredSchemePolicyTests
{
    // All of "S3cret!". Made by:
    //   printf %s 'S3cret!' | md5sum
    private const string Md5Hex = "a3fab73d4603441e5a7acd86a4b03f15";
    //   doveadm pw -s SSHA512 -p 'S3cret!'   (prefix stripped, as ViMbAdmin stores it)
    private const string Ssha512Bare = "4bfYiQ0rGoq4L0iX9/Gm4m9Zj396ME1qcHUc+QKseFw7cMRerBJwQNPBTXrYQkMXmm3ry/ux6Fsp8ERUM91EN1fX7+Y=";
    //   doveadm pw -s SHA512-CRYPT -p 'S3cret!'
    internal const string Sha512Crypt = "$6$VAsycTBEmAEVJnAw$y8ZgPSqOH7tabdyq7KGa3tPTji9KKTWt2cC399gbbuQ2xoA53b.f.o.1r/JcE0tf.q7jJcW5f4vYPBIlc9Ugz0";
    //   openssl passwd -1 -salt Zx3QpL0a 'S3cret!'
    internal const string Md5Crypt = "$1$Zx3QpL0a$khRMgUIOFjtmgLE04xBsi.";
    //   mkpasswd -m des -S Zx 'S3cret!'
    private const string Des = "ZxWX4Yj7MeYvs";
    //   printf %s 'S3cret!' | openssl dgst -sha1 -binary | openssl dgst -sha1   (MySQL 4.1 PASSWORD(), upper case)
    private const string MySql41 = "*52A04EF78765E21ADCF174CC2A6E22A12FB7401A";
    //   doveadm pw -s ARGON2ID -p 'S3cret!'
    internal const string Argon2Id = "{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$zvYhwxCIHEWYChpOnQlnXw$G7OZzPDqVkgMji2teLH++dmm7PVvjB7HNQdZ716qouQ";
    //   doveadm pw -s PBKDF2 -p 'S3cret!'
    private const string Pbkdf2 = "{PBKDF2}$1$jfQxTW34qgW559Gt$5000$7f917215c279ba0557f928c63683e989b31d5bc7";
    //   doveadm pw -s BLF-CRYPT -r 5 -p 'S3cret!'
    private const string BlfCrypt = "{BLF-CRYPT}$2y$05$zLIBwW1mC43t752sp7b2Q.jmqzHzz7PScD2znHIUREn1rOWIsqPey";

    private sealed class OneRow(string stored) : IUserStore
    {
        public UserLookup Lookup(string userName) => new(LookupStatus.Found, stored);
        public WriteResult UpdatePassword(string userName, string newStoredPassword) => new(WriteStatus.Failed);
        public WriteResult WriteLog(LogRow row) => new(WriteStatus.Done);
    }

    private static (PamCode Code, ListLog Log) Login(string stored, string typed, params string[] extra) =>
        MailboxLogins.Login(new OneRow(stored), typed, extra);

    [Fact]
    public void BareValuesAreReadAsTheDefaultSchemePrefixedOnesByTheirPrefix()
    {
        Assert.Equal(PamCode.Success, Login(Ssha512Bare, "S3cret!", "crypt=auto", "default_scheme=SSHA512").Code);
        Assert.Equal(PamCode.AuthErr, Login(Ssha512Bare, "wrong", "crypt=auto", "default_scheme=SSHA512").Code);
        Assert.Equal(PamCode.Success, Login("{SHA512-CRYPT}" + Sha512Crypt, "S3cret!", "crypt=auto", "default_scheme=SSHA512").Code);
        // Without the option the bare base64 value is no shape crypt=auto knows.
        Assert.Equal(PamCode.AuthErr, Login(Ssha512Bare, "S3cret!", "crypt=auto").Code);
    }

    /// <summary>PostfixAdmin 3.x wrote raw cleartext, 4.x writes {CLEARTEXT}: one table, both readable.</summary>
    [Fact]
    public void ATableOfRawAndPrefixedCleartextIsReadable()
    {
        Assert.Equal(PamCode.Success, Login("S3cret!", "S3cret!", "crypt=auto", "default_scheme=PLAIN").Code);
        Assert.Equal(PamCode.Success, Login("{CLEARTEXT}S3cret!", "S3cret!", "crypt=auto", "default_scheme=PLAIN").Code);
        // A cleartext password that happens to look like a digest is still cleartext.
        Assert.Equal(PamCode.Success, Login(Md5Hex, Md5Hex, "crypt=auto", "default_scheme=PLAIN").Code);
        Assert.Equal(PamCode.AuthErr, Login(Md5Hex, "S3cret!", "crypt=auto", "default_scheme=PLAIN").Code);
    }

    [Theory]
    [InlineData("sha512-crypt", "SHA512-CRYPT")]
    [InlineData("{SSHA512}", "SSHA512")]
    [InlineData("PLAIN-MD5.HEX", "PLAIN-MD5.HEX")]
    public void SchemeNamesAreDovecots(string given, string stored) => Assert.Equal(stored, MailboxLogins.Parse("crypt=auto", $"default_scheme={given}").DefaultScheme);

    [Theory]
    [InlineData("crypt=auto", "default_scheme=NOPE", "unknown default_scheme")]
    [InlineData("crypt=auto", "default_scheme=SHA512.ZIP", "unknown default_scheme")]
    [InlineData("crypt=1", "default_scheme=PLAIN", "needs crypt=auto")]
    [InlineData("crypt=0", "default_scheme=SSHA512", "needs crypt=auto")]
    public void BadDefaultSchemesAreConfigurationErrors(string crypt, string option, string expected) =>
        Assert.Contains(OptionParser.Parse([.. MailboxLogins.Args, crypt, option]).Errors, e => e.Contains(expected));

    [Theory]
    [InlineData(null, "$6$salt$hash", "$6$salt$hash")]
    [InlineData("CRYPT", "$6$salt$hash", "$6$salt$hash")]
    [InlineData("SHA512-CRYPT", "$6$salt$hash", "$6$salt$hash")]
    [InlineData("SHA512-CRYPT", "$2b$12$hash", "{CRYPT}$2b$12$hash")]
    [InlineData("PLAIN", "$6$salt$hash", "{CRYPT}$6$salt$hash")]
    public void NewHashesAreWrittenSoTheDefaultSchemeReadsThemBack(string? scheme, string hash, string expected) =>
        Assert.Equal(expected, DefaultScheme.ForNewHash(MailboxLogins.Parse("crypt=auto") with { DefaultScheme = scheme }, hash));

    [Theory]
    [InlineData("crypt=auto", Md5Hex, "md5-hex")]
    [InlineData("crypt=auto", Md5Crypt, "md5crypt")]
    [InlineData("crypt=auto", "{PLAIN}S3cret!", "{PLAIN}")]
    [InlineData("crypt=auto", "{SSHA512}" + Ssha512Bare, "{SSHA512}")]
    [InlineData("crypt=auto", "{CRYPT}" + Md5Crypt, "md5crypt")]
    [InlineData("crypt=auto", MySql41, "mysql41")]
    [InlineData("crypt=auto", Des, "des")]
    [InlineData("crypt=0", "S3cret!", "plain")]
    [InlineData("crypt=3", Md5Hex, "md5-hex")]
    [InlineData("crypt=1", Md5Crypt, "md5crypt")]
    public void WeakSchemesAreNamed(string crypt, string stored, string name) => Assert.Equal(name, WeakSchemes.Of(MailboxLogins.Parse(crypt), stored));

    [Theory]
    [InlineData("crypt=auto", Sha512Crypt)]
    [InlineData("crypt=auto", "{SHA512-CRYPT}" + Sha512Crypt)]
    [InlineData("crypt=auto", "{CRYPT}" + Sha512Crypt)]
    [InlineData("crypt=auto", BlfCrypt)]
    [InlineData("crypt=auto", Argon2Id)]
    [InlineData("crypt=auto", Pbkdf2)]
    [InlineData("crypt=1", Sha512Crypt)]
    [InlineData("crypt=5", "$S$Dsalt")]
    public void StrongSchemesAreNot(string crypt, string stored) => Assert.Null(WeakSchemes.Of(MailboxLogins.Parse(crypt), stored));

    /// <summary>DIGEST-MD5 is read outside the table (it needs the user name).</summary>
    [Fact]
    public void EveryWeakPrefixIsASchemeTheModuleReads() =>
        Assert.All(WeakSchemes.PrefixNames, n => Assert.Contains(n, PamMySqlNet.Hashing.DovecotSchemes.Names.Append("DIGEST-MD5")));

    [Fact]
    public void RefuseAnswersARightPasswordAsAWrongOneWithOneLineNamingTheScheme()
    {
        var (code, log) = Login(Md5Hex, "S3cret!", "crypt=auto", "weak_schemes=refuse");
        Assert.Equal(PamCode.AuthErr, code);
        var line = Assert.Single(log.Lines);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("weak scheme md5-hex (weak_schemes=refuse)", line.Message);
        Assert.DoesNotContain(Md5Hex, line.Message);
        Assert.DoesNotContain("S3cret!", line.Message);
        // A wrong password gets the same code and the ordinary line.
        var (wrong, wrongLog) = Login(Md5Hex, "nope", "crypt=auto", "weak_schemes=refuse");
        Assert.Equal(code, wrong);
        Assert.Contains("wrong password", Assert.Single(wrongLog.Lines).Message);
        // Strong schemes are let in.
        Assert.Equal(PamCode.Success, Login(Sha512Crypt, "S3cret!", "crypt=auto", "weak_schemes=refuse").Code);
    }

    [Fact]
    public void LogLetsInAndSaysSo()
    {
        var (code, log) = Login(Md5Crypt, "S3cret!", "crypt=1", "weak_schemes=log");
        Assert.Equal(PamCode.Success, code);
        Assert.Contains("weak scheme md5crypt (weak_schemes=log)", Assert.Single(log.Lines).Message);
        var (allowed, quiet) = Login(Md5Crypt, "S3cret!", "crypt=1");
        Assert.Equal(PamCode.Success, allowed);
        Assert.Empty(quiet.Lines);
    }

    /// <summary>Users on a weak row can still prove their current password and move to a new hash.</summary>
    [Fact]
    public void APasswordChangeStillAcceptsTheCurrentPasswordOnAWeakRow()
    {
        PamCode Change(string typed) => ModuleEntry.Run(
            new ModuleRequest(PamOperation.ChAuthTok, PamFlags.PrelimCheck, [.. MailboxLogins.Args, "crypt=auto", "weak_schemes=refuse"],
                "alice@example.test", "passwd", null, CallerUid: 1000),
            new MailboxLogins.Typed(typed, earlier: true), new ListLog(), (_, _, _) => new OneRow(Md5Hex));
        Assert.Equal(PamCode.Success, Change("S3cret!"));
        Assert.Equal(PamCode.AuthErr, Change("wrong"));
    }

    [Fact]
    public void TheDefaultSchemeDecidesWeakness() =>
        Assert.Equal("{PLAIN}", WeakSchemes.Of(MailboxLogins.Parse("crypt=auto"), DefaultScheme.Apply(MailboxLogins.Parse("crypt=auto", "default_scheme=PLAIN"), Md5Hex)));

    [Theory]
    [InlineData("allow", WeakSchemePolicy.Allow)]
    [InlineData("LOG", WeakSchemePolicy.Log)]
    [InlineData("refuse", WeakSchemePolicy.Refuse)]
    public void PolicyNames(string value, WeakSchemePolicy policy) => Assert.Equal(policy, MailboxLogins.Parse($"weak_schemes={value}").WeakSchemes);

    [Fact]
    public void AnUnknownPolicyIsAnError() =>
        Assert.Contains(OptionParser.Parse([.. MailboxLogins.Args, "weak_schemes=maybe"]).Errors, e => e.Contains("unknown weak_schemes"));
}
