namespace PamMySqlNet.Tests.Auth;

/// <summary>The auth flow's return codes and log lines, with the database replaced by fixed answers.
/// (The real MySQL store is exercised by tests/integration against a real MariaDB.)</summary>
public class ModuleEntryTests
{
    private const string AliceHash = Recipe.AliceHash;

    private static readonly string[] Args =
    [
        .. Recipe.Database, "crypt=1",
        // These tests share the process's throttle counters and fail logins from one address
        // in any order: throttling has its own tests (ThrottleTests, ThrottledFlowTests).
        "throttle=off",
    ];

    private sealed class FixedStore(UserLookup answer) : IUserStore
    {
        public int Calls;
        public UserLookup Lookup(string userName)
        {
            Calls++;
            return answer;
        }

        public List<string> Updates { get; } = new();
        public List<string> Logged { get; } = new();
        public List<LogRow> Rows { get; } = new();
        public WriteResult UpdatePassword(string userName, string newStoredPassword)
        {
            Updates.Add(newStoredPassword);
            return new WriteResult(WriteStatus.Done);
        }

        public WriteResult WriteLog(LogRow row)
        {
            Logged.Add(row.Message);
            Rows.Add(row);
            return new WriteResult(WriteStatus.Done);
        }
    }

    private sealed class ThrowingStore : IUserStore
    {
        public UserLookup Lookup(string userName) => throw new InvalidOperationException("boom S3cret!");
        public WriteResult UpdatePassword(string userName, string newStoredPassword) => throw new InvalidOperationException();
        public WriteResult WriteLog(LogRow row) => throw new InvalidOperationException();
    }

    /// <summary>libpam as the module sees it: <paramref name="earlier"/> is PAM_AUTHTOK set by an
    /// earlier module (returned in the first-pass modes), <paramref name="password"/> what the user
    /// types at a prompt.</summary>
    private sealed class Conversation(string? password, string? earlier = null) : IPamConversation
    {
        public List<AuthTokMode> Modes { get; } = new();
        public AuthTokMode? Mode => Modes.Count > 0 ? Modes[^1] : null;

        public PamCode GetAuthTok(AuthTokItem item, AuthTokMode mode, string prompt, out byte[]? token)
        {
            Modes.Add(mode);
            if (password == "throw")
                throw new IOException("conversation broke");
            string? answer = mode == AuthTokMode.Prompt ? password : earlier ?? (mode == AuthTokMode.TryFirstPass ? password : null);
            token = answer is null ? null : System.Text.Encoding.UTF8.GetBytes(answer);
            return answer is null ? PamCode.AuthErr : PamCode.Success;
        }

        public PamCode SetAuthTok(AuthTokItem item, ReadOnlySpan<byte> token) => PamCode.Success;

        public int? Delay;
        public void RequestFailDelay(int microseconds) => Delay = microseconds;

        /// <summary>What pam_set_data holds for this handle.</summary>
        public byte[]? Memo;
        public void Remember(ReadOnlySpan<byte> memo) => Memo = memo.ToArray();

        public int Recall(Span<byte> buffer)
        {
            if (Memo is null || Memo.Length > buffer.Length)
                return -1;
            Memo.CopyTo(buffer);
            return Memo.Length;
        }
    }

    private static (PamCode Code, ListLog Log) Run(IUserStore store, string? password, string user = "alice@example.test",
        PamOperation op = PamOperation.Authenticate, PamFlags flags = PamFlags.None, params string[] extra) =>
        RunOn(new Conversation(password), store, user, op, flags, extra);

    /// <summary>One call on the PAM handle that <paramref name="handle"/> stands for.</summary>
    private static (PamCode Code, ListLog Log) RunOn(Conversation handle, IUserStore store, string user = "alice@example.test",
        PamOperation op = PamOperation.Authenticate, PamFlags flags = PamFlags.None, params string[] extra)
    {
        var log = new ListLog();
        var request = new ModuleRequest(op, flags, Args.Concat(extra).ToArray(), user, "smtp", "203.0.113.9");
        var code = ModuleEntry.Run(request, handle, log, (_, _, _) => store);
        return (code, log);
    }

    private sealed class FileSource(string text) : PamMySqlNet.Options.IConfigSource
    {
        public PamMySqlNet.Options.ConfigText Read(string path) => new(text, false, null);
    }

