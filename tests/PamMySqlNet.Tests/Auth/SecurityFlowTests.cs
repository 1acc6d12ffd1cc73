namespace PamMySqlNet.Tests.Auth;

/// <summary>The password-change policy (root rule, fail delay, expired accounts, new-password length),
/// empty typed passwords, password-length and cost caps, through <see cref="ModuleEntry"/> with the
/// database replaced by fixed answers.</summary>
public class SecurityFlowTests
{
    private const string AliceHash = Recipe.AliceHash;
    // openssl passwd -1 -salt abcdefgh ''
    private const string Md5CryptOfEmpty = "$1$abcdefgh$M55TzYaaccxVGbptZWaxX/";
    // echo -n '' | mkpasswd -m bcrypt -R 4 -s  (mkpasswd raises the cost to 5)
    private const string BCryptOfEmpty = "$2b$05$Rf7VLb81qjr9NL0pmNmMj.ASAbpBxhK2D5uvpBYFjscR8elTlRbJm";
    // echo x | mkpasswd -m yescrypt -s
    private const string YescryptOfX = "$y$j9T$YFDtrMVsImh0ufFisD8lk0$rQjzk.RB6cZ7/b5eeDrepMjdezB.BnH.9YPbE91j3P5";

    private const int Prelim = (int)PamFlags.PrelimCheck, Update = (int)PamFlags.UpdateAuthTok,
        ChangeExpired = (int)PamFlags.ChangeExpiredAuthTok;

    private static readonly string[] Args = Recipe.Database;

    private sealed class Store(UserLookup answer) : IUserStore
    {
        public int Lookups;
        public List<string> Updates { get; } = new();
        public UserLookup Lookup(string userName) { Lookups++; return answer; }
        public WriteResult UpdatePassword(string userName, string newStoredPassword)
        {
            Updates.Add(newStoredPassword);
            return new WriteResult(WriteStatus.Done);
        }
        public WriteResult WriteLog(LogRow row) => new(WriteStatus.Done);
    }

    /// <summary>Answers "Current password" (PAM_OLDAUTHTOK) with <paramref name="current"/>, the
    /// new-password prompts with <paramref name="fresh"/>, and the login prompt with <paramref name="login"/>.</summary>
    private sealed class Conversation(string? current = null, string? fresh = null, string? login = null) : IPamConversation
    {
        public List<AuthTokItem> Asked { get; } = new();
        public int? Delay;
        private byte[]? _old;

        public PamCode GetAuthTok(AuthTokItem item, AuthTokMode mode, string prompt, out byte[]? token)
        {
            Asked.Add(item);
            string? answer = item switch
            {
                AuthTokItem.OldAuthTok => mode == AuthTokMode.UseFirstPass && _old is not null ? System.Text.Encoding.UTF8.GetString(_old) : current,
                AuthTokItem.Answer => fresh,
                _ => mode == AuthTokMode.Prompt ? login : null,
            };
            token = answer is null ? null : System.Text.Encoding.UTF8.GetBytes(answer);
            if (item == AuthTokItem.OldAuthTok && token is not null)
                _old = token.ToArray();
            return answer is null ? PamCode.AuthErr : PamCode.Success;
        }

        public PamCode SetAuthTok(AuthTokItem item, ReadOnlySpan<byte> token) => PamCode.Success;
        public void RequestFailDelay(int microseconds) => Delay = microseconds;
        public void Remember(ReadOnlySpan<byte> memo) { }
        public int Recall(Span<byte> buffer) => -1;
    }

    private static (PamCode Code, ListLog Log) Run(Conversation conversation, IUserStore store, PamOperation op, int flags,
        int uid, params string[] extra)
    {
        var log = new ListLog();
        var request = new ModuleRequest(op, (PamFlags)flags, Args.Concat(extra).ToArray(), "alice@example.test", "passwd", null,
            CallerUid: uid, CallerPid: 42);
        return (ModuleEntry.Run(request, conversation, log, (_, _, _) => store), log);
    }

    private static (PamCode Code, ListLog Log) Change(Conversation conversation, Store store, int flags, int uid, params string[] extra) =>
        Run(conversation, store, PamOperation.ChAuthTok, flags, uid, extra.Length == 0 ? ["crypt=1", "md5"] : extra);

