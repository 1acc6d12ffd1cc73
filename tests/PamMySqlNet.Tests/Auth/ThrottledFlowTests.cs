namespace PamMySqlNet.Tests.Auth;

/// <summary>Throttling in <see cref="AuthFlow.Authenticate"/>: a throttled request is refused
/// before the prompt, the query, the hash, the sqllog row and the fail delay; what counts.</summary>
public class ThrottledFlowTests
{
    private const string AliceHash = Recipe.AliceHash;
    private static readonly string[] Args =
        [.. Recipe.Database, "crypt=1", "fail_delay=2", "sqllog", "logtable=log", "logmsgcolumn=msg"];

    private long _now = 1_000_000;
    private readonly Throttle _throttle;
    public ThrottledFlowTests() => _throttle = new Throttle(() => _now);

    internal sealed class Store : IUserStore
    {
        public int Lookups, Rows;
        public LookupStatus? Answer;
        public IThrottleTable? ThrottleTable { get; init; }
        public UserLookup Lookup(string userName)
        {
            Lookups++;
            return Answer is { } answer ? new(answer) : userName == "alice" ? new(LookupStatus.Found, AliceHash) : new(LookupStatus.NotFound);
        }
        public WriteResult UpdatePassword(string userName, string newStoredPassword) => new(WriteStatus.Done);
        public WriteResult WriteLog(LogRow row) { Rows++; return new(WriteStatus.Done); }
    }

    internal sealed class Conversation(string? password) : IPamConversation
    {
        public int Prompts;
        public int? Delay;
        public PamCode GetAuthTok(AuthTokItem item, AuthTokMode mode, string prompt, out byte[]? token)
        {
            Prompts++;
            token = password is null || mode != AuthTokMode.Prompt ? null : System.Text.Encoding.UTF8.GetBytes(password);
            return token is null ? PamCode.AuthErr : PamCode.Success;
        }
        public PamCode SetAuthTok(AuthTokItem item, ReadOnlySpan<byte> token) => PamCode.Success;
        public void RequestFailDelay(int microseconds) => Delay = microseconds;
    }

    private (PamCode Code, Conversation Conversation, ListLog Log) Login(Store store, string user, string? password,
        string? rhost, params string[] extra) => Login(_throttle, store, user, password, rhost, extra);

    /// <summary>One authentication through AuthFlow on these counters (the shared-table tests use it too).</summary>
    internal static (PamCode Code, Conversation Conversation, ListLog Log) Login(Throttle throttle, Store store, string user,
        string? password, string? rhost, params string[] extra)
    {
        var settings = OptionParser.Parse(Args.Concat(extra).ToArray()).Settings;
        var log = new ListLog();
        var conversation = new Conversation(password);
        var request = new ModuleRequest(PamOperation.Authenticate, PamFlags.None, Args, user, "smtp", rhost);
        return (new AuthFlow(settings, store, log, request).Authenticate(conversation, throttle), conversation, log);
    }

    [Fact]
    public void AThrottledAddressIsRefusedWithoutPromptQueryRowOrDelay()
    {
        var store = new Store();
        for (int i = 0; i < 5; i++)
            Assert.Equal(PamCode.AuthErr, Login(store, "alice", "wrong", "192.0.2.7").Code);
        Assert.Equal(5, store.Lookups);
        Assert.Equal(5, store.Rows);

        var (code, conversation, log) = Login(store, "alice", "S3cret!", "192.0.2.7");
        Assert.Equal(PamCode.AuthErr, code);                 // even the right password
        Assert.Equal(0, conversation.Prompts);
        Assert.Null(conversation.Delay);
        Assert.Equal(5, store.Lookups);
        Assert.Equal(5, store.Rows);
        Assert.Empty(log.Lines);

        // Another address, the same user (4 of 20 user failures): checked, and right.
        Assert.Equal(PamCode.Success, Login(store, "alice", "S3cret!", "198.51.100.1").Code);
    }

    [Fact]
    public void TheThrottlingLineSaysWhoAndNeverThePassword()
    {
        var store = new Store();
        ListLog? last = null;
        for (int i = 0; i < 5; i++)
            last = Login(store, "alice", "Hunter2-secret", "192.0.2.7").Log;
        var line = Assert.Single(last!.Lines, l => l.Message.Contains("throttling"));
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("throttling address 192.0.2.7: 5 failed login(s) within 300 s", line.Message);
        Assert.DoesNotContain("Hunter2", line.Message);
    }