    [Fact]
    public void AConfigFileOverridingAnArgumentIsLoggedOnceAtNotice()
    {
        // A path of its own: the notice is logged once per process, whichever test comes first.
        string path = $"/etc/pmn-{Guid.NewGuid():N}.conf";
        var store = new FixedStore(new(LookupStatus.Found, AliceHash));
        var source = new FileSource("users.db_passwd = fromfile\nusers.database = postfix\n");
        var request = new ModuleRequest(PamOperation.Authenticate, PamFlags.None,
            Args.Append($"config_file={path}").ToArray(), "alice@example.test", "smtp", null);
        var first = new ListLog();
        Assert.Equal(PamCode.Success, ModuleEntry.Run(request, new Conversation("S3cret!"), first, (_, _, _) => store, source));
        var line = Assert.Single(first.Lines);
        Assert.Equal(LogLevel.Notice, line.Level);
        Assert.Equal($"{path} line 1 (users.db_passwd) overrides the module argument 'passwd' with another value", line.Message);
        var again = new ListLog();
        Assert.Equal(PamCode.Success, ModuleEntry.Run(request, new Conversation("S3cret!"), again, (_, _, _) => store, source));
        Assert.Empty(again.Lines);
    }

    [Fact]
    public void RightPassword() =>
        Assert.Equal(PamCode.Success, Run(new FixedStore(new(LookupStatus.Found, AliceHash)), "S3cret!").Code);

    [Fact]
    public void WrongPasswordIsAuthErrWithOneLineNamingTheUser()
    {
        var (code, log) = Run(new FixedStore(new(LookupStatus.Found, AliceHash)), "S3cret?");
        Assert.Equal(PamCode.AuthErr, code);
        var line = Assert.Single(log.Lines);
        Assert.Contains("wrong password for user \"alice@example.test\" rhost=\"203.0.113.9\"", line.Message);
    }

    [Theory]
    [InlineData(LookupStatus.NotFound, PamCode.UserUnknown)]
    [InlineData(LookupStatus.Ambiguous, PamCode.ServiceErr)]
    [InlineData(LookupStatus.Unavailable, PamCode.AuthInfoUnavail)]
    [InlineData(LookupStatus.QueryFailed, PamCode.ServiceErr)]
    public void LookupFailuresMapToPamMysqlsCodes(LookupStatus status, PamCode expected)
    {
        var (code, log) = Run(new FixedStore(new(status, Detail: "cause")), "S3cret!");
        Assert.Equal(expected, code);
        Assert.Single(log.Lines);
    }

    [Fact]
    public void UnknownUserIsNotNamedUnlessVerbose()
    {
        var quiet = Run(new FixedStore(new(LookupStatus.NotFound)), "x", "typo-password-as-user").Log;
        Assert.DoesNotContain("typo-password-as-user", quiet.Lines.Single().Message);
        var verbose = Run(new FixedStore(new(LookupStatus.NotFound)), "x", "typo-password-as-user", extra: "debug").Log;
        Assert.Contains("typo-password-as-user", verbose.Lines.Single().Message);
    }

    [Fact]
    public void NullStoredPasswordNeedsNullokAnEmptyPasswordAndNoDisallowFlag()
    {
        var nullRow = new FixedStore(new(LookupStatus.Found, null));
        Assert.Equal(PamCode.AuthErr, Run(nullRow, "").Code);
        Assert.Equal(PamCode.Success, Run(nullRow, "", extra: "nullok").Code);
        Assert.Equal(PamCode.AuthErr, Run(nullRow, "x", extra: "nullok").Code);
        Assert.Equal(PamCode.AuthErr, Run(nullRow, "", flags: PamFlags.DisallowNullAuthTok, extra: "nullok").Code);
        Assert.Equal(PamCode.AuthErr, Run(new FixedStore(new(LookupStatus.Found, "")), "").Code);
    }

    [Fact]
    public void MalformedStoredHashIsAuthErrAndSaysSo()
    {
        var (code, log) = Run(new FixedStore(new(LookupStatus.Found, "$1$abc")), "x");
        Assert.Equal(PamCode.AuthErr, code);
        Assert.Contains("not a valid hash", log.Lines.Single().Message);
    }