    // --- L4: who may skip the current password

    [Fact]
    public void RootWithoutChangeExpiredSkipsTheCurrentPassword()
    {
        var store = new Store(new(LookupStatus.Found, AliceHash));
        var conversation = new Conversation(fresh: "N3w-pass!");
        Assert.Equal(PamCode.Success, Change(conversation, store, Prelim, uid: 0).Code);
        Assert.Equal(PamCode.Success, Change(conversation, store, Update, uid: 0).Code);
        Assert.DoesNotContain(AuthTokItem.OldAuthTok, conversation.Asked);
        Assert.Single(store.Updates);
    }

    [Fact]
    public void RootWithChangeExpiredMustGiveTheCurrentPassword()
    {
        var store = new Store(new(LookupStatus.Found, AliceHash));
        var none = new Conversation(fresh: "N3w-pass!");
        Assert.Equal(PamCode.PermDenied, Change(none, store, Prelim | ChangeExpired, uid: 0).Code);

        var wrong = new Conversation(current: "wrong", fresh: "N3w-pass!");
        var (code, log) = Change(wrong, store, Update | ChangeExpired, uid: 0);
        Assert.Equal(PamCode.AuthErr, code);
        Assert.Contains(log.Lines, l => l.Message.Contains("wrong current password"));
        Assert.Empty(store.Updates);

        var right = new Conversation(current: "S3cret!", fresh: "N3w-pass!");
        Assert.Equal(PamCode.Success, Change(right, store, Prelim | ChangeExpired, uid: 0).Code);
        Assert.Equal(PamCode.Success, Change(right, store, Update | ChangeExpired, uid: 0).Code);
        Assert.Single(store.Updates);
    }

    [Fact]
    public void NonRootMustGiveTheCurrentPassword()
    {
        var store = new Store(new(LookupStatus.Found, AliceHash));
        Assert.Equal(PamCode.PermDenied, Change(new Conversation(fresh: "N3w-pass!"), store, Prelim, uid: 1000).Code);
        Assert.Equal(PamCode.Success, Change(new Conversation("S3cret!", "N3w-pass!"), store, Update, uid: 1000).Code);
    }

    // --- L4: a wrong current password costs the failure delay

    [Fact]
    public void WrongCurrentPasswordRequestsTheFailDelay()
    {
        var store = new Store(new(LookupStatus.Found, AliceHash));
        var conversation = new Conversation(current: "wrong", fresh: "N3w-pass!");
        Assert.Equal(PamCode.AuthErr, Change(conversation, store, Prelim, uid: 1000).Code);
        Assert.Equal(2_000_000, conversation.Delay);         // though logins have none by default
        conversation = new Conversation(current: "wrong", fresh: "N3w-pass!");
        Assert.Equal(PamCode.AuthErr, Change(conversation, store, Prelim, uid: 1000, "crypt=1", "md5", "fail_delay=0").Code);
        Assert.Equal(2_000_000, conversation.Delay);
        conversation = new Conversation(current: "wrong", fresh: "N3w-pass!");
        Assert.Equal(PamCode.AuthErr, Change(conversation, store, Prelim, uid: 1000, "crypt=1", "md5", "fail_delay=3.5").Code);
        Assert.Equal(3_500_000, conversation.Delay);
    }

    [Fact]
    public void WrongCurrentPasswordWithNoDelayRequestsNone()
    {
        var store = new Store(new(LookupStatus.Found, AliceHash));
        var conversation = new Conversation(current: "wrong", fresh: "N3w-pass!");
        Assert.Equal(PamCode.AuthErr, Change(conversation, store, Update, uid: 1000, "crypt=1", "md5", "nodelay").Code);
        Assert.Null(conversation.Delay);
    }

    [Fact]
    public void RightCurrentPasswordRequestsNoDelay()
    {
        var store = new Store(new(LookupStatus.Found, AliceHash));
        var conversation = new Conversation(current: "S3cret!", fresh: "N3w-pass!");
        Assert.Equal(PamCode.Success, Change(conversation, store, Prelim, uid: 1000).Code);
        Assert.Null(conversation.Delay);
    }

