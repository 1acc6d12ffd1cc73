using PamMySqlNet.Data;
using PamMySqlNet.Logging;
using PamMySqlNet.Options;
using PamMySqlNet.Pam;
using PamMySqlNet.Sql;

namespace PamMySqlNet.Auth;

/// <summary>
/// What every PAM entry point does, in plain C#: parse the arguments (and config file), check
/// them, build the queries, and hand the request to the flow for that entry point. Nothing here
/// throws into the caller's host.
/// </summary>
public static class ModuleEntry
{
    /// <summary>Makes the user store; tests may pass their own.</summary>
    public delegate IUserStore StoreFactory(ModuleSettings settings, QuerySet queries, IModuleLog log);

    public static readonly StoreFactory MySqlStore = (s, q, log) => new MySqlUserStore(s, q, log);

    public static PamCode Run(ModuleRequest request, IPamConversation conversation, IModuleLog log,
        StoreFactory? storeFactory = null, IConfigSource? configSource = null)
    {
        try
        {
            return RunUnguarded(request, conversation, log, storeFactory ?? MySqlStore, configSource);
        }
        catch (Exception e)
        {
            // Last line of defence: an exception must never reach the host. Type only: a message
            // could in theory quote data we were handed.
            log.Write(LogLevel.Err, $"internal error ({e.GetType().Name}); request refused");
            return PamCode.ServiceErr;
        }
    }

    private static PamCode RunUnguarded(ModuleRequest request, IPamConversation conversation, IModuleLog log,
        StoreFactory storeFactory, IConfigSource? configSource)
    {
        if (request.Operation == PamOperation.SetCred)
            return PamCode.Success;

        var line = ParsedLines.Get(request.Args, configSource);
        var parsed = line.Parsed;
        foreach (var name in parsed.UnknownOptions)
            log.Write(LogLevel.Warning, $"unknown {UserNames.ForLog(name)} ignored");
        // Once per process: a long-lived host (Dovecot, saslauthd) would otherwise repeat the same
        // line at every login, as a config file is read at every call.
        foreach (var notice in parsed.Notices)
            OncePerProcess.Write(log, LogLevel.Notice, notice);
        if (!line.Usable)
        {
            foreach (var problem in line.Problems)
                log.Write(LogLevel.Err, $"configuration error: {problem}");
            return PamCode.ServiceErr;
        }
        var settings = parsed.Settings;
        var queries = line.Queries!;

        PasswordExposure.WarnOnce(request.Args, request.Service, log);
        var store = storeFactory(settings, queries.ForRequest(request.Service, request.RHost), log);
        return request.Operation switch
        {
            PamOperation.Authenticate => new AuthFlow(settings, store, log, request).Authenticate(conversation),
            PamOperation.AcctMgmt => new AuthFlow(settings, store, log, request).CheckAccount(conversation),
            PamOperation.ChAuthTok => new PasswordChangeFlow(settings, store, log, request, conversation).Run(),
            PamOperation.OpenSession => SessionFlow.Run(open: true, settings, store, log, request),
            PamOperation.CloseSession => SessionFlow.Run(open: false, settings, store, log, request),
            _ => PamCode.ServiceErr,
        };
    }
}