    [Fact]
    public void ExceptionsNeverEscapeAndNeverQuoteTheirMessage()
    {
        var (code, log) = Run(new ThrowingStore(), "S3cret!");
        Assert.Equal(PamCode.ServiceErr, code);
        var line = Assert.Single(log.Lines).Message;
        Assert.Contains("InvalidOperationException", line);
        Assert.DoesNotContain("S3cret!", line);
        Assert.Equal(PamCode.ServiceErr, Run(new FixedStore(new(LookupStatus.Found, AliceHash)), "throw").Code);
    }

    [Fact]
    public void BadOptionsAreServiceErrBeforeAnyLookup()
    {
        var store = new FixedStore(new(LookupStatus.Found, AliceHash));
        var (code, log) = Run(store, "S3cret!", extra: "crypt=11");
        Assert.Equal(PamCode.ServiceErr, code);
        Assert.Equal(0, store.Calls);
        Assert.Contains("option 'crypt'", log.Lines.Single().Message);
    }

    [Fact]
    public void HostileUserNamesNeverReachTheStore()
    {
        var store = new FixedStore(new(LookupStatus.Found, AliceHash));
        Assert.Equal(PamCode.UserUnknown, Run(store, "S3cret!", new string('u', 10240)).Code);
        Assert.Equal(PamCode.UserUnknown, Run(store, "S3cret!", "alice\u0001").Code);
        Assert.Equal(PamCode.UserUnknown, Run(store, "S3cret!", "al\uFFFDice").Code);
        Assert.Equal(0, store.Calls);
    }

    private static (PamCode Code, List<AuthTokMode> Modes) FirstPass(string? typed, string? earlier, params string[] extra)
    {
        var conversation = new Conversation(typed, earlier);
        var request = new ModuleRequest(PamOperation.Authenticate, PamFlags.None, Args.Concat(extra).ToArray(), "alice", null, null);
        var code = ModuleEntry.Run(request, conversation, new ListLog(), (_, _, _) => new FixedStore(new(LookupStatus.Found, AliceHash)));
        return (code, conversation.Modes);
    }

    [Fact]
    public void TryFirstPassUsesTheEarlierPasswordAndAsksAgainWhenItFails()
    {
        // an earlier module's right password: no prompt
        var right = FirstPass(null, "S3cret!");
        Assert.Equal(PamCode.Success, right.Code);
        Assert.Equal(new[] { AuthTokMode.UseFirstPass }, right.Modes);
        // its wrong password: asked once more, as pam_mysql's README says
        var (code, modes) = FirstPass("S3cret!", "wrong");
        Assert.Equal(PamCode.Success, code);
        Assert.Equal(new[] { AuthTokMode.UseFirstPass, AuthTokMode.Prompt }, modes);
        Assert.Equal(PamCode.AuthErr, FirstPass("wrong too", "wrong").Code);
        // no earlier module: one prompt
        Assert.Equal(new[] { AuthTokMode.UseFirstPass, AuthTokMode.Prompt }, FirstPass("S3cret!", null).Modes);
    }

    [Fact]
    public void UseFirstPassNeverPromptsAndTryFirstPassOffAlwaysDoes()
    {
        var only = FirstPass("S3cret!", "wrong", "use_first_pass");
        Assert.Equal(PamCode.AuthErr, only.Code);
        Assert.Equal(new[] { AuthTokMode.UseFirstPass }, only.Modes);
        Assert.Equal(PamCode.AuthErr, FirstPass("S3cret!", null, "use_first_pass").Code);
        var always = FirstPass("S3cret!", "wrong", "try_first_pass=0");
        Assert.Equal(PamCode.Success, always.Code);
        Assert.Equal(new[] { AuthTokMode.Prompt }, always.Modes);
    }

    // pam_mysql reads a NULL status as "account expired" (found by tests/integration/differential.sh).
    [Theory]
    [InlineData(0L, PamCode.Success)]
    [InlineData(1L, PamCode.AcctExpired)]
    [InlineData(2L, PamCode.NewAuthTokReqd)]
    [InlineData(null, PamCode.AcctExpired)]
    public void AccountStatusBitsAndNull(long? status, PamCode expected)
    {
        var store = new FixedStore(new(LookupStatus.Found, AliceHash, AccountStatus: status));
        Assert.Equal(expected, Run(store, null, op: PamOperation.AcctMgmt, extra: "statcolumn=status").Code);
    }