    [Fact]
    public void AfterTheBackoffOneCheckAndASuccessReleases()
    {
        var store = new Store();
        for (int i = 0; i < 5; i++)
            Login(store, "alice", "wrong", "192.0.2.7");
        _now += 2000;
        var (code, _, log) = Login(store, "alice", "S3cret!", "192.0.2.7");
        Assert.Equal(PamCode.Success, code);
        Assert.Contains(log.Lines, l => l.Message.StartsWith("no longer throttling address 192.0.2.7 after a successful login"));
        Assert.Equal(PamCode.AuthErr, Login(store, "alice", "wrong", "192.0.2.7").Code);
        Assert.Equal(7, store.Lookups);                       // counting afresh: checked
    }

    [Fact]
    public void UnknownUsersCountAndAThrottledNameAnswersLikeAnyOther()
    {
        var store = new Store();
        for (int i = 0; i < 20; i++)
            Assert.Equal(PamCode.UserUnknown, Login(store, "nobody", "x", $"203.0.113.{i}").Code);
        // Throttled: the same answer as for a known user, so the name's existence does not show.
        Assert.Equal(PamCode.AuthErr, Login(store, "nobody", "x", "203.0.113.200").Code);
        Assert.Equal(20, store.Lookups);
    }

    [Fact]
    public void NoRemoteHostCountsTheUserOnly()
    {
        var store = new Store();
        for (int i = 0; i < 19; i++)
            Login(store, "alice", "wrong", null);
        Assert.Equal(PamCode.AuthErr, Login(store, "alice", "wrong", null).Code);
        Assert.Equal(20, store.Lookups);
        Assert.Equal(PamCode.AuthErr, Login(store, "alice", "S3cret!", null).Code);
        Assert.Equal(20, store.Lookups);
        Assert.Equal(PamCode.UserUnknown, Login(store, "bob", "x", null).Code); // another name is checked
    }

    [Theory]
    [InlineData("127.0.0.1", new string[0])]
    [InlineData("::1", new string[0])]
    [InlineData("192.0.2.7", new[] { "throttle_trusted=192.0.2.0/24" })]
    [InlineData("192.0.2.7", new[] { "throttle=off" })]
    public void TrustedAddressesAndThrottleOffAreNeverThrottled(string rhost, string[] extra)
    {
        var store = new Store();
        for (int i = 0; i < 30; i++)
            Assert.Equal(PamCode.AuthErr, Login(store, "alice", "wrong", rhost, extra).Code);
        Assert.Equal(PamCode.Success, Login(store, "alice", "S3cret!", rhost, extra).Code);
        Assert.Equal(31, store.Lookups);
        Assert.Equal(0, _throttle.Count);
    }

    [Fact]
    public void LoopbackIsThrottledWhenNoNetworkIsTrusted()
    {
        var store = new Store();
        for (int i = 0; i < 5; i++)
            Login(store, "alice", "wrong", "127.0.0.1", "throttle_trusted=none");
        Assert.Equal(PamCode.AuthErr, Login(store, "alice", "S3cret!", "127.0.0.1", "throttle_trusted=none").Code);
        Assert.Equal(5, store.Lookups);
    }

    [Fact]
    public void ARefusalWithoutACheckCountsForNothing()
    {
        var store = new Store();
        // No password obtained (the conversation fails): nothing was checked, nothing counted.
        for (int i = 0; i < 10; i++)
            Assert.Equal(PamCode.AuthErr, Login(store, "alice", null, "192.0.2.7").Code);
        Assert.Equal(0, _throttle.Count);
        Assert.Equal(PamCode.Success, Login(store, "alice", "S3cret!", "192.0.2.7").Code);
    }

    [Fact]
    public void TheFailDelayIsTheOptionsAndNodelayZero()
    {
        var store = new Store();
        Assert.Equal(2_000_000, Login(store, "alice", "wrong", "192.0.2.1").Conversation.Delay);
        Assert.Equal(500_000, Login(store, "alice", "wrong", "192.0.2.2", "fail_delay=0.5").Conversation.Delay);
        Assert.Null(Login(store, "alice", "wrong", "192.0.2.3", "fail_delay=0").Conversation.Delay);
        Assert.Null(Login(store, "alice", "wrong", "192.0.2.4", "nodelay").Conversation.Delay);
    }
}
