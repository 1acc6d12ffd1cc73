namespace PamMySqlNet.Tests.Auth;

/// <summary>rehash=: a successful login's stored value below the target is rewritten, compare-and-set,
/// without ever changing the answer.</summary>
public class RehashOnLoginTests
{
    // Vectors of "S3cret!" made by openssl and doveadm (see StoredSchemePolicyTests).
    private const string Md5Crypt = StoredSchemePolicyTests.Md5Crypt;
    private const string Sha512Crypt = StoredSchemePolicyTests.Sha512Crypt;
    private const string Argon2Id = StoredSchemePolicyTests.Argon2Id;

    private sealed class Store(string? stored, WriteStatus answer = WriteStatus.Done) : IUserStore
    {
        public List<(string User, string Old, string New)> Replaced { get; } = new();
        public UserLookup Lookup(string userName) => new(LookupStatus.Found, stored);
        public WriteResult UpdatePassword(string userName, string newStoredPassword) => throw new InvalidOperationException();
        public WriteResult ReplacePassword(string userName, string oldStoredPassword, string newStoredPassword)
        {
            Replaced.Add((userName, oldStoredPassword, newStoredPassword));
            return new WriteResult(answer, answer == WriteStatus.Done ? null : answer == WriteStatus.WrongRowCount ? "the update matched 0 rows" : "UPDATE command denied");
        }
        public WriteResult WriteLog(LogRow row) => new(WriteStatus.Done);
    }

    private static (PamCode Code, ListLog Log) Login(Store store, string typed, params string[] extra) =>
        MailboxLogins.Login(store, typed, extra);

    private static ModuleSettings Parse(params string[] extra) => MailboxLogins.Parse(extra);

    [Fact]
    public void AnMd5CryptRowBecomesShaCryptOfTheSamePassword()
    {
        var store = new Store(Md5Crypt);
        var (code, log) = Login(store, "S3cret!", "crypt=auto", "rehash=sha512");
        Assert.Equal(PamCode.Success, code);
        var (user, old, fresh) = Assert.Single(store.Replaced);
        Assert.Equal("alice@example.test", user);
        Assert.Equal(Md5Crypt, old);
        Assert.StartsWith("$6$", fresh);
        Assert.NotEqual(fresh, PasswordHasher.Hash(PasswordHashScheme.Sha512Crypt, "S3cret!"u8));
        Assert.Equal(VerifyResult.Match, PasswordVerifier.Verify(CryptMode.Auto, "S3cret!"u8, fresh));
        Assert.Equal(VerifyResult.Match, PasswordVerifier.Verify(CryptMode.Crypt, "S3cret!"u8, fresh));
        var line = Assert.Single(log.Lines, l => l.Message.Contains("rehash"));
        Assert.DoesNotContain(fresh, line.Message);
        Assert.DoesNotContain("S3cret!", line.Message);
    }

