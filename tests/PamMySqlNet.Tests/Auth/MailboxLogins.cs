namespace PamMySqlNet.Tests.Auth;

/// <summary>Logins of alice@example.test (service smtp, from 192.0.2.7) against a PostfixAdmin-style
/// mailbox line, with the store a test supplies: shared by the stored-value tests.</summary>
internal static class MailboxLogins
{
    public static readonly string[] Args = [.. Recipe.Database, "throttle=off", "fail_delay=0"];

    /// <summary>A user typing <paramref name="password"/> at the prompt; no earlier module set PAM_AUTHTOK
    /// unless <paramref name="earlier"/>.</summary>
    public sealed class Typed(string password, bool earlier = false) : IPamConversation
    {
        public PamCode GetAuthTok(AuthTokItem item, AuthTokMode mode, string prompt, out byte[]? token)
        {
            token = mode == AuthTokMode.Prompt || earlier ? System.Text.Encoding.UTF8.GetBytes(password) : null;
            return token is null ? PamCode.AuthTokErr : PamCode.Success;
        }

        public PamCode SetAuthTok(AuthTokItem item, ReadOnlySpan<byte> token) => PamCode.Success;
        public void RequestFailDelay(int microseconds) { }
    }

    public static (PamCode Code, ListLog Log) Login(IUserStore store, string typed, params string[] extra)
    {
        var log = new ListLog();
        var request = new ModuleRequest(PamOperation.Authenticate, PamFlags.None, [.. Args, .. extra], "alice@example.test", "smtp", "192.0.2.7");
        return (ModuleEntry.Run(request, new Typed(typed), log, (_, _, _) => store), log);
    }

    public static ModuleSettings Parse(params string[] extra) => OptionParser.Parse([.. Args, .. extra]).Settings;
}