    private static readonly string[] SqlLog =
    {
        "sqllog=1", "logtable=log", "logmsgcolumn=message", "logusercolumn=user", "loghostcolumn=host",
        "logrhostcolumn=rhost", "logpidcolumn=pid", "logtimecolumn=time",
    };

    // pam_mysql's sqllog rows (found by tests/integration/differential.sh): acct_mgmt writes
    // QUERYING SUCCESS/FAILURE, and a missing PAM_RHOST is written as "(unknown)" (its example log
    // table declares rhost NOT NULL, so a NULL lost the row).
    [Fact]
    public void SqlLogRowsMatchPamMysql()
    {
        var found = new FixedStore(new(LookupStatus.Found, AliceHash));
        Run(found, null, op: PamOperation.AcctMgmt, extra: SqlLog);
        var missing = new FixedStore(new(LookupStatus.NotFound));
        Run(missing, null, op: PamOperation.AcctMgmt, extra: SqlLog);
        Assert.Equal(new[] { "QUERYING SUCCESS" }, found.Logged);
        Assert.Equal(new[] { "QUERYING FAILURE" }, missing.Logged);
        Assert.Equal("203.0.113.9", found.Rows.Single().RHost);

        var local = new FixedStore(new(LookupStatus.Found, AliceHash));
        var request = new ModuleRequest(PamOperation.Authenticate, PamFlags.None, Args.Concat(SqlLog).ToArray(), "alice", "login", null);
        Assert.Equal(PamCode.Success, ModuleEntry.Run(request, new Conversation("S3cret!"), new ListLog(), (_, _, _) => local));
        Assert.Equal(("AUTHENTICATION SUCCESS", "(unknown)"), (local.Rows.Single().Message, local.Rows.Single().RHost));
    }

    [Fact]
    public void AccountCheckNeedsNoPassword()
    {
        Assert.Equal(PamCode.Success, Run(new FixedStore(new(LookupStatus.Found, AliceHash)), null, op: PamOperation.AcctMgmt).Code);
        Assert.Equal(PamCode.UserUnknown, Run(new FixedStore(new(LookupStatus.NotFound)), null, op: PamOperation.AcctMgmt).Code);
        Assert.Equal(PamCode.Success, Run(new ThrowingStore(), null, op: PamOperation.SetCred).Code);
    }

    [Fact]
    public void FailDelayIsRequestedAsConfiguredAndNodelayIsZero()
    {
        var conversation = new Conversation("wrong");
        var request = new ModuleRequest(PamOperation.Authenticate, PamFlags.None, Args, "alice", null, null);
        ModuleEntry.Run(request, conversation, new ListLog(), (_, _, _) => new FixedStore(new(LookupStatus.Found, AliceHash)));
        Assert.Null(conversation.Delay);                      // the default, fail_delay=0
        conversation = new Conversation("wrong");
        ModuleEntry.Run(request with { Args = Args.Append("fail_delay=2").ToArray() }, conversation, new ListLog(),
            (_, _, _) => new FixedStore(new(LookupStatus.Found, AliceHash)));
        Assert.Equal(2_000_000, conversation.Delay);
        conversation = new Conversation("wrong");
        ModuleEntry.Run(request with { Args = Args.Append("fail_delay=2").Append("nodelay").ToArray() }, conversation, new ListLog(),
            (_, _, _) => new FixedStore(new(LookupStatus.Found, AliceHash)));
        Assert.Null(conversation.Delay);
    }

    [Fact]
    public void OverlongPasswordIsRefusedBeforeTheLookup()
    {
        var store = new FixedStore(new(LookupStatus.Found, AliceHash));
        var (code, log) = Run(store, new string('p', 513));
        Assert.Equal(PamCode.AuthErr, code);
        Assert.Equal(0, store.Calls);
        Assert.Contains("longer than 512 bytes", log.Lines.Single().Message);
    }

    // AccountMemo: acct_mgmt right after a successful authenticate on the same handle reuses its row.