    [Fact]
    public void ArgonTargetsWriteArgon2idReadBack()
    {
        var store = new Store(Md5Crypt);
        Assert.Equal(PamCode.Success, Login(store, "S3cret!", "crypt=auto", "rehash=argon2id:1").Code);
        string fresh = Assert.Single(store.Replaced).New;
        Assert.StartsWith("$argon2id$v=19$m=65536,t=1,p=1$", fresh);
        Assert.Equal(VerifyResult.Match, PasswordVerifier.Verify(CryptMode.Auto, "S3cret!"u8, fresh));
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("")]
    public void AFailedLoginWritesNothing(string typed)
    {
        var store = new Store(Md5Crypt);
        Assert.Equal(PamCode.AuthErr, Login(store, typed, "crypt=auto", "rehash=sha512", "nullok").Code);
        Assert.Empty(store.Replaced);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void NullOkLoginsWithoutAStoredPasswordWriteNothing(string? stored)
    {
        var store = new Store(stored);
        Assert.Equal(PamCode.Success, Login(store, "", "crypt=auto", "rehash=sha512", "nullok").Code);
        Assert.Empty(store.Replaced);
    }

    [Fact]
    public void WithoutTheOptionNothingIsWritten()
    {
        var store = new Store(Md5Crypt);
        Assert.Equal(PamCode.Success, Login(store, "S3cret!", "crypt=auto").Code);
        Assert.Empty(store.Replaced);
    }

    [Theory]
    [InlineData(WriteStatus.Failed, LogLevel.Err, "rehash failed")]
    [InlineData(WriteStatus.Unavailable, LogLevel.Err, "rehash failed")]
    [InlineData(WriteStatus.WrongRowCount, LogLevel.Notice, "changed since the login read it")]
    public void AWriteThatDoesNotHappenIsOneLineAndTheLoginStillSucceeds(WriteStatus answer, LogLevel level, string text)
    {
        var store = new Store(Md5Crypt, answer);
        var (code, log) = Login(store, "S3cret!", "crypt=auto", "rehash=sha512");
        Assert.Equal(PamCode.Success, code);
        var line = Assert.Single(log.Lines, l => l.Message.Contains("rehash"));
        Assert.Equal(level, line.Level);
        Assert.Contains(text, line.Message);
    }

    [Theory]
    [InlineData(Sha512Crypt, "sha512", false)]
    [InlineData(Sha512Crypt, "sha512:5000", false)]
    [InlineData(Sha512Crypt, "sha512:10000", true)]
    [InlineData("$6$rounds=20000$salt$hash", "sha512:10000", false)]
    [InlineData("{SHA512-CRYPT}" + Sha512Crypt, "sha512", false)]
    [InlineData(Sha512Crypt, "sha256", true)]
    [InlineData(Sha512Crypt, "bcrypt", true)]
    [InlineData(Md5Crypt, "sha512", true)]
    [InlineData("a3fab73d4603441e5a7acd86a4b03f15", "sha512", true)]
    [InlineData("$2b$12$zLIBwW1mC43t752sp7b2Q.jmqzHzz7PScD2znHIUREn1rOWIsqPey", "bcrypt:12", false)]
    [InlineData("$2b$05$zLIBwW1mC43t752sp7b2Q.jmqzHzz7PScD2znHIUREn1rOWIsqPey", "bcrypt:12", true)]
    [InlineData(Argon2Id, "argon2id", false)]
    [InlineData(Argon2Id, "argon2id:4", true)]
    [InlineData("$argon2id$v=19$m=19456,t=3,p=1$zvYhwxCIHEWYChpOnQlnXw$G7OZzPDqVkgMji2teLH++dmm7PVvjB7HNQdZ716qouQ", "argon2id", true)]
    [InlineData("$argon2i$v=19$m=65536,t=3,p=1$zvYhwxCIHEWYChpOnQlnXw$G7OZzPDqVkgMji2teLH++dmm7PVvjB7HNQdZ716qouQ", "argon2id", true)]
    public void OnlyAnotherSchemeOrALowerCostIsBelowTheTarget(string stored, string option, bool below) =>
        Assert.Equal(below, RehashPolicy.IsBelow(RehashPolicy.Parse(option)!, stored));

    [Fact]
    public void AnUpToDateRowIsNotRewritten()
    {
        var store = new Store(Sha512Crypt);
        Assert.Equal(PamCode.Success, Login(store, "S3cret!", "crypt=auto", "rehash=sha512").Code);
        Assert.Empty(store.Replaced);
    }

    [Fact]
    public void WithADefaultSchemeTheNewHashCarriesItsPrefix()
    {
        var store = new Store("{MD5-CRYPT}" + Md5Crypt);
        Assert.Equal(PamCode.Success, Login(store, "S3cret!", "crypt=auto", "default_scheme=PLAIN", "rehash=sha512").Code);
        var (_, old, fresh) = Assert.Single(store.Replaced);
        Assert.Equal("{MD5-CRYPT}" + Md5Crypt, old);
        Assert.StartsWith("{CRYPT}$6$", fresh);
        var s = Parse("crypt=auto", "default_scheme=PLAIN");
        Assert.Equal(VerifyResult.Match, PasswordVerifier.Verify(CryptMode.Auto, "S3cret!"u8, DefaultScheme.Apply(s, fresh)));
        Assert.Equal("{ARGON2ID}$argon2id$x", DefaultScheme.ForNewHash(s, "$argon2id$x"));
        Assert.Equal("$argon2id$x", DefaultScheme.ForNewHash(Parse("crypt=auto"), "$argon2id$x"));
    }

    [Fact]
    public void CryptOneWritesBareCryptStrings()
    {
        var store = new Store(Md5Crypt);
        Assert.Equal(PamCode.Success, Login(store, "S3cret!", "crypt=1", "rehash=sha256:6000").Code);
        Assert.StartsWith("$5$rounds=6000$", Assert.Single(store.Replaced).New);
    }

    [Theory]
    [InlineData("crypt=0", "rehash=sha512", "needs crypt=1 or crypt=auto")]
    [InlineData("crypt=3", "rehash=sha512", "needs crypt=1 or crypt=auto")]
    [InlineData("crypt=1", "rehash=argon2id", "needs crypt=auto")]
    [InlineData("crypt=auto", "rehash=md5", "unknown rehash scheme")]
    [InlineData("crypt=auto", "rehash=sha512:10", "must be a whole number from 1000 to 1000000")]
    [InlineData("crypt=auto", "rehash=bcrypt:15", "must be a whole number from 4 to 14")]
    [InlineData("crypt=auto", "rehash=argon2id:x", "must be a whole number from 1 to 16")]
    public void BadRehashSettingsAreConfigurationErrors(string crypt, string option, string expected) =>
        Assert.Contains(OptionParser.Parse([.. MailboxLogins.Args, crypt, option]).Errors, e => e.Contains(expected));

    [Theory]
    [InlineData("rehash=off", null)]
    [InlineData("rehash=SHA512", "sha512:5000")]
    [InlineData("rehash=blowfish", "bcrypt:12")]
    [InlineData("rehash=argon2id:2", "argon2id:2")]
    public void TargetsAreNamedWithTheirCost(string option, string? named) =>
        Assert.Equal(named, Parse("crypt=auto", option).Rehash?.ToString());

    [Fact]
    public void TheStatementComparesTheOldValueByteForByte()
    {
        var q = QuerySet.Build(Parse("crypt=auto", "where=active = 1"), out _)!;
        Assert.Equal("UPDATE mailbox SET password = @pmn_hash WHERE username = @pmn_user AND (active = 1) AND password = BINARY @pmn_old", q.Rehash);
        var u = QuerySet.Build(Parse("crypt=auto", "update_table=accounts"), out _)!;
        Assert.Equal("UPDATE accounts SET password = @pmn_hash WHERE username = @pmn_user AND password = BINARY @pmn_old", u.Rehash);
    }
}
