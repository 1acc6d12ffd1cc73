using PamMySqlNet.Data;
using PamMySqlNet.Logging;
using PamMySqlNet.Options;

namespace PamMySqlNet.Auth;

/// <summary>
/// pam_pgsql's <c>auth_succ_query</c> / <c>auth_fail_query</c>: one statement after a login that was
/// checked and succeeded or failed (a wrong password, an unknown user; not a throttled refusal, which
/// runs no query), with the placeholders of where= as parameters. Best effort, like sqllog: the
/// statement runs with query_timeout, and a failure is one log line that changes no answer.
/// </summary>
public static class LoginHooks
{
    public static void Run(ModuleSettings s, IUserStore store, IModuleLog log, ModuleRequest request, bool succeeded)
    {
        if ((succeeded ? s.AuthSuccQuery : s.AuthFailQuery) is null)
            return;
        var result = store.RunLoginHook(succeeded, request.User);
        if (result.Status != WriteStatus.Done)
            log.Write(LogLevel.Err, $"{(succeeded ? "auth_succ_query" : "auth_fail_query")} failed for {StoreFailures.Who(request)} (the answer is unchanged): {result.Detail}");
    }
}