    // --- L4: expired accounts

    [Theory]
    [InlineData(Prelim, 0)]
    [InlineData(Update, 0)]
    [InlineData(Update | ChangeExpired, 0)]
    [InlineData(Update, 1000)]
    public void AnExpiredAccountCannotChangeItsPassword(int flags, int uid)
    {
        var store = new Store(new(LookupStatus.Found, AliceHash, AccountStatus: 1));
        var (code, log) = Change(new Conversation("S3cret!", "N3w-pass!"), store, flags, uid, "crypt=1", "md5", "statcolumn=status");
        Assert.Equal(PamCode.AuthTokLockBusy, code);
        Assert.Contains(log.Lines, l => l.Message.Contains("has expired"));
        Assert.Empty(store.Updates);
    }

    [Fact]
    public void AnExpiredPasswordCanBeChanged()
    {
        var store = new Store(new(LookupStatus.Found, AliceHash, AccountStatus: 2));
        Assert.Equal(PamCode.Success,
            Change(new Conversation("S3cret!", "N3w-pass!"), store, Update | ChangeExpired, 1000, "crypt=1", "md5", "statcolumn=status").Code);
        Assert.Single(store.Updates);
    }

    [Fact]
    public void WithoutStatcolumnTheStatusIsNotConsulted()
    {
        var store = new Store(new(LookupStatus.Found, AliceHash, AccountStatus: 1));
        Assert.Equal(PamCode.Success, Change(new Conversation(fresh: "N3w-pass!"), store, Update, uid: 0).Code);
    }

    // --- L4 / L1: the new password's length

    [Fact]
    public void ANewPasswordOver512BytesIsRefused()
    {
        var store = new Store(new(LookupStatus.Found, AliceHash));
        var (code, log) = Change(new Conversation(fresh: new string('n', 513)), store, Update, uid: 0);
        Assert.Equal(PamCode.AuthTokErr, code);
        Assert.Contains(log.Lines, l => l.Message.Contains("longer than 512 bytes"));
        Assert.Empty(store.Updates);
    }

    [Fact]
    public void ANewPasswordOf512BytesIsAcceptedAndCanLogIn()
    {
        var store = new Store(new(LookupStatus.Found, AliceHash));
        string fresh = new string('n', 512);
        Assert.Equal(PamCode.Success, Change(new Conversation(fresh: fresh), store, Update, uid: 0).Code);
        var login = new Store(new(LookupStatus.Found, store.Updates.Single()));
        Assert.Equal(PamCode.Success, Run(new Conversation(login: fresh), login, PamOperation.Authenticate, 0, -1, "crypt=1", "md5").Code);
    }

    // --- L1 / I6: the login password's length

    [Fact]
    public void ALoginPasswordOver512BytesIsRefusedBeforeTheLookup()
    {
        var store = new Store(new(LookupStatus.Found, YescryptOfX));
        var (code, log) = Run(new Conversation(login: new string('p', 513)), store, PamOperation.Authenticate, 0, -1, "crypt=1");
        Assert.Equal(PamCode.AuthErr, code);
        Assert.Equal(0, store.Lookups);
        Assert.Contains("longer than 512 bytes", log.Lines.Single().Message);
    }

    [Fact]
    public void A512BytePasswordAgainstALibxcryptHashIsAWrongPasswordNotAnInvalidHash()
    {
        var store = new Store(new(LookupStatus.Found, YescryptOfX));
        var (code, log) = Run(new Conversation(login: new string('p', 512)), store, PamOperation.Authenticate, 0, -1, "crypt=1");
        Assert.Equal(PamCode.AuthErr, code);
        Assert.Contains(log.Lines, l => l.Message.Contains("wrong password"));
        Assert.DoesNotContain(log.Lines, l => l.Message.Contains("not a valid hash"));
    }

    // --- L1: stored values over a cost cap

