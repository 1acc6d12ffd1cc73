using System.Diagnostics;

namespace PamMySqlNet.Tests.Auth;

/// <summary>The unknown-user dummies: constant, well-formed, of the rows' scheme and cost, never made
/// by hashing at request time.</summary>
[Collection(nameof(DummyHashesTests))] // shares the process-wide memory of seen costs
public class DummyHashesTests
{
    private static ModuleSettings Settings(CryptMode crypt, bool blowfish = false, int? rounds = null, string table = "dummy_tests") =>
        new() { Crypt = crypt, Blowfish = blowfish, Rounds = rounds, Table = table, PasswdColumn = "password", Database = "postfix" };

    private static readonly byte[] Typed = "not-the-password"u8.ToArray();

    [Fact]
    public void EveryTemplateIsAWellFormedValueOfItsFamilyThatTheTypedPasswordDoesNotMatch()
    {
        foreach (var (family, template) in DummyHashes.Templates)
        {
            Assert.Equal(VerifyResult.NoMatch, SchemeRegistry.VerifyAuto(Typed, template, VerifyOptions.Default));
            Assert.Equal(family, HashCost.Of(template, out _)!.Family);
        }
        Assert.Equal(Enum.GetValues<CostFamily>().Length, DummyHashes.Templates.Count);
    }

    [Theory]
    [InlineData("$1$Zx3QpL0a$khRMgUIOFjtmgLE04xBsi.", CostFamily.Md5Crypt, "")]
    [InlineData("$6$rounds=1000$abc$x", CostFamily.Sha512Crypt, "1000")]
    [InlineData("$5$abc$x", CostFamily.Sha256Crypt, "5000")]
    [InlineData("{SHA512-CRYPT}$6$rounds=2000$abc$x", CostFamily.Sha512Crypt, "2000")]
    [InlineData("$2y$04$Rf7VLb81qjr9NL0pmNmMj.ASAbpBxhK2D5uvpBYFjscR8elTlRbJm", CostFamily.BCrypt, "04")]
    [InlineData("$argon2i$m=1024,t=2,p=2$c2FsdHNhbHQ$aGFzaGhhc2g", CostFamily.Argon2, "argon2i,v=16,m=1024,t=2,p=2")]
    [InlineData("$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", CostFamily.Argon2, "argon2id,v=19,m=4096,t=1,p=1")]
    [InlineData("$y$j75$salt$hash", CostFamily.Yescrypt, "j75")]
    [InlineData("$gy$j9T$salt$hash", CostFamily.Yescrypt, "j9T")]
    [InlineData("$y$jA.0./$salt$hash", CostFamily.Yescrypt, "jA.0./")]
    [InlineData("{ARGON2}$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", CostFamily.Argon2, "argon2id,v=19,m=4096,t=1,p=1")]
    // base64 of "$6$rounds=3000$abc$x": PostfixAdmin's {SHA512-CRYPT.B64}
    [InlineData("{SHA512-CRYPT.B64}JDYkcm91bmRzPTMwMDAkYWJjJHg=", CostFamily.Sha512Crypt, "3000")]
    [InlineData("$7$6U..../....salt$hash", CostFamily.Scrypt, "6U..../....")]
    [InlineData("$P$912345678abcdefghijklmnopqrstuv", CostFamily.PhPassMd5, "9")]
    [InlineData("U$S$D12345678aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", CostFamily.PhPassSha512, "D")]
    [InlineData("$md5,rounds=1234$salt$$hash", CostFamily.SunMd5, "1234")]
    [InlineData("$sha1$4321$salt$hash", CostFamily.Sha1Crypt, "4321")]
    [InlineData("_J9..gMnQ7r4d3O.5Ftc", CostFamily.Bsdi, "725")]
    [InlineData("{PBKDF2}$1$salt$2000$00", CostFamily.Pbkdf2, "2000")]
    [InlineData("{SCRAM-SHA-256}5000,c2FsdA==,a,b", CostFamily.ScramSha256, "5000")]
    [InlineData("5f4dcc3b5aa765d61d8327deb882cf99", CostFamily.Cheap, "")]
    [InlineData("{SSHA}abc", CostFamily.Cheap, "")]
    [InlineData("ab01234567890", CostFamily.Cheap, "")]
    public void TheCostOfAStoredValueIsItsSchemeAndCostField(string stored, CostFamily family, string parameters)
    {
        Assert.Equal(new HashCost(family, parameters), HashCost.Of(stored, out string? overCap));
        Assert.Null(overCap);
    }

    /// <summary>Costs kept small so the test is fast; the derived dummy has exactly the asked cost and verifies.</summary>
    [Theory]
    [InlineData(CostFamily.Sha512Crypt, "1000")]
    [InlineData(CostFamily.Sha256Crypt, "12345")]
    [InlineData(CostFamily.BCrypt, "04")]
    [InlineData(CostFamily.Argon2, "argon2i,v=16,m=256,t=1,p=2")]
    [InlineData(CostFamily.Argon2, "argon2id,v=19,m=1024,t=2,p=1")]
    [InlineData(CostFamily.Yescrypt, "j75")]
    [InlineData(CostFamily.Yescrypt, "j75./")]
    [InlineData(CostFamily.Scrypt, "6U..../....")]
    [InlineData(CostFamily.PhPassMd5, "7")]
    [InlineData(CostFamily.PhPassSha512, "7")]
    [InlineData(CostFamily.SunMd5, "10")]
    [InlineData(CostFamily.Sha1Crypt, "10")]
    [InlineData(CostFamily.Bsdi, "7")]
    [InlineData(CostFamily.Pbkdf2, "100")]
    [InlineData(CostFamily.ScramSha1, "100")]
    [InlineData(CostFamily.ScramSha256, "100")]
    public void ADerivedDummyHasTheAskedCostAndIsWellFormed(CostFamily family, string parameters)
    {
        var cost = new HashCost(family, parameters);
        string dummy = DummyHashes.Build(cost);
        Assert.Equal(cost, HashCost.Of(dummy, out _));
        Assert.Equal(VerifyResult.NoMatch, SchemeRegistry.VerifyAuto(Typed, dummy, VerifyOptions.Default));
    }

