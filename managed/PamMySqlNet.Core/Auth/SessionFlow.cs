using PamMySqlNet.Data;
using PamMySqlNet.Logging;
using PamMySqlNet.Options;
using PamMySqlNet.Pam;

namespace PamMySqlNet.Auth;

/// <summary>pam_sm_open_session / pam_sm_close_session: an sqllog row when sqllog is on.</summary>
public static class SessionFlow
{
    public static PamCode Run(bool open, ModuleSettings settings, IUserStore store, IModuleLog log, ModuleRequest request)
    {
        new SqlAudit(settings, store, log, request).Write(open ? SqlAudit.SessionOpened : SqlAudit.SessionClosed);
        return PamCode.Success;
    }
}