    [Theory]
    [InlineData("$6$rounds=1000001$saltsalt$hashhashhashhashhashhashhashhashhashhashhashhashhashhashhashhashhashhashhashhashhashh", "sha-crypt rounds 1000001 is over the cap of 1000000")]
    [InlineData("$2b$15$Rf7VLb81qjr9NL0pmNmMj.ASAbpBxhK2D5uvpBYFjscR8elTlRbJm", "bcrypt cost 15 is over the cap of 14")]
    [InlineData("$y$jCT$YFDtrMVsImh0ufFisD8lk0$rQjzk.RB6cZ7/b5eeDrepMjdezB.BnH.9YPbE91j3P5", "yescrypt memory 128 MiB is over the cap of 64 MiB")]
    public void AStoredValueOverACapIsRefusedWithAnOverTheCapLine(string stored, string why)
    {
        var store = new Store(new(LookupStatus.Found, stored));
        var (code, log) = Run(new Conversation(login: "x"), store, PamOperation.Authenticate, 0, -1, "crypt=1");
        Assert.Equal(PamCode.AuthErr, code);
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Err && l.Message.Contains(why));
    }

    [Fact]
    public void AnArgon2ValueOverTheMemoryCapIsRefusedInAutoMode()
    {
        var store = new Store(new(LookupStatus.Found, "$argon2id$v=19$m=65537,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"));
        var (code, log) = Run(new Conversation(login: "x"), store, PamOperation.Authenticate, 0, -1, "crypt=auto");
        Assert.Equal(PamCode.AuthErr, code);
        Assert.Contains(log.Lines, l => l.Message.Contains("argon2 memory m=65537 KiB is over the cap of 65536"));
    }

    // --- L6: empty typed passwords

    [Theory]
    [InlineData("auto", "{PLAIN}")]
    [InlineData("auto", "{CLEAR}")]
    [InlineData("auto", "{PLAIN.HEX}")]
    [InlineData("auto", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("3", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("1", Md5CryptOfEmpty)]
    [InlineData("1", BCryptOfEmpty)]
    [InlineData("2", "*BE1BDEC0AA74B4DCB079943E70528096CCA985F8")] // '*' + SHA1(SHA1('')), Python hashlib
    public void AnEmptyPasswordIsRefusedWithoutNullokWhateverIsStored(string crypt, string stored)
    {
        var store = new Store(new(LookupStatus.Found, stored));
        var (code, log) = Run(new Conversation(login: ""), store, PamOperation.Authenticate, 0, -1, $"crypt={crypt}");
        Assert.Equal(PamCode.AuthErr, code);
        Assert.Equal(0, store.Lookups);
        Assert.Contains(log.Lines, l => l.Message.Contains("empty password") && l.Message.Contains("nullok is not set"));
    }

    [Theory]
    [InlineData("auto", "{PLAIN}")]
    [InlineData("3", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("1", Md5CryptOfEmpty)]
    public void AnEmptyPasswordIsRefusedWithNullokWhenTheApplicationDisallowsIt(string crypt, string stored)
    {
        var store = new Store(new(LookupStatus.Found, stored));
        var (code, log) = Run(new Conversation(login: ""), store, PamOperation.Authenticate, (int)PamFlags.DisallowNullAuthTok, -1,
            $"crypt={crypt}", "nullok");
        Assert.Equal(PamCode.AuthErr, code);
        Assert.Contains(log.Lines, l => l.Message.Contains("the application disallows empty passwords"));
    }

    [Theory]
    [InlineData("auto", "{PLAIN}")]
    [InlineData("3", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("1", Md5CryptOfEmpty)]
    public void WithNullokAnEmptyPasswordMatchesAStoredEmptyValue(string crypt, string stored)
    {
        var store = new Store(new(LookupStatus.Found, stored));
        Assert.Equal(PamCode.Success,
            Run(new Conversation(login: ""), store, PamOperation.Authenticate, 0, -1, $"crypt={crypt}", "nullok").Code);
    }

    [Fact]
    public void WithNullokAnEmptyPasswordStillFailsAgainstAnotherPassword()
    {
        var store = new Store(new(LookupStatus.Found, AliceHash));
        Assert.Equal(PamCode.AuthErr, Run(new Conversation(login: ""), store, PamOperation.Authenticate, 0, -1, "crypt=1", "nullok").Code);
    }
}
