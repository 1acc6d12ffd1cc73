namespace PamMySqlNet.Tests.Auth;

/// <summary>auth_succ_query / auth_fail_query: run once after a checked success or failure, never
/// changing the answer.</summary>
public class LoginHooksTests
{
    private const string Succ = "auth_succ_query=UPDATE mailbox SET last_login = NOW(), failures = 0 WHERE username = %u";
    private const string Fail = "auth_fail_query=UPDATE mailbox SET failures = failures + 1 WHERE username = %u AND %s = 'smtp'";

    private sealed class Store(string? stored, WriteStatus answer = WriteStatus.Done) : IUserStore
    {
        public List<(bool Succeeded, string User)> Hooks { get; } = new();
        public UserLookup Lookup(string userName) => stored is null ? new(LookupStatus.NotFound) : new(LookupStatus.Found, stored);
        public WriteResult UpdatePassword(string userName, string newStoredPassword) => throw new InvalidOperationException();
        public WriteResult RunLoginHook(bool succeeded, string userName)
        {
            Hooks.Add((succeeded, userName));
            return new WriteResult(answer, answer == WriteStatus.Done ? null : "UPDATE command denied");
        }
        public WriteResult WriteLog(LogRow row) => new(WriteStatus.Done);
    }

    [Theory]
    [InlineData("S3cret!", PamCode.Success, true)]
    [InlineData("wrong", PamCode.AuthErr, false)]
    public void OneHookRunsAfterACheckedLogin(string typed, PamCode expected, bool succeeded)
    {
        var store = new Store("S3cret!");
        Assert.Equal(expected, MailboxLogins.Login(store, typed, Succ, Fail).Code);
        Assert.Equal((succeeded, "alice@example.test"), Assert.Single(store.Hooks));
    }

    [Fact]
    public void AnUnknownUserRunsTheFailureHook()
    {
        var store = new Store(null);
        Assert.Equal(PamCode.UserUnknown, MailboxLogins.Login(store, "S3cret!", Succ, Fail).Code);
        Assert.Equal((false, "alice@example.test"), Assert.Single(store.Hooks));
    }

    [Theory]
    [InlineData("S3cret!", Fail)]
    [InlineData("wrong", Succ)]
    public void WithoutTheMatchingOptionNothingRuns(string typed, string only)
    {
        var store = new Store("S3cret!");
        MailboxLogins.Login(store, typed, only);
        Assert.Empty(store.Hooks);
    }

    [Theory]
    [InlineData("S3cret!", PamCode.Success, "auth_succ_query failed")]
    [InlineData("wrong", PamCode.AuthErr, "auth_fail_query failed")]
    public void AFailingHookIsOneLineAndChangesNoAnswer(string typed, PamCode expected, string text)
    {
        var store = new Store("S3cret!", WriteStatus.Failed);
        var (code, log) = MailboxLogins.Login(store, typed, Succ, Fail);
        Assert.Equal(expected, code);
        var line = Assert.Single(log.Lines, l => l.Message.Contains("_query"));
        Assert.Equal(LogLevel.Err, line.Level);
        Assert.Contains(text, line.Message);
        Assert.DoesNotContain(typed, line.Message);
    }

    [Fact]
    public void AThrottledRefusalRunsNoHook()
    {
        var store = new Store("S3cret!");
        string[] throttled = [Succ, Fail, "throttle=on", "throttle_attempts=1", "throttle_trusted=none"];
        var throttle = new PamMySqlNet.Auth.Throttle(() => 0);
        var request = new PamMySqlNet.Auth.ModuleRequest(PamOperation.Authenticate, PamFlags.None,
            [.. MailboxLogins.Args.Where(a => a != "throttle=off"), .. throttled], "alice@example.test", "smtp", "192.0.2.7");
        var settings = PamMySqlNet.Options.OptionParser.Parse(request.Args).Settings;
        var log = new ListLog();
        Assert.Equal(PamCode.AuthErr, new PamMySqlNet.Auth.AuthFlow(settings, store, log, request).Authenticate(new MailboxLogins.Typed("wrong"), throttle));
        Assert.Equal(PamCode.AuthErr, new PamMySqlNet.Auth.AuthFlow(settings, store, log, request).Authenticate(new MailboxLogins.Typed("S3cret!"), throttle));
        Assert.Equal((false, "alice@example.test"), Assert.Single(store.Hooks));
    }

    [Fact]
    public void ThePlaceholdersBecomeParameters()
    {
        var q = QuerySet.Build(MailboxLogins.Parse(Succ, Fail), out string? error)!;
        Assert.Null(error);
        Assert.Equal("UPDATE mailbox SET last_login = NOW(), failures = 0 WHERE username = @pmn_user", q.AuthSucceeded);
        Assert.Equal("UPDATE mailbox SET failures = failures + 1 WHERE username = @pmn_user AND @pmn_service = 'smtp'", q.AuthFailed);
        Assert.Null(QuerySet.Build(MailboxLogins.Parse(), out _)!.AuthSucceeded);
    }

    [Fact]
    public void ATwoStatementHookIsAConfigurationError()
    {
        Assert.Null(QuerySet.Build(MailboxLogins.Parse("auth_fail_query=UPDATE mailbox SET failures = 0; DROP TABLE mailbox"), out string? error));
        Assert.Contains("auth_fail_query", error);
    }
}
