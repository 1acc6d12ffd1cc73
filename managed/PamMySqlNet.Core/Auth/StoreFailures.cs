using PamMySqlNet.Data;
using PamMySqlNet.Logging;
using PamMySqlNet.Pam;

namespace PamMySqlNet.Auth;

/// <summary>One log line and pam_mysql's PAM code for a lookup that did not find exactly one user.</summary>
internal static class StoreFailures
{
    public static PamCode Report(UserLookup found, string what, string who, bool verbose, IModuleLog log)
    {
        switch (found.Status)
        {
            case LookupStatus.NotFound:
                // The name may be a mistyped password: only named when the admin asked for detail.
                log.Write(LogLevel.Notice, verbose ? $"{what} failure: unknown {who}" : $"{what} failure: unknown user");
                return PamCode.UserUnknown;
            case LookupStatus.Ambiguous:
                log.Write(LogLevel.Err, found.Detail == LookupRows.NotUnique
                    ? $"{what} failure: {found.Detail} for {who}; the user column must be unique (or see max_rows)"
                    : $"{what} failure: {found.Detail} for {who}; max_rows is the most stored passwords (app passwords included) one user may have");
                return PamCode.ServiceErr;
            case LookupStatus.Unavailable:
                log.Write(LogLevel.Err, $"{what} failure: database unavailable: {found.Detail}");
                return PamCode.AuthInfoUnavail;
            default:
                log.Write(LogLevel.Err, $"{what} failure: {found.Detail}");
                return PamCode.ServiceErr;
        }
    }

    public static string Who(ModuleRequest request) =>
        $"user \"{UserNames.ForLog(request.User)}\"{(request.RHost is { Length: > 0 } r ? $" rhost=\"{UserNames.ForLog(r)}\"" : "")}";
}
