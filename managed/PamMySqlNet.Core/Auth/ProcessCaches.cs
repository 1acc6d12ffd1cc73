using MySqlConnector;
using PamMySqlNet.Data;
using PamMySqlNet.Logging;

namespace PamMySqlNet.Auth;

/// <summary>
/// Everything the core keeps between requests in one process: parsed pam.d lines, open database
/// connections, servers that recently failed, names resolved for the loopback rule, the schemes
/// the dummy verification imitates, and the once-per-process notices. A host process keeps them
/// for its life; the daemon drops them all on SIGHUP, after which every request starts afresh.
/// </summary>
public static class ProcessCaches
{
    public static void DropAll()
    {
        ParsedLines.Forget();
        MySqlConnection.ClearAllPools();
        ServerHealth.Shared.Forget();
        Loopback.Shared.Forget();
        DummyHashes.Reset();
        OncePerProcess.Forget();
        ThrottleTableHealth.Forget();
    }
}
