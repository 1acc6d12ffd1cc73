namespace PamMySqlNet.Tests.Auth;

/// <summary>max_rows (app passwords): several rows for one user, any may match, every row checked,
/// more than max_rows refused; no rehash and no password change for a user with several rows.</summary>
public class AppPasswordTests
{
    // The main password "S3cret!" (doveadm, see StoredSchemePolicyTests) and two app passwords:
    //   openssl passwd -6 -salt appsaltone 'App1pass'
    private const string App1 = "$6$appsaltone$r/L/IbQVz5mzzn7owJ1QYSobnTkjN9e/0RCJDpmXvJYOEejOTtKFS9qRe0NhqNjb0fHG.QPpFT6hR.r9F2cGf/";
    //   openssl passwd -6 -salt appsalttwo 'App2pass'
    private const string App2 = "$6$appsalttwo$rwk8sHdDSSCVAXARe4/rpKY3ngDS/zsWaAx./jIa/zU9TWcHOD1YI37fPvao.fR03vRDbUMGuRat8.OYh53zK1";
    private const string Main = StoredSchemePolicyTests.Sha512Crypt;
    private const string Malformed = "$6$rounds=12$not a hash";

    private sealed class Rows(params string?[] rows) : IUserStore
    {
        public int Replaced { get; private set; }
        public int Updated { get; private set; }
        public UserLookup Lookup(string userName)
        {
            var collected = new LookupRows(16);
            foreach (var row in rows)
                collected.Add(row, null, false);
            return collected.Result(null);
        }
        public WriteResult UpdatePassword(string userName, string newStoredPassword)
        {
            Updated++;
            return new(WriteStatus.Done);
        }
        public WriteResult ReplacePassword(string userName, string oldStoredPassword, string newStoredPassword)
        {
            Replaced++;
            return new(WriteStatus.Done);
        }
        public WriteResult WriteLog(LogRow row) => new(WriteStatus.Done);
    }

    private static readonly string[] Auto = ["crypt=auto", "max_rows=4"];

    // --- the option

    [Fact]
    public void TheDefaultIsOneRow() => Assert.Equal(1, MailboxLogins.Parse().MaxRows);

    [Theory]
    [InlineData("1", 1)]
    [InlineData("2", 2)]
    [InlineData(" 16 ", 16)]
    public void MaxRowsTakesOneToSixteen(string value, int expected)
    {
        var parsed = OptionParser.Parse([.. MailboxLogins.Args, $"max_rows={value}"]);
        Assert.Empty(parsed.Errors);
        Assert.Equal(expected, parsed.Settings.MaxRows);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("17")]
    [InlineData("-2")]
    [InlineData("2.5")]
    [InlineData("many")]
    [InlineData("")]
    public void AnythingElseIsAConfigurationError(string value)
    {
        var error = Assert.Single(OptionParser.Parse([.. MailboxLogins.Args, $"max_rows={value}"]).Errors);
        Assert.Contains("max_rows", error);
        Assert.Contains("from 1 (one row per user) to 16", error);
    }

    [Fact]
    public void TheConfigFileKeyIsUsersMaxRows() => Assert.Equal("max_rows", OptionTable.FindConfigKey("users.max_rows")!.Name);

    [Theory]
    [InlineData(1, "LIMIT 2")]
    [InlineData(4, "LIMIT 5")]
    [InlineData(16, "LIMIT 17")]
    public void TheGeneratedLookupFetchesOneRowMoreThanAllowed(int maxRows, string limit)
    {
        var queries = QuerySet.Build(MailboxLogins.Parse($"max_rows={maxRows}"), out var error)!;
        Assert.Null(error);
        Assert.EndsWith(limit, queries.Lookup);
        Assert.Contains(limit + ")", queries.LookupWithSample);
    }

    // --- the rows of a lookup

    private static UserLookup Collect(int maxRows, params (string? Stored, long? Status, bool Unreadable)[] rows)
    {
        var collected = new LookupRows(maxRows);
        foreach (var (stored, status, unreadable) in rows)
            collected.Add(stored, status, unreadable);
        return collected.Result(null);
    }

