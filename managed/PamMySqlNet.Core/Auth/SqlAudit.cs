using PamMySqlNet.Data;
using PamMySqlNet.Logging;
using PamMySqlNet.Options;

namespace PamMySqlNet.Auth;

/// <summary>pam_mysql's sqllog: one row in logtable per event, when sqllog is on. Best effort: a
/// failed log write is reported in syslog and does not change the PAM result.</summary>
public sealed class SqlAudit(ModuleSettings settings, IUserStore store, IModuleLog log, ModuleRequest request)
{
    public const string AuthSuccess = "AUTHENTICATION SUCCESS";
    public const string AuthFailure = "AUTHENTICATION FAILURE";
    public const string PasswordChanged = "ALTERATION SUCCESS";
    public const string PasswordChangeFailed = "ALTERATION FAILURE";
    public const string SessionOpened = "OPEN SESSION";
    public const string SessionClosed = "CLOSE SESSION";
    public const string QuerySuccess = "QUERYING SUCCESS";
    public const string QueryFailure = "QUERYING FAILURE";

    /// <summary>pam_mysql's value for a missing PAM_RHOST: log tables declare the column NOT NULL.</summary>
    public const string UnknownRHost = "(unknown)";

    /// <summary>pam_mysql's row for a status query (acct_mgmt, and the update step of chauthtok).</summary>
    public void WriteQuery(LookupStatus status)
    {
        if (status != LookupStatus.Unavailable)
            Write(status == LookupStatus.Found ? QuerySuccess : QueryFailure);
    }

    public void Write(string message)
    {
        if (!settings.SqlLog)
            return;
        var result = store.WriteLog(new LogRow(message, request.User, LocalHost.Address, request.RHost ?? UnknownRHost, request.CallerPid));
        if (result.Status != WriteStatus.Done)
            log.Write(LogLevel.Err, $"sqllog: could not write '{message}': {result.Detail}");
    }
}

/// <summary>This machine's address for sqllog's host column, looked up once per process.</summary>
internal static class LocalHost
{
    private static readonly Lazy<string> Value = new(Resolve);

    public static string Address => Value.Value;

    private static string Resolve()
    {
        string name = System.Net.Dns.GetHostName();
        try
        {
            var addresses = System.Net.Dns.GetHostAddresses(name);
            return addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)?.ToString()
                   ?? addresses.FirstOrDefault()?.ToString() ?? name;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return name;
        }
    }
}