    [Fact]
    public void WithNothingSeenTheConfiguredSchemeAtItsDefaultCostIsUsed()
    {
        DummyHashes.Reset();
        string? none = null;
        Assert.Equal(new HashCost(CostFamily.Sha512Crypt, "5000"), DummyHashes.CostFor(Settings(CryptMode.Crypt), none));
        Assert.Equal(new HashCost(CostFamily.BCrypt, "11"), DummyHashes.CostFor(Settings(CryptMode.Crypt, blowfish: true, rounds: 11), none));
        Assert.Equal(new HashCost(CostFamily.BCrypt, "12"), DummyHashes.CostFor(Settings(CryptMode.Auto, blowfish: true), none));
        Assert.Equal(new HashCost(CostFamily.PhPassSha512, "D"), DummyHashes.CostFor(Settings(CryptMode.Drupal7), none));
        Assert.Equal(HashCost.Cheap, DummyHashes.CostFor(Settings(CryptMode.MySql), none));
    }

    [Fact]
    public void AFreshProcessUsesTheCostOfTheSampledRowAndThenRemembersIt()
    {
        DummyHashes.Reset();
        var s = Settings(CryptMode.Crypt); // no blowfish: new passwords would be sha512crypt
        Assert.False(DummyHashes.Knows(s));
        // mkpasswd -m bcrypt -R 10 (any row of the table)
        Assert.Equal(new HashCost(CostFamily.BCrypt, "10"), DummyHashes.CostFor(s, "$2b$10$y6z2VBs/TdJni2EaooYgdOt/lHvM1MAnsi.bgC.6oh6Tpm7qaeOHi"));
        Assert.True(DummyHashes.Knows(s));
        Assert.Equal(new HashCost(CostFamily.BCrypt, "10"), DummyHashes.CostFor(s, null));
    }

    [Fact]
    public void TheLastVerifiedRowDecidesPerTable()
    {
        DummyHashes.Reset();
        string? none = null;
        var mailbox = Settings(CryptMode.Crypt);
        var other = Settings(CryptMode.Crypt, table: "dummy_other");
        DummyHashes.Observe(mailbox, "$6$rounds=20000$abc$x");
        Assert.Equal(new HashCost(CostFamily.Sha512Crypt, "20000"), DummyHashes.CostFor(mailbox, none));
        DummyHashes.Observe(mailbox, "$1$Zx3QpL0a$khRMgUIOFjtmgLE04xBsi.");
        Assert.Equal(new HashCost(CostFamily.Md5Crypt, ""), DummyHashes.CostFor(mailbox, none));
        Assert.Equal(new HashCost(CostFamily.Sha512Crypt, "5000"), DummyHashes.CostFor(other, none));
    }

    [Fact]
    public void ModesThatNeverHashUseACheapDummyWhateverTheValueLooksLike()
    {
        DummyHashes.Reset();
        var plain = Settings(CryptMode.Plain);
        DummyHashes.Observe(plain, "$2b$14$y6z2VBs/TdJni2EaooYgdOt/lHvM1MAnsi.bgC.6oh6Tpm7qaeOHi");
        Assert.Equal(HashCost.Cheap, DummyHashes.CostFor(plain, null));
    }

    [Fact]
    public void ValuesOverACapAreNotRemembered()
    {
        DummyHashes.Reset();
        var s = Settings(CryptMode.Crypt);
        DummyHashes.Observe(s, "$2b$20$y6z2VBs/TdJni2EaooYgdOt/lHvM1MAnsi.bgC.6oh6Tpm7qaeOHi");
        Assert.Equal(new HashCost(CostFamily.Sha512Crypt, "5000"), DummyHashes.CostFor(s, "$6$rounds=999999999$abc$x"));
    }

    /// <summary>The dummy costs one verify, not a hash plus a verify (the old dummy was made at request time).</summary>
    [Fact]
    public void AnUnknownUserCostsAboutOneVerifyOfTheRowsCost()
    {
        DummyHashes.Reset();
        // mkpasswd -m sha512crypt -R 200000 x
        const string row = "$6$rounds=200000$G5JTq4iTspLyNRD4$nyGck0y0beTjkbHazx.MD62hW9l3Dxp4MxtpiCAPdl1X4C2aZZl/MjwM4zOAKbPRX/MNwXdFXu9M3TeatcvuB/";
        var s = Settings(CryptMode.Crypt, blowfish: true, rounds: 14); // configured bcrypt-14 would be ~1 s
        // Interleaved, and the fastest of each: other work on the machine only ever adds time.
        double verify = double.MaxValue, dummy = double.MaxValue;
        for (int i = 0; i < 7; i++)
        {
            verify = Math.Min(verify, Time(() => PasswordVerifier.Verify(CryptMode.Crypt, Typed, row)));
            dummy = Math.Min(dummy, Time(() => DummyHashes.VerifyAgainstDummy(s, Typed, row)));
        }
        Assert.InRange(dummy / verify, 0.6, 1.6);
    }

    private static double Time(Action a)
    {
        var sw = Stopwatch.StartNew();
        a();
        return sw.Elapsed.TotalMilliseconds;
    }
}