    [Fact]
    public void WithoutTheOptionTwoRowsAreAnError()
    {
        var found = Collect(1, (Main, 0, false), (App1, 0, false));
        Assert.Equal(LookupStatus.Ambiguous, found.Status);
        Assert.Equal(LookupRows.NotUnique, found.Detail);
    }

    [Fact]
    public void UpToMaxRowsAreFoundInOrder()
    {
        var found = Collect(3, (Main, 0, false), (App1, 0, false), (App2, 0, false));
        Assert.Equal(LookupStatus.Found, found.Status);
        Assert.Equal([Main, App1, App2], found.StoredPasswords!);
        Assert.Equal(Main, found.StoredPassword);
        Assert.Equal(3, found.Rows);
        Assert.DoesNotContain(Main, found.ToString());
    }

    [Fact]
    public void OneRowIsTheOneRowLookupOfBefore()
    {
        var found = Collect(4, (Main, 2, false));
        Assert.Equal((LookupStatus.Found, Main, 2L, 1), (found.Status, found.StoredPassword, found.AccountStatus!.Value, found.Rows));
        Assert.Null(found.StoredPasswords);
    }

    [Fact]
    public void MoreThanMaxRowsIsAnErrorNamingTheLimit()
    {
        var found = Collect(2, (Main, 0, false), (App1, 0, false), (App2, 0, false));
        Assert.Equal(LookupStatus.Ambiguous, found.Status);
        Assert.Equal("the query returned more than max_rows=2 rows", found.Detail);
        Assert.Null(found.StoredPasswords);
    }

    [Fact]
    public void NoRowIsNotFound() => Assert.Equal(LookupStatus.NotFound, Collect(4).Status);

    [Theory]
    [InlineData(0L, 0L, false, 0L)]
    [InlineData(0L, 2L, false, 2L)]
    [InlineData(1L, 2L, false, 3L)]
    [InlineData(0L, null, false, null)]
    [InlineData(0L, 0L, true, 0L)]
    public void TheAccountStatusIsTheMostRestrictiveOfTheRows(long? first, long? second, bool unreadable, long? expected)
    {
        var found = Collect(4, (Main, first, false), (App1, second, unreadable));
        Assert.Equal(expected, found.AccountStatus);
        Assert.Equal(unreadable, found.AccountStatusUnreadable);
    }

    [Fact]
    public void TheTooManyRowsLogLineNamesTheCauseAndTheLimit()
    {
        var log = new ListLog();
        StoreFailures.Report(Collect(2, (Main, 0, false), (App1, 0, false), (App2, 0, false)), "authentication", "user \"alice\"", false, log);
        var line = Assert.Single(log.Lines);
        Assert.Contains("more than max_rows=2 rows for user \"alice\"; max_rows is the most stored passwords", line.Message);
    }

    // --- logins

    [Theory]
    [InlineData("S3cret!")]
    [InlineData("App1pass")]
    [InlineData("App2pass")]
    public void AnyRowMayMatch(string typed) =>
        Assert.Equal(PamCode.Success, MailboxLogins.Login(new Rows(Main, App1, App2), typed, Auto).Code);

    [Theory]
    [InlineData("wrong")]
    [InlineData("App1pas")]
    [InlineData("")]
    public void NoMatchingRowIsAWrongPassword(string typed)
    {
        var (code, log) = MailboxLogins.Login(new Rows(Main, App1, App2), typed, Auto);
        Assert.Equal(PamCode.AuthErr, code);
        if (typed.Length > 0)
            Assert.Single(log.Lines, l => l.Message.Contains("wrong password for user \"alice@example.test\""));
    }