    [Fact]
    public void AccountCheckAfterSuccessfulLoginOnTheSameHandleDoesNotQueryAgain()
    {
        var store = new FixedStore(new(LookupStatus.Found, AliceHash));
        var handle = new Conversation("S3cret!");
        Assert.Equal(PamCode.Success, RunOn(handle, store).Code);
        Assert.Equal(PamCode.Success, RunOn(handle, store, op: PamOperation.AcctMgmt).Code);
        Assert.Equal(1, store.Calls);
        // Another handle (a new pam_start) has no memo: it queries.
        Assert.Equal(PamCode.Success, RunOn(new Conversation(null), store, op: PamOperation.AcctMgmt).Code);
        Assert.Equal(2, store.Calls);
    }

    [Fact]
    public void TheMemoCarriesTheAccountStatus()
    {
        var store = new FixedStore(new(LookupStatus.Found, AliceHash, AccountStatus: 1));
        var handle = new Conversation("S3cret!");
        Assert.Equal(PamCode.Success, RunOn(handle, store, extra: "statcolumn=status").Code);
        Assert.Equal(PamCode.AcctExpired, RunOn(handle, store, op: PamOperation.AcctMgmt, extra: "statcolumn=status").Code);
        Assert.Equal(1, store.Calls);

        var nullStatus = new FixedStore(new(LookupStatus.Found, AliceHash));
        var second = new Conversation("S3cret!");
        RunOn(second, nullStatus, extra: "statcolumn=status");
        Assert.Equal(PamCode.AcctExpired, RunOn(second, nullStatus, op: PamOperation.AcctMgmt, extra: "statcolumn=status").Code);
        Assert.Equal(1, nullStatus.Calls);

        var unreadable = new FixedStore(new(LookupStatus.Found, AliceHash, AccountStatusUnreadable: true));
        var third = new Conversation("S3cret!");
        RunOn(third, unreadable, extra: "statcolumn=status");
        Assert.Equal(PamCode.ServiceErr, RunOn(third, unreadable, op: PamOperation.AcctMgmt, extra: "statcolumn=status").Code);
        Assert.Equal(1, unreadable.Calls);
    }

    [Fact]
    public void NoMemoAfterAFailedLogin()
    {
        var store = new FixedStore(new(LookupStatus.Found, AliceHash));
        var handle = new Conversation("wrong");
        Assert.Equal(PamCode.AuthErr, RunOn(handle, store, extra: "nodelay").Code);
        Assert.Null(handle.Memo);
        RunOn(handle, store, op: PamOperation.AcctMgmt);
        Assert.Equal(2, store.Calls);
    }

    [Fact]
    public void TheMemoIsOnlyForTheSameUserAndTheSameArguments()
    {
        var store = new FixedStore(new(LookupStatus.Found, AliceHash));
        var handle = new Conversation("S3cret!");
        RunOn(handle, store);
        RunOn(handle, store, user: "bob@example.test", op: PamOperation.AcctMgmt);
        Assert.Equal(2, store.Calls);
        RunOn(handle, store, op: PamOperation.AcctMgmt, extra: "statcolumn=status");
        Assert.Equal(3, store.Calls);
        RunOn(handle, store, op: PamOperation.AcctMgmt);
        Assert.Equal(3, store.Calls);
    }

    [Fact]
    public void TheMemoExpiresAndHoldsNoSecret()
    {
        var handle = new Conversation(null);
        var request = new ModuleRequest(PamOperation.AcctMgmt, PamFlags.None, Args, "alice@example.test", "smtp", null);
        AccountMemo.Remember(handle, request, new UserLookup(LookupStatus.Found, AliceHash, AccountStatus: 2), nowMs: 5_000);
        Assert.Equal(2, AccountMemo.Recall(handle, request, 5_000 + AccountMemo.MaxAgeMs)!.AccountStatus);
        Assert.Null(AccountMemo.Recall(handle, request, 5_001 + AccountMemo.MaxAgeMs));
        Assert.Null(AccountMemo.Recall(handle, request, 4_999));
        string memo = System.Text.Encoding.Latin1.GetString(handle.Memo!);
        foreach (string secret in new[] { AliceHash, "Zx3QpL0a", "dbsecret", "alice" })
            Assert.DoesNotContain(secret, memo);
        // A memo of another length or format is ignored.
        handle.Memo = handle.Memo![..^1];
        Assert.Null(AccountMemo.Recall(handle, request, 5_000));
    }
}