    [Fact]
    public void EveryRowIsCheckedEvenAfterAMatch()
    {
        var s = MailboxLogins.Parse(Auto);
        var checks = AuthFlow.CheckEveryRow(s, "S3cret!"u8, [Main, App1, null, Malformed], "alice@example.test", emptyAllowed: false);
        Assert.Equal([VerifyResult.Match, VerifyResult.NoMatch, VerifyResult.NoMatch, VerifyResult.Malformed], checks.Select(c => c.Result));
        Assert.Equal([Main, App1, null, Malformed], checks.Select(c => c.Stored));
    }

    [Fact]
    public void AMalformedRowAfterTheMatchIsStillSeenAndLoggedOnceWithoutItsValue()
    {
        var (code, log) = MailboxLogins.Login(new Rows(Main, App1, Malformed), "S3cret!", Auto);
        Assert.Equal(PamCode.Success, code);
        var line = Assert.Single(log.Lines, l => l.Message.Contains("cannot be checked"));
        Assert.Contains("stored value 3 of the 3 of user \"alice@example.test\"", line.Message);
        Assert.DoesNotContain(log.Lines, l => l.Message.Contains("$6$") || l.Message.Contains("S3cret!"));
    }

    [Fact]
    public void AMalformedRowDoesNotBlockAnotherRow()
    {
        Assert.Equal(PamCode.Success, MailboxLogins.Login(new Rows(Malformed, App1), "App1pass", Auto).Code);
        Assert.Equal(PamCode.AuthErr, MailboxLogins.Login(new Rows(Malformed, App1), "wrong", Auto).Code);
    }

    [Fact]
    public void ANullRowIsNoMatchAndDoesNotBlockTheOthers() =>
        Assert.Equal(PamCode.Success, MailboxLogins.Login(new Rows(null, App2), "App2pass", Auto).Code);

    [Fact]
    public void WeakSchemesLooksAtTheMatchingRow()
    {
        // {PLAIN} is weak; the sha512-crypt main row is not.
        string[] refuse = [.. Auto, "weak_schemes=refuse"];
        Assert.Equal(PamCode.AuthErr, MailboxLogins.Login(new Rows(Main, "{PLAIN}App1pass"), "App1pass", refuse).Code);
        Assert.Equal(PamCode.Success, MailboxLogins.Login(new Rows(Main, "{PLAIN}App1pass"), "S3cret!", refuse).Code);
        // The same password in a weak and a strong row: the strong one lets in.
        Assert.Equal(PamCode.Success, MailboxLogins.Login(new Rows("{PLAIN}S3cret!", Main), "S3cret!", refuse).Code);
    }

    [Fact]
    public void ThereIsNoRehashWithSeveralRows()
    {
        var several = new Rows(StoredSchemePolicyTests.Md5Crypt, App1);
        Assert.Equal(PamCode.Success, MailboxLogins.Login(several, "S3cret!", [.. Auto, "rehash=sha512"]).Code);
        Assert.Equal(0, several.Replaced);
        var one = new Rows(StoredSchemePolicyTests.Md5Crypt);
        Assert.Equal(PamCode.Success, MailboxLogins.Login(one, "S3cret!", [.. Auto, "rehash=sha512"]).Code);
        Assert.Equal(1, one.Replaced);
    }

    [Fact]
    public void APasswordChangeNeedsExactlyOneRow()
    {
        (PamCode, ListLog) Change(Rows store)
        {
            var log = new ListLog();
            var code = ModuleEntry.Run(
                new ModuleRequest(PamOperation.ChAuthTok, PamFlags.PrelimCheck, [.. MailboxLogins.Args, .. Auto],
                    "alice@example.test", "passwd", null, CallerUid: 1000),
                new MailboxLogins.Typed("S3cret!", earlier: true), log, (_, _, _) => store);
            return (code, log);
        }
        var (refused, log) = Change(new Rows(Main, App1));
        Assert.Equal(PamCode.AuthTokErr, refused);
        Assert.Single(log.Lines, l => l.Message.Contains("has 2 stored passwords (max_rows=4, app passwords); a password change needs exactly one row"));
        Assert.Equal(PamCode.Success, Change(new Rows(Main)).Item1);
    }
}
